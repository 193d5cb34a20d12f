package verifier

import (
	"strings"
	"testing"
)

// splitClerkShaped is rule 8's issuer shape written the plain way, by
// splitting the host into its labels: the oracle of clerkShaped, which
// walks the labels in place.
func splitClerkShaped(iss string) bool {
	host, ok := strings.CutPrefix(iss, "https://")
	if !ok {
		return false
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if !validLabel(l) {
			return false
		}
	}
	n := len(labels)
	if n >= 3 && labels[0] == "clerk" {
		return true
	}
	return n >= 4 && labels[n-3] == "clerk" && labels[n-2] == "accounts" && labels[n-1] == "dev"
}

// TestRule8IssuerShape covers rule 8's shapes, each checked against the
// oracle as well as its expected answer.
func TestRule8IssuerShape(t *testing.T) {
	for _, tc := range []struct {
		iss  string
		want bool
	}{
		{"https://clerk.example.com", true},
		{"https://clerk.a.b.c", true},
		{"https://clerk.accounts.dev", true}, // clerk.<domain> with domain accounts.dev
		{"https://happy-cat-12.clerk.accounts.dev", true},
		{"https://a.b.clerk.accounts.dev", true},
		{"https://clerk.com", false},
		{"https://x.clerk.accounts.dev.", false},
		{"https://clerk.example.com.", false},
		{"https://.clerk.example.com", false},
		{"https://clerk..com", false},
		{"https://Clerk.example.com", false},
		{"https://clerk.example.com:443", false},
		{"https://clerk.example.com/", false},
		{"https://foo.clerkaccounts.dev", false},
		{"https://x.clerk.accounts.de", false},
		{"https://-x.clerk.accounts.dev", false},
		{"https://", false},
		{"https://.", false},
		{"http://clerk.example.com", false},
		{"clerk.example.com", false},
		{"https://clerk." + strings.Repeat("a", 64) + ".com", false},
		{"https://clerk." + strings.Repeat("a", 63) + ".com", true},
	} {
		if got := clerkShaped(tc.iss); got != tc.want || got != splitClerkShaped(tc.iss) {
			t.Errorf("clerkShaped(%q) = %v, want %v (oracle %v)", tc.iss, got, tc.want, splitClerkShaped(tc.iss))
		}
	}
}

// FuzzClerkShaped holds clerkShaped to the oracle on every input.
func FuzzClerkShaped(f *testing.F) {
	for _, s := range []string{"https://clerk.example.com", "https://x.clerk.accounts.dev", "https://a..b", "https://clerk.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, iss string) {
		if got, want := clerkShaped(iss), splitClerkShaped(iss); got != want {
			t.Fatalf("clerkShaped(%q) = %v, oracle %v", iss, got, want)
		}
	})
}
