package noredirect

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestClient: a client without a redirect policy is used through a copy
// whose redirects fail with the given error (the caller's client is left
// as it was), and one with a policy of its own is kept as it is.
func TestClient(t *testing.T) {
	t.Parallel()
	var reached atomic.Bool
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Store(true) }))
	t.Cleanup(target.Close)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL, http.StatusFound)
	}))
	t.Cleanup(api.Close)
	refused := errors.New("refused")

	caller := &http.Client{}
	c := Client(caller, refused)
	if caller.CheckRedirect != nil {
		t.Error("the caller's client was given a redirect policy")
	}
	if _, err := c.Get(api.URL); !errors.Is(err, refused) {
		t.Errorf("Get through the copy: %v, want the refusal", err)
	}
	if reached.Load() {
		t.Error("the redirect's target was reached")
	}

	own := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if Client(own, refused) != own {
		t.Error("a client with its own redirect policy was replaced")
	}
}
