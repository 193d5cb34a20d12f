package server

import (
	"testing"
)

// asciiLower is the plain byte loop lowerName must equal: ASCII letters
// folded, every other byte kept.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// FuzzLowerName holds lowerName to asciiLower on every input; it only skips
// the work when there is nothing to fold.
func FuzzLowerName(f *testing.F) {
	for _, s := range []string{"", "cookie", "Cookie", "x-forwarded-proto", "X-FORWARDED-PROTO", "x-clerk-user-iD",
		"abcdefgZ", "abcdefg@[`{", "ünïcode-header", "\x7f\x80", "AZaz@[`{0123456789", "coo\u212aie", "\xc1\xdaabcdefAB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lowerName(s), asciiLower(s); got != want {
			t.Fatalf("lowerName(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestLowerNameFoldsASCIIOnly: the Kelvin sign, which Unicode lower-cases
// to 'k', must not turn a name into "cookie"; bytes above 0x7f next to
// upper-case letters stay as they are.
func TestLowerNameFoldsASCIIOnly(t *testing.T) {
	for in, want := range map[string]string{
		"Coo\u212aie":       "coo\u212aie",
		"COOKIE":            "cookie",
		"X-Clerk-User-Id":   "x-clerk-user-id",
		"\xc1\xdaABCDEFGHI": "\xc1\xdaabcdefghi", // 0xc1 and 0xda are 'A' and 'Z' with the high bit set
		"ünïcode-HEADER":    "ünïcode-header",
		"already-lower-123": "already-lower-123",
	} {
		if got := lowerName(in); got != want {
			t.Errorf("lowerName(%q) = %q, want %q", in, got, want)
		}
	}
}
