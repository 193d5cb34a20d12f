package verifier_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// TestJWKSHangingEndpoint: a JWKS endpoint that never answers is an outage
// (ReasonKeyFetch, no context error) when authsvc's own timeout ends the
// fetch, and the caller's context error only when the caller's own
// deadline passes first.
func TestJWKSHangingEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		clientTimeout time.Duration // the key-set HTTP client's timeout
		callerTimeout time.Duration
		wantCtxErr    error // nil: the error must not be a context error
	}{
		{"internal timeout under a long caller deadline is an outage", 50 * time.Millisecond, time.Minute, nil},
		{"the caller's own short deadline is the caller's", time.Minute, 50 * time.Millisecond, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}))
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(release) })
			v := mustNew(t, verifier.Config{SecretKey: "sk_test_x", APIURL: srv.URL, HTTPClient: &http.Client{Timeout: tt.clientTimeout}})
			token := verifiertest.NewIssuer(t).Mint(t, nil)
			for _, call := range []string{"first call", "second call"} {
				ctx, cancel := context.WithTimeout(context.Background(), tt.callerTimeout)
				_, err := v.Verify(ctx, token)
				callerDone := ctx.Err()
				cancel()
				wantReason(t, err, verifier.ReasonKeyFetch)
				switch {
				case tt.wantCtxErr != nil && !errors.Is(err, tt.wantCtxErr):
					t.Errorf("%s: err = %v, want it to wrap %v", call, err, tt.wantCtxErr)
				case tt.wantCtxErr == nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)):
					t.Errorf("%s: err = %v wraps a context error, but the caller's deadline had not passed", call, err)
				case tt.wantCtxErr == nil && callerDone != nil:
					t.Fatalf("%s: the caller's deadline passed: the row proves nothing", call)
				}
				if tt.wantCtxErr != nil {
					break // the fetch is still hanging: the second call would only wait again
				}
			}
		})
	}
}
