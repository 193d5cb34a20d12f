package noredirect

import (
	"errors"
	"net/http"
	"testing"

	"github.com/authsvc/authsvc/internal/redirecttest"
)

// TestClient: a client without a redirect policy is used through a copy
// whose redirects fail with the given error (the caller's client is left
// as it was), and one with a policy of its own is kept as it is.
func TestClient(t *testing.T) {
	t.Parallel()
	apiURL, reached := redirecttest.Server(t)
	refused := errors.New("refused")

	caller := &http.Client{}
	c := Client(caller, refused)
	if caller.CheckRedirect != nil {
		t.Error("the caller's client was given a redirect policy")
	}
	if _, err := c.Get(apiURL); !errors.Is(err, refused) {
		t.Errorf("Get through the copy: %v, want the refusal", err)
	}
	if reached() != 0 {
		t.Error("the redirect's target was reached")
	}

	own := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if Client(own, refused) != own {
		t.Error("a client with its own redirect policy was replaced")
	}
}
