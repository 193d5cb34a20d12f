package interstitial

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestRenderLoadsClerkJSFromTheFrontendAPI(t *testing.T) {
	t.Parallel()
	key := pk("pk_test_", "happy-cat-12.clerk.accounts.dev$")
	k, err := ParsePublishableKey(key)
	if err != nil {
		t.Fatal(err)
	}
	page, err := Render(k)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<!DOCTYPE html>",
		`var publishableKey = "` + key + `";`,
		`var scriptURL = "https://happy-cat-12.clerk.accounts.dev/npm/@clerk/clerk-js@4/dist/clerk.browser.js";`,
		`script.setAttribute("data-clerk-publishable-key", publishableKey);`,
		"isInterstitial: true",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if got := ScriptURL(k); got != "https://happy-cat-12.clerk.accounts.dev/npm/@clerk/clerk-js@4/dist/clerk.browser.js" {
		t.Errorf("ScriptURL = %q", got)
	}
}

// TestRenderEscapesEverything renders keys that the parser would never
// accept (built directly) and checks that nothing breaks out of the script
// strings: the renderer does not rely on the parser for safety.
func TestRenderEscapesEverything(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		k    PublishableKey
	}{
		{"script close in the host", PublishableKey{raw: "pk_test_x", frontendAPI: `x.com"</script><script>alert(1)</script>`}},
		{"quotes and backslashes in the key", PublishableKey{raw: `pk_test_'";\u2028\` + "\n" + `alert(1)//`, frontendAPI: "x.com"}},
		{"html comment and CDATA", PublishableKey{raw: "pk_test_<!--<script>", frontendAPI: "x.com]]><![CDATA["}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := Render(tt.k)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(page, "</script>"); n != 1 {
				t.Errorf("page has %d </script>, want the template's one:\n%s", n, page)
			}
			if n := strings.Count(strings.ToLower(page), "<script"); n != 1 {
				t.Errorf("page has %d <script, want the template's one:\n%s", n, page)
			}
			for _, bad := range []string{"alert(1)</", `"'`, "<!--", "\n" + `alert`} {
				if strings.Contains(page, bad) {
					t.Errorf("page contains %q unescaped:\n%s", bad, page)
				}
			}
		})
	}
}

func TestRenderZeroKey(t *testing.T) {
	t.Parallel()
	if _, err := Render(PublishableKey{}); !errors.Is(err, ErrInvalidPublishableKey) {
		t.Fatalf("Render(zero) error = %v, want ErrInvalidPublishableKey", err)
	}
	if _, err := Local(PublishableKey{}); !errors.Is(err, ErrInvalidPublishableKey) {
		t.Fatalf("Local(zero) error = %v, want ErrInvalidPublishableKey", err)
	}
}

func TestLocalServesTheRenderedPage(t *testing.T) {
	t.Parallel()
	k, err := ParsePublishableKey(pk("pk_live_", "clerk.example.com$"))
	if err != nil {
		t.Fatal(err)
	}
	fetch, err := Local(k)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Render(k)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no network, so a done context does not matter
	if got, err := fetch(ctx); err != nil || got != want {
		t.Fatalf("fetch = %d bytes, %v; want the rendered page", len(got), err)
	}
}
