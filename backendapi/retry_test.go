package backendapi

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// scripted answers the n-th request (from 0) with statuses[n], or with the
// last status once the script runs out; 200 answers with a session.
func scripted(t *testing.T, headers http.Header, statuses ...int) (*fakeAPI, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	body := fixture(t, "session.json")
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
		k := int(n.Add(1)) - 1
		st := statuses[min(k, len(statuses)-1)]
		for h, v := range headers {
			w.Header()[h] = v
		}
		if st == 200 {
			replyJSON(w, 200, body)
			return
		}
		replyJSON(w, st, []byte(`{"errors":[{"code":"x","message":"y"}]}`))
	})
	return api, &n
}

// sessionCall runs one operation of each HTTP method on a session.
func sessionCall(ctx context.Context, c *Client, method string) error {
	var err error
	switch method {
	case http.MethodGet:
		_, err = c.Sessions.Get(ctx, "sess_1")
	case http.MethodDelete:
		_, err = c.Users.DisableMFA(ctx, "user_1")
	case http.MethodPatch:
		_, err = c.EmailAddresses.Update(ctx, "idn_1", nil)
	default:
		_, err = c.Sessions.Revoke(ctx, "sess_1")
	}
	return err
}

func TestRetry5xx(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		method       string
		maxAttempts  int
		statuses     []int
		wantAttempts int32
		wantStatus   int // 0: success
	}{
		{"GET 503 twice then 200 is retried", "GET", 4, []int{503, 503, 200}, 3, 0},
		{"GET 500 always gives up after 4 attempts", "GET", 4, []int{500}, 4, 500},
		{"DELETE 502 then 200 is retried", "DELETE", 4, []int{502, 200}, 2, 0},
		{"POST 503 is not retried", "POST", 4, []int{503, 200}, 1, 503},
		{"PATCH 503 is not retried", "PATCH", 4, []int{503, 200}, 1, 503},
		{"WithRetry(1) disables retries", "GET", 1, []int{503, 200}, 1, 503},
		{"404 is never retried", "GET", 4, []int{404, 200}, 1, 404},
		// The 502 may have come after Clerk deleted: the 404 that follows
		// says so, and the caller learns the outcome is unknown.
		{"DELETE 502 then 404 reports the 502", "DELETE", 4, []int{502, 404}, 2, 502},
		{"DELETE 404 at once is a 404", "DELETE", 4, []int{404}, 1, 404},
		{"GET 502 then 404 is a 404", "GET", 4, []int{502, 404}, 2, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, n := scripted(t, nil, tt.statuses...)
			clk := newFakeClock()
			c := api.client(t, WithClock(clk), WithRetry(tt.maxAttempts, 100*time.Millisecond))
			err := sessionCall(t.Context(), c, tt.method)
			if got := n.Load(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
			var apiErr *APIError
			switch {
			case tt.wantStatus == 0 && err != nil:
				t.Fatalf("error = %v, want success", err)
			case tt.wantStatus != 0 && (!errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantStatus):
				t.Fatalf("error = %v, want a %d APIError", err, tt.wantStatus)
			}
			waits := clk.recorded()
			if len(waits) != int(tt.wantAttempts)-1 {
				t.Fatalf("waits = %v, want %d", waits, tt.wantAttempts-1)
			}
			for k, w := range waits {
				hi := (100 * time.Millisecond) << k
				if w < hi/2 || w > hi {
					t.Errorf("backoff %d = %v, want within [%v, %v]", k+1, w, hi/2, hi)
				}
			}
		})
	}
}

func TestRetry429(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		retryAfter   string
		statuses     []int
		deadline     time.Duration // 0: none
		wantAttempts int32
		wantWaitMin  time.Duration // of the first wait; -1: no wait expected
		wantWaitMax  time.Duration
		wantRA       time.Duration // RetryAfter of the returned error; -1: success
	}{
		{"POST 429 Retry-After 1 is retried after 1s", "1", []int{429, 200}, 0, 2, time.Second, time.Second, -1},
		{"429 without Retry-After backs off", "", []int{429, 200}, 0, 2, 50 * time.Millisecond, 100 * time.Millisecond, -1},
		{"429 Retry-After as HTTP date", "date+3s", []int{429, 200}, 0, 2, 2 * time.Second, 3 * time.Second, -1},
		{"Retry-After 30s exceeds the 10s cap: returned at once", "30", []int{429, 200}, 0, 1, -1, -1, 30 * time.Second},
		{"Retry-After past the caller's deadline: returned at once", "9", []int{429, 200}, 8 * time.Second, 1, -1, -1, 9 * time.Second},
		{"429 every time (Retry-After 0): RateLimitError after 4 attempts", "0", []int{429}, 0, 4, -1, -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := newFakeClock()
			h := http.Header{}
			switch tt.retryAfter {
			case "":
			case "date+3s": // an HTTP date 3 s after the fake clock's now (cut to whole seconds)
				h.Set("Retry-After", clk.Now().Add(3*time.Second).UTC().Format(http.TimeFormat))
			default:
				h.Set("Retry-After", tt.retryAfter)
			}
			api, n := scripted(t, h, tt.statuses...)
			c := api.client(t, WithClock(clk), WithRetry(4, 100*time.Millisecond))
			ctx := t.Context()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			err := sessionCall(ctx, c, http.MethodPost)
			if got := n.Load(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
			var rl *RateLimitError
			if tt.wantRA < 0 {
				if err != nil {
					t.Fatalf("error = %v, want success", err)
				}
			} else if !errors.As(err, &rl) || rl.RetryAfter != tt.wantRA || rl.APIError == nil || rl.APIError.StatusCode != 429 {
				t.Fatalf("error = %#v, want a RateLimitError with RetryAfter %v and the 429", err, tt.wantRA)
			}
			waits := clk.recorded()
			if tt.wantWaitMin < 0 {
				if len(waits) != 0 {
					t.Errorf("waited %v, want no wait", waits)
				}
				return
			}
			if len(waits) == 0 || waits[0] < tt.wantWaitMin || waits[0] > tt.wantWaitMax {
				t.Errorf("waits = %v, want the first within [%v, %v]", waits, tt.wantWaitMin, tt.wantWaitMax)
			}
		})
	}
}

