package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hashOf is the key_sha256 a policy file holds for key.
func hashOf(key string) string {
	s := sha256.Sum256([]byte(key))
	return hex.EncodeToString(s[:])
}

var (
	keyBilling = "billing-key-0123456789"
	keyAdmin   = "admin-key-9876543210"
)

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{
			name: "DESIGN example (YAML)",
			in: `callers:
  - name: billing
    key_sha256: ` + hashOf(keyBilling) + `
    allow: ["authsvc.v1.AuthService/GetUser", "authsvc.v1.AuthService/List*"]
  - name: admin-tool
    tls_subject: "CN=admin-tool"
    allow: ["*"]
`,
			want: []string{"billing", "admin-tool"},
		},
		{
			name: "JSON is YAML",
			in:   `{"callers":[{"name":"svc","key_sha256":"` + strings.ToUpper(hashOf(keyAdmin)) + `","allow":["/authsvc.v1.AuthService/GetUser"]}]}`,
			want: []string{"svc"},
		},
		{
			name: "protect list and SAN caller",
			in:   "protect: [\"authsvc.v1.AuthService/GetAuthState\"]\ncallers:\n  - name: mesh\n    tls_san: spiffe://corp/mesh\n    allow: [\"*\"]\n",
			want: []string{"mesh"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, p.CallerNames()); diff != "" {
				t.Errorf("callers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	good := hashOf(keyBilling)
	tests := []struct {
		name    string
		in      string
		wantMsg string
	}{
		{"empty file", "", "no callers"},
		{"no callers key", "protect: []\n", "no callers"},
		{"not YAML", "callers: [\n", "invalid policy"},
		{"unknown top-level key", "callerz: []\n", "callerz"},
		{"unknown caller key", "callers:\n  - name: a\n    key: " + good + "\n    allow: ['*']\n", "unknown key key in a caller"},
		{"caller without name", "callers:\n  - key_sha256: " + good + "\n    allow: ['*']\n", "name is required"},
		{"caller without credential", "callers:\n  - name: a\n    allow: ['*']\n", "no credential"},
		{"caller without grants", "callers:\n  - name: a\n    key_sha256: " + good + "\n", "allow is empty"},
		{"bad hex hash", "callers:\n  - name: a\n    key_sha256: zz" + good[2:] + "\n    allow: ['*']\n", "64 hex digits"},
		{"short hash", "callers:\n  - name: a\n    key_sha256: " + good[:62] + "\n    allow: ['*']\n", "64 hex digits"},
		{"raw key pasted as hash", "callers:\n  - name: a\n    key_sha256: " + keyBilling + "\n    allow: ['*']\n", "64 hex digits"},
		{"duplicate names", "callers:\n  - {name: a, key_sha256: " + good + ", allow: ['*']}\n  - {name: a, tls_subject: CN=a, allow: ['*']}\n", "duplicate name"},
		{"duplicate keys", "callers:\n  - {name: a, key_sha256: " + good + ", allow: ['*']}\n  - {name: b, key_sha256: " + strings.ToUpper(good) + ", allow: ['*']}\n", "duplicate key"},
		{"duplicate subject", "callers:\n  - {name: a, tls_subject: CN=x, allow: ['*']}\n  - {name: b, tls_subject: CN=x, allow: ['*']}\n", "duplicate tls_subject"},
		{"empty allow entry", "callers:\n  - {name: a, tls_san: x, allow: ['']}\n", "empty method pattern"},
		{"slash-only allow entry", "callers:\n  - {name: a, tls_san: x, allow: ['/']}\n", "empty method pattern"},
		{"allow entry with space", "callers:\n  - {name: a, tls_san: x, allow: ['Get User']}\n", "whitespace"},
		{"empty protect entry", "protect: ['']\ncallers:\n  - {name: a, tls_san: x, allow: ['*']}\n", "protect[0]"},
		{"allow is not a list", "callers:\n  - {name: a, tls_san: x, allow: {a: b}}\n", "invalid policy"},
		{"two documents", "callers:\n  - {name: a, tls_san: x, allow: ['*']}\n---\ncallers: []\n", "more than one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Parse([]byte(tt.in))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse = %v, %v; want an error wrapping ErrInvalid", p, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("error %q does not mention %q", msg, tt.wantMsg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines: %q", msg)
			}
			if strings.Contains(msg, keyBilling) {
				t.Errorf("error quotes the key: %q", msg)
			}
		})
	}
}

func TestParseDoesNotQuoteValues(t *testing.T) {
	t.Parallel()
	// A type error makes the YAML parser quote the offending value.
	_, err := Parse([]byte("callers:\n  - name: [" + keyBilling + "]\n    tls_san: x\n    allow: ['*']\n"))
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Parse: %v, want ErrInvalid", err)
	}
	if strings.Contains(err.Error(), keyBilling) {
		t.Errorf("error quotes the value: %q", err)
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(good, []byte("callers:\n  - {name: a, key_sha256: "+hashOf(keyAdmin)+", allow: ['*']}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("callers: nope\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err := Load(good); err != nil || len(p.CallerNames()) != 1 {
		t.Errorf("Load(good) = %v, %v", p, err)
	}
	if _, err := Load(bad); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), bad) {
		t.Errorf("Load(bad) error = %v; want ErrInvalid naming the path", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) error = %v; want os.ErrNotExist", err)
	}
}

// TestFromCallers: callers given in code follow the file's rules, and a
// valid list grants what it says.
func TestFromCallers(t *testing.T) {
	t.Parallel()
	sum := sha256.Sum256([]byte("k1"))
	good := Caller{Name: "dev", KeySHA256: hex.EncodeToString(sum[:]), Allow: []string{"*"}}
	tests := []struct {
		name    string
		callers []Caller
		wantErr error
	}{
		{"one caller with every grant", []Caller{good}, nil},
		{"no callers", nil, ErrInvalid},
		{"no credential", []Caller{{Name: "x", Allow: []string{"*"}}}, ErrInvalid},
		{"no grant", []Caller{{Name: "x", TLSSAN: "spiffe://x"}}, ErrInvalid},
		{"bad hash", []Caller{{Name: "x", KeySHA256: "zz", Allow: []string{"*"}}}, ErrInvalid},
		{"duplicate key", []Caller{good, {Name: "other", KeySHA256: good.KeySHA256, Allow: []string{"*"}}}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := FromCallers(tt.callers)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("FromCallers: %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if name, err := p.Authorize("/authsvc.v1.AuthService/GetUser", Credentials{APIKey: "k1"}); err != nil || name != "dev" {
				t.Errorf("Authorize = %q, %v; want dev", name, err)
			}
		})
	}
}
