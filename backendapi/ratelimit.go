package backendapi

import (
	"context"
	"slices"
	"sync"
	"time"
)

// limiter is a sliding-window log with a line of waiters. It remembers the
// start times of the requests it granted during the last per and grants a
// new one only while fewer than n of them are younger than per, so no
// window of length per ever holds more than n starts (Clerk counts this
// way: no burst above n in any window).
//
// Only a request that starts is booked. A waiting call holds a place in the
// line, not a slot: when it is cancelled or gives up it leaves the line at
// once, and the call behind it moves up. Waiters are granted in arrival
// order as the window frees. A call whose turn, counting the waiters ahead
// of it, would come at or after its give-up time is refused at once with a
// *RateLimitError. Safe for concurrent use.
type limiter struct {
	mu     sync.Mutex
	clock  Clock
	n      int
	per    time.Duration
	starts []time.Time // granted starts younger than per, oldest first
	line   []*waiter   // waiting calls, first come first served
}

// waiter is one call in the line. wake is signalled (without blocking)
// when the waiter reaches the head of the line or the window may have
// room for it.
type waiter struct{ wake chan struct{} }

func newLimiter(n int, per time.Duration, clock Clock) *limiter {
	return &limiter{clock: clock, n: n, per: per}
}

// acquire waits for a slot and returns the granted start time. It gives up
// at giveUp: at once, with a *RateLimitError whose RetryAfter is the wait
// it would have needed, when its turn cannot come before giveUp; and with
// ctx's error when ctx ends first. A call that gives up books nothing and
// leaves the line.
func (l *limiter) acquire(ctx context.Context, giveUp time.Time) (time.Time, error) {
	w := &waiter{wake: make(chan struct{}, 1)}
	l.mu.Lock()
	l.line = append(l.line, w)
	for {
		now := l.clock.Now()
		l.trim(now)
		k := slices.Index(l.line, w)
		if k == 0 && len(l.starts) < l.n {
			l.starts = append(l.starts, now)
			l.leave(0)
			l.mu.Unlock()
			return now, nil
		}
		turn := l.turn(k, now)
		if !turn.Before(giveUp) {
			l.leave(k)
			l.mu.Unlock()
			return time.Time{}, &RateLimitError{RetryAfter: turn.Sub(now)}
		}
		// Sleep until the turn. A waiter whose turn is now but who is not at
		// the head yet sets no timer: the waiters ahead of it can all start
		// at once, and each start wakes the next head (see leave), so it is
		// woken as soon as it reaches the head.
		var timer <-chan time.Time
		if turn.After(now) {
			timer = l.clock.After(turn.Sub(now))
		}
		l.mu.Unlock()
		select {
		case <-timer:
		case <-w.wake:
		case <-ctx.Done():
			l.mu.Lock()
			l.leave(slices.Index(l.line, w))
			l.mu.Unlock()
			return time.Time{}, ctx.Err()
		}
		l.mu.Lock()
	}
}

// turn is the earliest time the waiter at position k of the line can start
// if everyone ahead of it starts as early as the window allows: the k+1-th
// start from now must wait until the start n places before it is per old.
// l.mu must be held and trim must have run.
func (l *limiter) turn(k int, now time.Time) time.Time {
	rounds, r := k/l.n, k%l.n
	t := now
	if i := len(l.starts) + r - l.n; i >= 0 {
		t = l.starts[i].Add(l.per)
	}
	return t.Add(time.Duration(rounds) * l.per)
}

// trim forgets the starts that are per old or older. l.mu must be held.
func (l *limiter) trim(now time.Time) {
	i := 0
	for i < len(l.starts) && now.Sub(l.starts[i]) >= l.per {
		i++
	}
	if i > 0 {
		l.starts = slices.Delete(l.starts, 0, i)
	}
}

// leave removes the waiter at position k (k < 0: none) from the line and
// wakes the new head. l.mu must be held.
func (l *limiter) leave(k int) {
	if k < 0 {
		return
	}
	l.line = slices.Delete(l.line, k, k+1)
	l.wakeHead()
}

// wakeHead signals the waiter at the head of the line. l.mu must be held.
func (l *limiter) wakeHead() {
	if len(l.line) == 0 {
		return
	}
	select {
	case l.line[0].wake <- struct{}{}:
	default:
	}
}

// unstart gives back a start granted at t that was not used (another
// limiter refused the call), and wakes the head of the line.
func (l *limiter) unstart(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.starts) - 1; i >= 0; i-- {
		if l.starts[i].Equal(t) {
			l.starts = slices.Delete(l.starts, i, i+1)
			break
		}
	}
	l.wakeHead()
}

// resize changes the limit to n starts per window; the starts already
// granted keep counting. Every waiter is woken to recompute its turn.
func (l *limiter) resize(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == n {
		return
	}
	l.n = n
	for _, w := range l.line {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// idle reports whether the limiter has no waiter and no start younger than
// per, so that forgetting it loses nothing.
func (l *limiter) idle() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.trim(l.clock.Now())
	return len(l.line) == 0 && len(l.starts) == 0
}
