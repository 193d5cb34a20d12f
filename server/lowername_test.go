package server

import (
	"strings"
	"testing"
)

// lowerName must equal strings.ToLower on every input; it only skips the
// work when there is nothing to lower.
func FuzzLowerName(f *testing.F) {
	for _, s := range []string{"", "cookie", "Cookie", "x-forwarded-proto", "X-FORWARDED-PROTO", "x-clerk-user-iD",
		"abcdefgZ", "abcdefg@[`{", "ünïcode-header", "\x7f\x80", "AZaz@[`{0123456789"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lowerName(s), strings.ToLower(s); got != want {
			t.Fatalf("lowerName(%q) = %q, want %q", s, got, want)
		}
	})
}
