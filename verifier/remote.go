package verifier

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// fetchTimeout bounds one key-set fetch, whoever waits for it.
const fetchTimeout = 10 * time.Second

type remoteConfig struct {
	url       string
	secretKey string
	client    *http.Client
	now       func() time.Time
	refresh   time.Duration // age after which keys are refreshed in the background
	minGap    time.Duration // minimum gap between fetch attempts
	observer  Observer
}

// keySnapshot is one loaded key set; it is never mutated once stored.
type keySnapshot struct {
	keys      map[string]*verKey
	fetchedAt time.Time
}

// fetchCall is one fetch that every waiter shares; err is set before done
// is closed.
type fetchCall struct {
	done chan struct{}
	err  error
}

// remoteKeySet is the JWKS cache: lock-free reads of the current snapshot,
// one fetch in flight at a time, at most one fetch attempt per gap (minGap
// after a success, growing to refresh after repeated failures), stale keys
// kept when a refresh fails. Fetches run on the set's own context, which
// close cancels. Safe for concurrent use.
type remoteKeySet struct {
	remoteConfig
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	snap   atomic.Pointer[keySnapshot]

	mu          sync.Mutex
	inflight    *fetchCall
	attempted   bool
	lastAttempt time.Time
	lastErr     error // error of the last finished fetch; nil after a success
	failures    int   // consecutive failed fetches
	closed      bool
}

func newRemoteKeySet(cfg remoteConfig) *remoteKeySet {
	ctx, cancel := context.WithCancel(context.Background())
	return &remoteKeySet{remoteConfig: cfg, ctx: ctx, cancel: cancel}
}

func (r *remoteKeySet) current(kid string) *verKey {
	if s := r.snap.Load(); s != nil {
		return s.keys[kid]
	}
	return nil
}

// key returns the key for kid. A known kid is served at once, even from
// stale keys (a background refresh starts when they are old). An unknown
// kid joins or starts one fetch, rate-limited, then reports kid mismatch.
func (r *remoteKeySet) key(ctx context.Context, kid string) (*verKey, error) {
	if s := r.snap.Load(); s != nil {
		if k := s.keys[kid]; k != nil {
			if r.now().Sub(s.fetchedAt) >= r.refresh {
				r.startFetch()
			}
			return k, nil
		}
	}
	err := r.lastError()
	if call := r.startFetch(); call != nil {
		select {
		case <-call.done:
		case <-ctx.Done():
			select {
			case <-call.done:
			default:
				return nil, &Error{Reason: ReasonKeyFetch, Detail: "stopped waiting for the key set", Err: ctx.Err()}
			}
		}
		err = call.err
	}
	if k := r.current(kid); k != nil {
		return k, nil
	}
	if err != nil {
		return nil, err
	}
	if r.snap.Load() == nil {
		return nil, &Error{Reason: ReasonKeyFetch, Detail: "key set is not loaded"}
	}
	return nil, &Error{Reason: ReasonKidMismatch, Detail: "no key in the key set has the token's kid"}
}

func (r *remoteKeySet) lastError() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr
}

// startFetch returns the fetch in flight, or starts one unless the set is
// closed or the last attempt was too recent; then it returns nil.
func (r *remoteKeySet) startFetch() *fetchCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inflight != nil {
		return r.inflight
	}
	now := r.now()
	if r.closed || (r.attempted && now.Sub(r.lastAttempt) < r.gap()) {
		return nil
	}
	r.attempted, r.lastAttempt = true, now
	call := &fetchCall{done: make(chan struct{})}
	r.inflight = call
	r.wg.Add(1)
	go r.run(call)
	return call
}

// gap is the minimum time between attempts: minGap after a success,
// doubling with each consecutive failure up to refresh; a rejected secret
// key waits the full refresh interval.
func (r *remoteKeySet) gap() time.Duration {
	if r.failures == 0 {
		return r.minGap
	}
	if ReasonOf(r.lastErr) == ReasonSecretKeyInvalid {
		return max(r.refresh, r.minGap)
	}
	g := r.minGap
	for i := 1; i < r.failures && g < r.refresh; i++ {
		g *= 2
	}
	return max(min(g, r.refresh), r.minGap)
}

func (r *remoteKeySet) run(call *fetchCall) {
	defer r.wg.Done()
	keys, err := r.fetch()
	r.observeFetch(keys, err)
	r.mu.Lock()
	if err == nil {
		r.snap.Store(&keySnapshot{keys: reuseKeys(r.snap.Load(), keys), fetchedAt: r.now()})
		r.failures = 0
	} else {
		r.failures++
	}
	r.lastErr, call.err, r.inflight = err, err, nil
	r.mu.Unlock()
	close(call.done)
}

// reuseKeys keeps the old *verKey for every key that did not change, so
// that decision-cache entries stay valid across refreshes.
func reuseKeys(old *keySnapshot, keys map[string]*verKey) map[string]*verKey {
	if old == nil {
		return keys
	}
	for kid, k := range keys {
		if o := old.keys[kid]; o != nil && o.sameAs(k) {
			keys[kid] = o
		}
	}
	return keys
}

func (r *remoteKeySet) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
}
