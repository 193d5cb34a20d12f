package interstitial

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// pk builds a key from a prefix and the text to encode.
func pk(prefix, decoded string) string {
	return prefix + base64.RawStdEncoding.EncodeToString([]byte(decoded))
}

func TestParsePublishableKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		key      string
		wantHost string
		wantLive bool
		wantErr  error
	}{
		{"test key", pk("pk_test_", "happy-cat-12.clerk.accounts.dev$"), "happy-cat-12.clerk.accounts.dev", false, nil},
		{"live key", pk("pk_live_", "clerk.example.com$"), "clerk.example.com", true, nil},
		{"padded base64 accepted", "pk_live_" + base64.StdEncoding.EncodeToString([]byte("clerk.example.com$")), "clerk.example.com", true, nil},
		{"digits and inner hyphens", pk("pk_test_", "a-1.b2$"), "a-1.b2", false, nil},
		{"empty", "", "", false, ErrInvalidPublishableKey},
		{"secret key is not a publishable key", "sk_test_abc", "", false, ErrInvalidPublishableKey},
		{"prefix alone", "pk_test_", "", false, ErrInvalidPublishableKey},
		{"upper-case prefix", strings.Replace(pk("pk_test_", "clerk.example.com$"), "pk_test_", "PK_TEST_", 1), "", false, ErrInvalidPublishableKey},
		{"url-safe base64 rejected", "pk_test_" + base64.RawURLEncoding.EncodeToString([]byte("clerk.exa~~~?mple.com$")), "", false, ErrInvalidPublishableKey},
		{"carriage return inside (fuzz find: Go's decoder skips it)", "pk_test_" + base64.RawStdEncoding.EncodeToString([]byte("clerk.example.com$"))[:4] + "\r" + base64.RawStdEncoding.EncodeToString([]byte("clerk.example.com$"))[4:], "", false, ErrInvalidPublishableKey},
		{"line feed at the end", pk("pk_test_", "clerk.example.com$") + "\n", "", false, ErrInvalidPublishableKey},
		{"stray bits in the last character", "pk_test_" + base64.RawStdEncoding.EncodeToString([]byte("clerk.example.com$"))[:23] + "B", "", false, ErrInvalidPublishableKey},
		{"wrong padding", pk("pk_test_", "clerk.example.com$") + "=", "", false, ErrInvalidPublishableKey},
		{"no dollar", pk("pk_test_", "clerk.example.com"), "", false, ErrInvalidPublishableKey},
		{"two dollars", pk("pk_test_", "clerk.example.com$$"), "", false, ErrInvalidPublishableKey},
		{"dollar inside", pk("pk_test_", "clerk$.example.com$"), "", false, ErrInvalidPublishableKey},
		{"only a dollar", pk("pk_test_", "$"), "", false, ErrInvalidPublishableKey},
		{"single label", pk("pk_test_", "localhost$"), "", false, ErrInvalidPublishableKey},
		{"port", pk("pk_test_", "clerk.example.com:443$"), "", false, ErrInvalidPublishableKey},
		{"path", pk("pk_test_", "clerk.example.com/x$"), "", false, ErrInvalidPublishableKey},
		{"user info", pk("pk_test_", "a@clerk.example.com$"), "", false, ErrInvalidPublishableKey},
		{"upper-case host", pk("pk_test_", "Clerk.Example.com$"), "", false, ErrInvalidPublishableKey},
		{"empty label", pk("pk_test_", "clerk..example.com$"), "", false, ErrInvalidPublishableKey},
		{"trailing dot", pk("pk_test_", "clerk.example.com.$"), "", false, ErrInvalidPublishableKey},
		{"leading hyphen", pk("pk_test_", "-clerk.example.com$"), "", false, ErrInvalidPublishableKey},
		{"trailing hyphen", pk("pk_test_", "clerk-.example.com$"), "", false, ErrInvalidPublishableKey},
		{"label over 63 bytes", pk("pk_test_", strings.Repeat("a", 64)+".example.com$"), "", false, ErrInvalidPublishableKey},
		{"markup", pk("pk_test_", "x.com'</script><script>alert(1)</script>$"), "", false, ErrInvalidPublishableKey},
		{"non-ascii host", pk("pk_test_", "bücher.example$"), "", false, ErrInvalidPublishableKey},
		{"NUL", pk("pk_test_", "clerk.example.com\x00$"), "", false, ErrInvalidPublishableKey},
		{"too long", "pk_test_" + strings.Repeat("A", 600), "", false, ErrInvalidPublishableKey},
		{"space in base64", "pk_test_ " + base64.RawStdEncoding.EncodeToString([]byte("clerk.example.com$")), "", false, ErrInvalidPublishableKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePublishableKey(tt.key)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParsePublishableKey(%q) error = %v, want %v", tt.key, err, tt.wantErr)
			}
			if err != nil {
				if tt.key != "" && strings.Contains(err.Error(), tt.key) {
					t.Errorf("error %q repeats the key", err)
				}
				return
			}
			if got.FrontendAPI() != tt.wantHost || got.Live() != tt.wantLive || got.String() != tt.key {
				t.Errorf("got host %q live %v raw %q, want %q %v %q", got.FrontendAPI(), got.Live(), got.String(), tt.wantHost, tt.wantLive, tt.key)
			}
		})
	}
}
