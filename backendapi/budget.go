package backendapi

import (
	"context"
	"sync"
	"time"
)

// CallerBudgetWindow is the window of a caller's own budget: a rate
// given to [WithCallerBudget] counts requests per 10 s, as Clerk's limit
// does.
const CallerBudgetWindow = 10 * time.Second

// maxIdleCallers bounds the per-caller limiters kept: past it, the idle
// ones (no waiter, no start in the window) are dropped before a new one is
// made. Names come from the caller policy, so in practice there are as
// many limiters as callers with a backend_rate.
const maxIdleCallers = 1024

// budget is a Client's request budget: the limiter shared by every call
// and, made lazily, one limiter per named caller that carries a rate. A
// call needs a slot in its caller's limiter first, then in the shared one,
// each within the same give-up time: the earlier of the caller's deadline
// and now + maxWait. Safe for concurrent use.
type budget struct {
	shared  *limiter
	maxWait time.Duration
	clock   Clock

	mu      sync.Mutex
	callers map[string]*limiter
}

func newBudget(cfg config) *budget {
	return &budget{
		shared:  newLimiter(cfg.rateN, cfg.ratePer, cfg.clock),
		maxWait: cfg.maxWait,
		clock:   cfg.clock,
		callers: map[string]*limiter{},
	}
}

// wait blocks until one request may start. It returns a *RateLimitError,
// at once or when the give-up time comes, when no slot is to be had by
// then, and ctx's error when ctx ends while waiting. Either way the call
// holds no slot afterwards: a caller slot granted before the shared
// limiter refused is given back.
func (b *budget) wait(ctx context.Context) error {
	giveUp := b.clock.Now().Add(b.maxWait)
	if dl, ok := ctx.Deadline(); ok && dl.Before(giveUp) {
		giveUp = dl
	}
	var own *limiter
	var ownStart time.Time
	if cb, ok := ctx.Value(callerBudgetKey{}).(callerBudget); ok {
		own = b.caller(cb)
		start, err := own.acquire(ctx, giveUp)
		if err != nil {
			return err
		}
		ownStart = start
	}
	if _, err := b.shared.acquire(ctx, giveUp); err != nil {
		if own != nil {
			own.unstart(ownStart)
		}
		return err
	}
	return nil
}

// caller returns cb's limiter, made on first use and resized when the rate
// changed (a reloaded policy).
func (b *budget) caller(cb callerBudget) *limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if l := b.callers[cb.name]; l != nil {
		l.resize(cb.rate)
		return l
	}
	if len(b.callers) >= maxIdleCallers {
		for name, l := range b.callers {
			if l.idle() {
				delete(b.callers, name)
			}
		}
	}
	l := newLimiter(cb.rate, CallerBudgetWindow, b.clock)
	b.callers[cb.name] = l
	return l
}

// callerBudgetKey is the context key of a call's [callerBudget].
type callerBudgetKey struct{}

// callerBudget is who a call is made for and that caller's own rate.
type callerBudget struct {
	name string
	rate int
}

// WithCallerBudget returns a copy of ctx under which every request a
// [Client] sends also counts against a budget of rate requests per 10 s
// (a sliding window) kept for the caller name, in addition to the
// client's shared limit ([WithRateLimit]). A call over its caller's budget
// is refused with a [*RateLimitError] as the shared limit refuses one,
// without taking a slot of the shared limit, so one caller cannot starve
// the others. The budget of a name is made on first use and follows the
// latest rate given for it. An empty name or a rate below 1 returns ctx
// unchanged (only the shared limit applies).
//
// authsvc's server calls it with the name and backend_rate of the policy
// caller that was granted the RPC. The caller's identity and share are
// facts about this one request, decided when it was authorised, so they
// travel with it; the client's own settings stay in its options.
func WithCallerBudget(ctx context.Context, name string, rate int) context.Context {
	if name == "" || rate < 1 {
		return ctx
	}
	return context.WithValue(ctx, callerBudgetKey{}, callerBudget{name: name, rate: rate})
}
