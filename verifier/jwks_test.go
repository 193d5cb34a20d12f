package verifier

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// hangingJWKS is a JWKS endpoint that never answers: each request blocks
// until its client gives up or the test ends.
func hangingJWKS(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv
}

// TestFetchTimeoutIsNotAContextError: a fetch that runs out of its own
// timer (not the caller's) is ReasonKeyFetch with a "timed out" detail and
// does not wrap context.DeadlineExceeded, both when the caller waits for
// it and when the next caller gets the cached error.
func TestFetchTimeoutIsNotAContextError(t *testing.T) {
	t.Parallel()
	srv := hangingJWKS(t)
	r := newRemoteKeySet(remoteConfig{
		url: srv.URL, secretKey: "sk_test_x", client: http.DefaultClient, now: time.Now,
		refresh: time.Hour, minGap: time.Hour, fetchTimeout: 50 * time.Millisecond,
	})
	t.Cleanup(r.close)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, call := range []string{"the waiter of the fetch", "the next caller (cached error)"} {
		_, err := r.key(ctx, "kid_1")
		var ve *Error
		if !errors.As(err, &ve) || ve.Reason != ReasonKeyFetch {
			t.Fatalf("%s: err = %v, want a %s *Error", call, err, ReasonKeyFetch)
		}
		if !strings.Contains(ve.Detail, "timed out") || !errors.Is(err, errFetchTimedOut) {
			t.Errorf("%s: err = %v, want the fetch timeout as its cause", call, err)
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v wraps a context error, but the caller's context is alive", call, err)
		}
	}
	if ctx.Err() != nil {
		t.Fatal("the caller's deadline passed: the test proves nothing")
	}
}

// TestFetchStoppedByCloseIsNotAContextError: closing the key set during a
// fetch ends it with its own cause, not context.Canceled.
func TestFetchStoppedByCloseIsNotAContextError(t *testing.T) {
	t.Parallel()
	srv := hangingJWKS(t)
	r := newRemoteKeySet(remoteConfig{
		url: srv.URL, secretKey: "sk_test_x", client: http.DefaultClient, now: time.Now,
		refresh: time.Hour, minGap: time.Hour,
	})
	call := r.startFetch()
	r.close()
	<-call.done
	if !errors.Is(call.err, errFetchStopped) || errors.Is(call.err, context.Canceled) {
		t.Fatalf("err = %v, want errFetchStopped and no context error", call.err)
	}
}
