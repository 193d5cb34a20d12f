package interstitial

// FuzzParsePublishableKey seeds come from the table of
// TestParsePublishableKey (f.Add below) and testdata/fuzz/. Run it with
//
//	go test -run '^$' -fuzz '^FuzzParsePublishableKey$' -fuzztime 60s ./internal/interstitial

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// FuzzParsePublishableKey checks that an accepted key re-encodes to itself
// (modulo padding), names a plain host, and renders a page whose only
// script element is the template's; a rejected key's error never repeats
// the key.
// keyErrors are every message ParsePublishableKey gives.
var keyErrors = map[string]bool{}

func init() {
	for _, why := range []string{
		"longer than " + strconv.Itoa(maxKeyBytes) + " bytes",
		"it must start with pk_test_ or pk_live_",
		"the part after the prefix is not base64",
		"the decoded key must end in one $",
		"the decoded frontend api is not a lower-case host name",
	} {
		keyErrors[ErrInvalidPublishableKey.Error()+": "+why] = true
	}
}

func FuzzParsePublishableKey(f *testing.F) {
	for _, s := range []string{
		pk("pk_test_", "happy-cat-12.clerk.accounts.dev$"), pk("pk_live_", "clerk.example.com$"),
		"pk_live_" + base64.StdEncoding.EncodeToString([]byte("clerk.example.com$")),
		pk("pk_test_", "clerk.example.com"), pk("pk_test_", "x.com'</script>$"), pk("pk_test_", "a.b$$"),
		"pk_test_", "", "sk_test_abc", "pk_test_====",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePublishableKey(s)
		if err != nil {
			// Not "does not contain the key": a key can be a piece of a
			// fixed message (" pk_test_" is), so the message must be one
			// of the fixed ones, which carry nothing of any key.
			if !errors.Is(err, ErrInvalidPublishableKey) || !keyErrors[err.Error()] {
				t.Fatalf("error %q is not one of ParsePublishableKey's fixed messages", err)
			}
			return
		}
		prefix := "pk_test_"
		if k.Live() {
			prefix = "pk_live_"
		}
		body := strings.TrimRight(strings.TrimPrefix(s, prefix), "=")
		if re := base64.RawStdEncoding.EncodeToString([]byte(k.FrontendAPI() + "$")); re != body || !strings.HasPrefix(s, prefix) {
			t.Fatalf("accepted %q but it re-encodes to %s%s", s, prefix, re)
		}
		if !isDNSName(k.FrontendAPI()) || strings.ContainsAny(k.FrontendAPI(), "$:/@<>\"' ") {
			t.Fatalf("accepted %q with frontend api %q", s, k.FrontendAPI())
		}
		page, err := Render(k)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		if strings.Count(strings.ToLower(page), "<script") != 1 || strings.Count(page, "</script>") != 1 {
			t.Fatalf("page for %q has extra script elements", s)
		}
	})
}
