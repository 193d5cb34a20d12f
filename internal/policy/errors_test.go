package policy

import (
	"strings"
	"testing"
)

// TestParseErrorsSpeakYAML: a decode error is in the file's terms (YAML
// shapes, key names), never a Go type name such as policy.callerFile.
func TestParseErrorsSpeakYAML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"callers is a string", "callers: abc\n", "line 1: expected a list of callers, found a string"},
		{"a caller is a string", "callers:\n  - abc\n", "line 2: expected a caller (a mapping with name, key_sha256, tls_subject, tls_san, allow), found a string"},
		{"name is a list", "callers:\n  - name: [1]\n", "line 2: expected a string, found a list"},
		{"allow is a string", "callers:\n  - name: a\n    allow: x\n", "line 3: expected a list of strings, found a string"},
		{"protect is a mapping", "protect: {a: 1}\ncallers: []\n", "line 1: expected a list of strings, found a mapping"},
		{"top level is a list", "[1,2]\n", "line 1: expected a mapping with the keys callers and protect, found a list"},
		{"unknown caller key", "callers:\n  - name: a\n    bogus: 1\n", "line 3: unknown key bogus in a caller (known: name, key_sha256, tls_subject, tls_san, allow)"},
		{"unknown top-level key", "bogus: 1\n", "line 1: unknown key bogus at the top level (known: callers, protect)"},
		{"a pasted key as a key name is not echoed", "sk_live_AbCdEf0123456789ZZZZZZZZZZZZZZZZ: 1\n", "line 1: unknown key <key> at the top level"},
		{"syntax error", "callers: [\n", "line 1: did not find expected node content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if goType.MatchString(err.Error()) || strings.Contains(err.Error(), "[]string") || strings.Contains(err.Error(), "sk_live_") {
				t.Errorf("err = %q names a Go type or echoes a value", err)
			}
		})
	}
}
