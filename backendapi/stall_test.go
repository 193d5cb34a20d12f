package backendapi

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// stallingAPI answers its first stalls requests by stalling as mode says,
// then with a session. It blocks a stalled request until its client gives
// up.
func stallingAPI(t *testing.T, mode string, stalls int32) (*fakeAPI, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	body := fixture(t, "session.json")
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) > stalls {
			replyJSON(w, http.StatusOK, body)
			return
		}
		if mode == "body" { // headers and the first bytes, then nothing
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body[:10])
			http.NewResponseController(w).Flush() //nolint:errcheck // best effort: the stall is what matters
		}
		<-r.Context().Done()
	})
	return api, &n
}

// TestStalledResponse covers DESIGN's "a timeout inside authsvc is
// UNAVAILABLE": an attempt that runs out of its own timer, before the
// headers or in the middle of the body, is a transport failure (retried
// for GET, wrapping ErrUnavailable and no context error); only the
// caller's own deadline is reported as context.DeadlineExceeded.
func TestStalledResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		mode           string // "body": stall after the headers; "headers": before them
		stalls         int32
		method         string
		attemptTimeout time.Duration
		callerTimeout  time.Duration
		wantAttempts   int32
		wantErr        error // nil: success
	}{
		{"stalled body of a GET is retried, then the GET succeeds", "body", 1, http.MethodGet, 50 * time.Millisecond, time.Minute, 2, nil},
		{"stalled body on every attempt is unavailable", "body", 99, http.MethodGet, 50 * time.Millisecond, time.Minute, 4, ErrUnavailable},
		{"stalled headers on every attempt are unavailable", "headers", 99, http.MethodGet, 50 * time.Millisecond, time.Minute, 4, ErrUnavailable},
		{"stalled body of a POST is not retried", "body", 1, http.MethodPost, 50 * time.Millisecond, time.Minute, 1, ErrUnavailable},
		{"the caller's own deadline is the caller's and is not retried", "body", 99, http.MethodGet, time.Minute, 50 * time.Millisecond, 1, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, n := stallingAPI(t, tt.mode, tt.stalls)
			c := api.client(t, WithClock(newFakeClock()), WithAttemptTimeout(tt.attemptTimeout))
			ctx, cancel := context.WithTimeout(t.Context(), tt.callerTimeout)
			defer cancel()
			err := sessionCall(ctx, c, tt.method)
			if got := n.Load(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("error = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if errors.Is(tt.wantErr, ErrUnavailable) {
				if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
					t.Errorf("error = %v wraps a context error, but the caller's context is alive", err)
				}
				if !errors.Is(err, errAttemptTimedOut) {
					t.Errorf("error = %v, want the attempt timeout as its cause", err)
				}
				if ctx.Err() != nil {
					t.Fatal("the caller's deadline passed: the row proves nothing")
				}
			}
		})
	}
}
