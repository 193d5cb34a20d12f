package backendapi

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLimiterSlidingWindow(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	l := newLimiter(3, 10*time.Second, clk)
	var got []time.Duration
	for range 7 {
		d, err := l.reserve(time.Time{})
		if err != nil {
			t.Fatalf("reserve: %v", err)
		}
		got = append(got, d)
		clk.advance(time.Second)
	}
	// Starts at 0,1,2 s; the 4th (at 3 s) waits for the 1st to age out at
	// 10 s, the 5th (at 4 s) for 11 s, …
	want := []time.Duration{0, 0, 0, 7 * time.Second, 7 * time.Second, 7 * time.Second, 14 * time.Second}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("waits (-want +got):\n%s", d)
	}
}

func TestLimiterFailsFastPastDeadline(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	l := newLimiter(1, 10*time.Second, clk)
	if _, err := l.reserve(time.Time{}); err != nil {
		t.Fatal(err)
	}
	_, err := l.reserve(clk.Now().Add(5 * time.Second))
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.APIError != nil || rl.RetryAfter != 10*time.Second {
		t.Fatalf("error = %#v, want a client-side RateLimitError with RetryAfter 10s", err)
	}
	// The refused call took no slot: the next caller still waits 10 s, not 20 s.
	if d, err := l.reserve(time.Time{}); err != nil || d != 10*time.Second {
		t.Errorf("next reserve = %v, %v; want 10s, nil", d, err)
	}
}

// TestLimiterWindowProperty checks, for random arrivals from several
// goroutines, that no window of length per holds more than n starts.
func TestLimiterWindowProperty(t *testing.T) {
	t.Parallel()
	const n, per = 5, time.Second
	clk := newFakeClock()
	l := newLimiter(n, per, clk)
	var (
		mu     sync.Mutex
		starts []time.Time
		wg     sync.WaitGroup
	)
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 42))
			for range 50 {
				// Advance, read the clock and reserve under one lock: another
				// goroutine's advance between Now and reserve would skew the
				// recorded start, not the limiter.
				mu.Lock()
				clk.advance(time.Duration(r.IntN(100)) * time.Millisecond)
				now := clk.Now()
				d, err := l.reserve(time.Time{})
				if err == nil {
					starts = append(starts, now.Add(d))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	for k := n; k < len(starts); k++ {
		if gap := starts[k].Sub(starts[k-n]); gap < per {
			t.Fatalf("starts %d and %d are %v apart: %d requests in one %v window", k-n, k, gap, n+1, per)
		}
	}
	if len(starts) != 400 {
		t.Errorf("got %d starts, want 400", len(starts))
	}
}

func TestClientRateLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		deadline  time.Duration
		wantSent  int
		wantWaits []time.Duration
		wantErr   bool
	}{
		{"third call waits for a free slot", 0, 3, []time.Duration{time.Hour}, false},
		{"third call fails fast when the deadline is too near", 30 * time.Second, 2, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, _ := scripted(t, nil, 200)
			clk := newFakeClock()
			c := api.client(t, WithClock(clk), WithRateLimit(2, time.Hour))
			ctx := t.Context()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			var err error
			for range 3 {
				if _, err = c.Sessions.Get(ctx, "sess_1"); err != nil {
					break
				}
			}
			var rl *RateLimitError
			if tt.wantErr != (errors.As(err, &rl) && rl.APIError == nil) {
				t.Fatalf("error = %v, want client-side RateLimitError: %v", err, tt.wantErr)
			}
			if got := len(api.requests()); got != tt.wantSent {
				t.Errorf("sent %d requests, want %d", got, tt.wantSent)
			}
			if d := cmp.Diff(tt.wantWaits, clk.recorded()); d != "" {
				t.Errorf("waits (-want +got):\n%s", d)
			}
		})
	}
}

// TestLimiterWaitCancelled: a caller whose context ends while waiting for
// a slot gets the context error.
func TestLimiterWaitCancelled(t *testing.T) {
	t.Parallel()
	l := newLimiter(1, time.Hour, realClock{})
	if err := l.wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	go cancel()
	if err := l.wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait = %v, want context.Canceled", err)
	}
}

func TestDefaultRateLimitByKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		want int
	}{
		{"sk_live_abc", 1000},
		{"sk_test_abc", 100},
		{"test_abc", 100},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(c.limiter.slots); got != tt.want || c.limiter.per != 10*time.Second {
				t.Errorf("limit = %d per %v, want %d per 10s", got, c.limiter.per, tt.want)
			}
		})
	}
}

// TestClientConcurrentUse shares one Client between goroutines (run with
// -race): every call succeeds and the server sees each one once.
func TestClientConcurrentUse(t *testing.T) {
	t.Parallel()
	api, n := scripted(t, nil, 200)
	c := api.client(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := c.Sessions.Get(t.Context(), "sess_1")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent call: %v", err)
		}
	}
	if got := n.Load(); got != 20 {
		t.Errorf("server saw %d requests, want 20", got)
	}
}
