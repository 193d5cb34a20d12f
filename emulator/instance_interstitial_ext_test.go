package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInterstitial(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+"/v1/internal/interstitial", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.emu.SecretKey())
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	buf := new(strings.Builder)
	if _, err := bufCopy(buf, resp); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(true, strings.HasPrefix(buf.String(), "<!DOCTYPE html>")); diff != "" {
		t.Fatalf("not an HTML document (-want +got):\n%s", diff)
	}
}
