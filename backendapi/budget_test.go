package backendapi

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authsvc/authsvc/internal/fakeclock"
)

// TestCallerBudget: a caller at its own backend rate is refused, at once
// and without touching the shared limit, while other callers are served.
func TestCallerBudget(t *testing.T) {
	t.Parallel()
	api, n := scripted(t, nil, 200)
	clk := newFakeClock()
	c := api.client(t, WithClock(clk), WithRateLimit(100, 10*time.Second))
	a := WithCallerBudget(t.Context(), "caller-a", 2)
	b := WithCallerBudget(t.Context(), "caller-b", 2)
	steps := []struct {
		name    string
		ctx     context.Context
		wantErr bool
	}{
		{"a 1", a, false},
		{"a 2", a, false},
		{"a 3 is over a's own rate", a, true},
		{"b 1 is served", b, false},
		{"b 2 is served", b, false},
		{"a call without a caller budget is served", t.Context(), false},
	}
	for _, st := range steps {
		_, err := c.Sessions.Get(st.ctx, "sess_1")
		var rl *RateLimitError
		if got := errors.As(err, &rl) && rl.APIError == nil; got != st.wantErr {
			t.Fatalf("%s: error = %v, want RateLimitError: %v", st.name, err, st.wantErr)
		}
		if st.wantErr && rl.RetryAfter != 10*time.Second {
			t.Errorf("%s: RetryAfter = %v, want 10s", st.name, rl.RetryAfter)
		}
	}
	if got := n.Load(); got != 5 {
		t.Errorf("server saw %d requests, want 5", got)
	}
	if got := len(c.budget.shared.starts); got != 5 {
		t.Errorf("shared window holds %d starts, want 5 (the refused call took none)", got)
	}
	if w := clk.recorded(); len(w) != 0 {
		t.Errorf("waits = %v, want none: refusals come at once", w)
	}
	clk.advance(10 * time.Second) // a's window passes
	if _, err := c.Sessions.Get(a, "sess_1"); err != nil {
		t.Errorf("a after its window passed: %v", err)
	}
}

// TestCallerBudgetGivenBackWhenSharedRefuses: a caller slot granted just
// before the shared limit refuses the call is given back.
func TestCallerBudgetGivenBackWhenSharedRefuses(t *testing.T) {
	t.Parallel()
	api, _ := scripted(t, nil, 200)
	c := api.client(t, WithClock(newFakeClock()), WithRateLimit(1, 10*time.Second))
	if _, err := c.Sessions.Get(WithCallerBudget(t.Context(), "a", 5), "sess_1"); err != nil {
		t.Fatal(err)
	}
	var rl *RateLimitError
	if _, err := c.Sessions.Get(WithCallerBudget(t.Context(), "b", 5), "sess_1"); !errors.As(err, &rl) {
		t.Fatalf("b = %v, want the shared limit's RateLimitError", err)
	}
	if got := len(c.budget.callers["b"].starts); got != 0 {
		t.Errorf("b's own window holds %d starts after the refusal, want 0", got)
	}
}

// TestWithCallerBudgetNoop: an empty name or a rate below 1 adds nothing.
func TestWithCallerBudgetNoop(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		rate int
	}{{"", 5}, {"a", 0}, {"a", -1}} {
		if ctx := WithCallerBudget(t.Context(), tt.name, tt.rate); ctx != t.Context() {
			t.Errorf("WithCallerBudget(%q, %d) changed the context", tt.name, tt.rate)
		}
	}
}

