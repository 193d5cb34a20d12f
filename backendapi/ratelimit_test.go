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

	"github.com/authsvc/authsvc/internal/fakeclock"
)

// far is a give-up time no test reaches.
var far = time.Now().Add(1000 * time.Hour)

// lineLen is the number of calls waiting in l.
func (l *limiter) lineLen() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.line)
}

func TestLimiterSlidingWindow(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	t0 := clk.Now()
	l := newLimiter(3, 10*time.Second, clk)
	var got []time.Duration
	for range 7 {
		start, err := l.acquire(t.Context(), far)
		if err != nil {
			t.Fatalf("acquire: %v", err)
		}
		got = append(got, start.Sub(t0))
		clk.advance(time.Second)
	}
	// Arrivals at 0, 1, 2 s start at once; the 4th (at 3 s) waits for the
	// 1st to age out at 10 s; the 5th and 6th (11, 12 s) find the 2nd and
	// 3rd aged out; the 7th (13 s) waits for the 4th's start to age out.
	want := []time.Duration{0, time.Second, 2 * time.Second, 10 * time.Second, 11 * time.Second, 12 * time.Second, 20 * time.Second}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("starts (-want +got):\n%s", d)
	}
}

func TestLimiterFailsFastPastGiveUp(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	l := newLimiter(1, 10*time.Second, clk)
	if _, err := l.acquire(t.Context(), far); err != nil {
		t.Fatal(err)
	}
	_, err := l.acquire(t.Context(), clk.Now().Add(5*time.Second))
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.APIError != nil || rl.RetryAfter != 10*time.Second {
		t.Fatalf("error = %#v, want a client-side RateLimitError with RetryAfter 10s", err)
	}
	if w := clk.recorded(); len(w) != 0 {
		t.Errorf("the refused call waited %v; want a refusal at once", w)
	}
	// The refused call took no slot and left the line: the next caller
	// waits 10 s, not 20 s.
	if _, err := l.acquire(t.Context(), far); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]time.Duration{10 * time.Second}, clk.recorded()); d != "" {
		t.Errorf("waits (-want +got):\n%s", d)
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
				clk.advance(time.Duration(r.IntN(100)) * time.Millisecond)
				start, err := l.acquire(t.Context(), far)
				if err != nil {
					t.Errorf("acquire: %v", err)
					return
				}
				mu.Lock()
				starts = append(starts, start)
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

// TestLimiterCancelledWaitersFreeTheirPlace is a property over the number
// of waiters: after any number of waiters queue behind a full window and
// are cancelled, the line is empty and, once the window has room, the next
// request starts at once (with a zero wait budget). The old limiter booked
// a future slot per waiter and kept it.
func TestLimiterCancelledWaitersFreeTheirPlace(t *testing.T) {
	t.Parallel()
	const n, per = 2, 10 * time.Second
	for _, waiters := range []int{1, 2, 3, 7, 50, 200} {
		clk := fakeclock.New()
		l := newLimiter(n, per, clk)
		for range n {
			if _, err := l.acquire(t.Context(), far); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(t.Context())
		errs := make(chan error, waiters)
		for range waiters {
			go func() {
				_, err := l.acquire(ctx, far)
				errs <- err
			}()
		}
		clk.WaitTimers(waiters) // every waiter is in line, sleeping until its turn
		cancel()
		for range waiters {
			if err := <-errs; !errors.Is(err, context.Canceled) {
				t.Fatalf("%d waiters: a cancelled waiter got %v, want context.Canceled", waiters, err)
			}
		}
		if got := l.lineLen(); got != 0 {
			t.Fatalf("%d waiters: %d left in line after cancellation", waiters, got)
		}
		clk.Advance(per) // the window's two starts age out
		now := clk.Now()
		for k := range n {
			if _, err := l.acquire(t.Context(), now); err != nil {
				t.Fatalf("%d waiters: request %d after the window freed: %v, want a slot at once", waiters, k, err)
			}
		}
	}
}

// TestLimiterWaiterGivesUp: a waiter in line gives up at its give-up time
// when the line ahead of it does not move, leaving no trace.
func TestLimiterWaiterGivesUp(t *testing.T) {
	t.Parallel()
	clk := fakeclock.New()
	l := newLimiter(1, 10*time.Second, clk)
	if _, err := l.acquire(t.Context(), far); err != nil {
		t.Fatal(err)
	}
	// A waiter whose turn (10 s) is before its give-up (15 s) queues; then a
	// start is booked out of band at 9 s, as a shared window sees when
	// another client of the same limiter got in, so the turn recedes.
	done := make(chan error, 1)
	giveUp := clk.Now().Add(15 * time.Second)
	go func() {
		_, err := l.acquire(t.Context(), giveUp)
		done <- err
	}()
	clk.WaitTimers(1)
	l.mu.Lock()
	l.starts = append(l.starts, clk.Now().Add(9*time.Second))
	l.mu.Unlock()
	clk.Advance(10 * time.Second) // the waiter wakes at its turn, finds the window full until 19 s
	var rl *RateLimitError
	if err := <-done; !errors.As(err, &rl) {
		t.Fatalf("acquire = %v, want a RateLimitError", err)
	}
	if got := l.lineLen(); got != 0 {
		t.Errorf("%d left in line", got)
	}
}

func TestClientRateLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		maxWait   time.Duration
		deadline  time.Duration
		wantSent  int
		wantWaits []time.Duration
		wantErr   bool
	}{
		{"third call waits for a free slot within max wait", 2 * time.Hour, 0, 3, []time.Duration{time.Hour}, false},
		{"third call fails fast when the deadline is too near", 2 * time.Hour, 30 * time.Second, 2, nil, true},
		{"third call fails fast past the default max wait", 0, 0, 2, nil, true},
		{"zero max wait never waits", -1, 0, 2, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, _ := scripted(t, nil, 200)
			clk := newFakeClock()
			opts := []Option{WithClock(clk), WithRateLimit(2, time.Hour)}
			switch {
			case tt.maxWait > 0:
				opts = append(opts, WithMaxWait(tt.maxWait))
			case tt.maxWait < 0:
				opts = append(opts, WithMaxWait(0))
			}
			c := api.client(t, opts...)
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
	if _, err := l.acquire(t.Context(), far); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	go cancel()
	if _, err := l.acquire(ctx, far); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire = %v, want context.Canceled", err)
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
			l := c.budget.shared
			if l.n != tt.want || l.per != 10*time.Second || c.budget.maxWait != 2*time.Second {
				t.Errorf("limit = %d per %v, max wait %v; want %d per 10s, 2s", l.n, l.per, c.budget.maxWait, tt.want)
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