// TestRetryTransportFailure closes the connection without an answer.
func TestRetryTransportFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		method       string
		wantAttempts int32
	}{
		{"GET is retried 4 times", http.MethodGet, 4},
		{"DELETE is retried 4 times", http.MethodDelete, 4},
		{"POST is sent once", http.MethodPost, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
				n.Add(1)
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					_ = conn.Close()
				}
			})
			clk := newFakeClock()
			err := sessionCall(t.Context(), api.client(t, WithClock(clk)), tt.method)
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("error = %v, want ErrUnavailable", err)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("a closed connection must not look like a missed deadline: %v", err)
			}
			if got := n.Load(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
		})
	}
}

// TestCallerDeadline: a server slower than the caller's deadline. The call
// ends with context.DeadlineExceeded and the server sees the request
// cancelled, i.e. the client stopped waiting.
func TestCallerDeadline(t *testing.T) {
	t.Parallel()
	cancelled := make(chan struct{})
	api := newFakeAPI(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			close(cancelled)
		case <-time.After(10 * time.Second):
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	_, err := api.client(t).Users.Get(ctx, "user_1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want context.DeadlineExceeded", err)
	}
	if errors.Is(err, ErrUnavailable) {
		t.Errorf("a missed caller deadline must not be reported as unavailability: %v", err)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the server never saw the request cancelled")
	}
	if n := len(api.requests()); n != 1 {
		t.Errorf("attempts = %d, want 1 (the deadline ended the call)", n)
	}
}

func TestCallerContextAlreadyDone(t *testing.T) {
	t.Parallel()
	api, n := scripted(t, nil, 200)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := api.client(t).Users.Get(ctx, "user_1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if n.Load() != 0 {
		t.Errorf("a cancelled call sent %d requests", n.Load())
	}
}

// TestBackoffPastDeadline: the first backoff (5–10 s on the fake clock)
// fits before the 12 s deadline, the second (≥ 10 s more) would not, so the
// 503 is returned instead of sleeping. The margins keep a loaded machine
// from reaching the real deadline.
func TestBackoffPastDeadline(t *testing.T) {
	t.Parallel()
	api, n := scripted(t, nil, 503)
	clk := newFakeClock()
	c := api.client(t, WithClock(clk), WithRetry(4, 10*time.Second))
	ctx, cancel := context.WithTimeout(t.Context(), 12*time.Second)
	defer cancel()
	_, err := c.Sessions.Get(ctx, "sess_1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("error = %v, want the 503", err)
	}
	if got := n.Load(); got != 2 {
		t.Errorf("attempts = %d, want 2", got)
	}
	if waits := clk.recorded(); len(waits) != 1 {
		t.Errorf("waits = %v, want exactly the first backoff", waits)
	}
}

// TestAttemptTimeout: the first attempt hangs past the per-attempt timeout.
func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		method       string
		wantAttempts int32
		wantErr      error
	}{
		{"GET is retried after a timed-out attempt", http.MethodGet, 2, nil},
		{"POST reports unavailability, not the caller's deadline", http.MethodPost, 1, ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			body := fixture(t, "session.json")
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					<-r.Context().Done()
					return
				}
				replyJSON(w, 200, body)
			})
			// 2 s leaves the second attempt ample time on a loaded machine.
			c := api.client(t, WithAttemptTimeout(2*time.Second), WithClock(newFakeClock()))
			err := sessionCall(t.Context(), c, tt.method)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("a per-attempt timeout must not look like the caller's deadline: %v", err)
			}
			if got := n.Load(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
		})
	}
}

func TestBackoffGrowth(t *testing.T) {
	t.Parallel()
	c := &Client{cfg: config{baseBackoff: 100 * time.Millisecond}}
	var got []bool
	for attempt := 1; attempt <= 3; attempt++ {
		for range 200 {
			d := c.backoff(attempt)
			hi := (100 * time.Millisecond) << (attempt - 1)
			got = append(got, d >= hi/2 && d <= hi)
		}
	}
	want := make([]bool, len(got))
	for k := range want {
		want[k] = true
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("backoff outside [d/2, d]:\n%s", d)
	}
}