// TestCallerLimitersBounded: idle per-caller limiters are dropped once
// more than maxIdleCallers exist, busy ones are kept, and a changed rate
// resizes the caller's limiter.
func TestCallerLimitersBounded(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	b := newBudget(config{rateN: 10, ratePer: time.Second, maxWait: time.Second, clock: clk})
	busy := b.caller(callerBudget{name: "busy", rate: 1})
	if _, err := busy.acquire(t.Context(), far); err != nil {
		t.Fatal(err)
	}
	for i := range maxIdleCallers + 10 {
		b.caller(callerBudget{name: string(rune('a'+i%26)) + time.Duration(i).String(), rate: 1})
	}
	if got := len(b.callers); got > maxIdleCallers {
		t.Errorf("%d caller limiters kept, want at most %d", got, maxIdleCallers)
	}
	if b.callers["busy"] != busy {
		t.Error("a busy caller's limiter was dropped")
	}
	if b.caller(callerBudget{name: "busy", rate: 7}); busy.n != 7 {
		t.Errorf("rate after a change = %d, want 7", busy.n)
	}
}

// TestFloodCancelledThenOtherCallerServed is issue 8 item 6 at the
// client: caller a floods without a deadline and cancels; caller b, with
// the same shared budget, is served once the window passes (the old
// limiter had booked a future slot for every one of a's calls and refused
// b for minutes).
func TestFloodCancelledThenOtherCallerServed(t *testing.T) {
	t.Parallel()
	const n, per, flood = 10, 10 * time.Second, 300
	api, _ := scripted(t, nil, 200)
	clk := fakeclock.New()
	c := api.client(t, WithClock(clk), WithRateLimit(n, per), WithMaxWait(2*time.Second))
	actx, cancelA := context.WithCancel(WithCallerBudget(t.Context(), "a", 1000))
	defer cancelA()
	// Wave 1 at t0: n calls are sent, the rest are refused at once.
	var returned atomic.Int32
	runFlood := func(k int) []error {
		errs := make([]error, k)
		var wg sync.WaitGroup
		for i := range k {
			wg.Go(func() {
				_, errs[i] = c.Sessions.Get(actx, "sess_1")
				returned.Add(1)
			})
		}
		wg.Wait()
		return errs
	}
	if sent := countOK(runFlood(flood)); sent != n {
		t.Fatalf("wave 1: %d calls sent, want %d", sent, n)
	}
	// Wave 2 at t0+9s: n calls queue (their turn, 10 s, is within the
	// 2 s max wait) and are cancelled while waiting.
	clk.Advance(9 * time.Second)
	returned.Store(0)
	wave2 := make(chan []error, 1)
	go func() { wave2 <- runFlood(flood) }()
	for returned.Load() < flood-n || c.budget.shared.lineLen() < n {
		runtime.Gosched() // until the refused calls are back and n are in line
	}
	cancelA()
	canceled := 0
	for _, err := range <-wave2 {
		var rl *RateLimitError
		switch {
		case errors.Is(err, context.Canceled):
			canceled++
		case !errors.As(err, &rl):
			t.Fatalf("wave 2: %v, want cancellation or a rate-limit refusal", err)
		}
	}
	if canceled != n {
		t.Errorf("wave 2: %d calls cancelled while in line, want %d", canceled, n)
	}
	if got := c.budget.shared.lineLen(); got != 0 {
		t.Fatalf("%d of a's calls still in line after cancel", got)
	}
	// b at t0+9s: the window still holds a's n sent requests, and b's turn
	// (t0+10s) is within its max wait, so b waits in line, alone.
	bctx := WithCallerBudget(t.Context(), "b", 1000)
	first := make(chan error, 1)
	before := clk.Pending()
	go func() { _, err := c.Sessions.Get(bctx, "sess_1"); first <- err }()
	clk.WaitTimers(before + 1)
	clk.Advance(time.Second) // the window of a's sent requests has passed
	if err := <-first; err != nil {
		t.Fatalf("b once the window passed: %v", err)
	}
	for i := 1; i < n; i++ {
		if _, err := c.Sessions.Get(bctx, "sess_1"); err != nil {
			t.Fatalf("b call %d once the window passed: %v", i, err)
		}
	}
	if got := len(api.requests()); got != 2*n {
		t.Errorf("server saw %d requests, want %d", got, 2*n)
	}
}

func countOK(errs []error) int {
	k := 0
	for _, err := range errs {
		if err == nil {
			k++
		}
	}
	return k
}
