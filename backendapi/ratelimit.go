package backendapi

import (
	"context"
	"sync"
	"time"
)

// limiter is a sliding-window log: it remembers the start times of the last
// n requests and lets a new one start only when the oldest of them is at
// least per old, so no window of length per ever holds more than n starts.
// Unlike a token bucket it allows no burst above n in any window, which is
// how Clerk counts. Slots are handed out in order; a caller whose slot lies
// past its deadline gets a *RateLimitError at once and takes no slot.
type limiter struct {
	mu    sync.Mutex
	clock Clock
	per   time.Duration
	slots []time.Time // ring of the last n reserved start times
	next  int         // index of the oldest reservation
}

func newLimiter(n int, per time.Duration, clock Clock) *limiter {
	return &limiter{clock: clock, per: per, slots: make([]time.Time, n)}
}

// reserve books the earliest start time for a request. It fails, booking
// nothing, when that time is not before deadline (zero deadline: none).
func (l *limiter) reserve(deadline time.Time) (wait time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	start := now
	if oldest := l.slots[l.next]; !oldest.IsZero() {
		if free := oldest.Add(l.per); free.After(start) {
			start = free
		}
	}
	wait = start.Sub(now)
	if wait > 0 && !deadline.IsZero() && !start.Before(deadline) {
		return wait, &RateLimitError{RetryAfter: wait}
	}
	l.slots[l.next] = start
	l.next = (l.next + 1) % len(l.slots)
	return wait, nil
}

// wait blocks until the request may start, or returns a *RateLimitError at
// once when the caller's deadline would pass first, or ctx's error when ctx
// ends while waiting (the slot is then given up unused).
func (l *limiter) wait(ctx context.Context) error {
	dl, _ := ctx.Deadline()
	d, err := l.reserve(dl)
	if err != nil || d <= 0 {
		return err
	}
	select {
	case <-l.clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
