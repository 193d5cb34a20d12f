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
	retry     time.Duration // gap between attempts while the set is not usable
	onEvent   func(KeyEvent)
	// fetchTimeout bounds one fetch; zero means the fetchTimeout constant.
	fetchTimeout time.Duration
	observer     Observer
}

// keySnapshot is one loaded key set; it is never mutated once stored.
type keySnapshot struct {
	keys      map[string]*verKey
	fetchedAt time.Time
}

// fetchCall is one fetch that every waiter shares; err is set before done
// is closed. settled is closed once the attempt's [KeyEvent] is delivered
// and the next attempt may start.
type fetchCall struct {
	done    chan struct{}
	settled chan struct{}
	err     error
}

// remoteKeySet is the JWKS cache: lock-free reads of the current snapshot,
// one fetch in flight at a time, at most one fetch attempt per gap (retry
// while the set is not usable, else minGap after a success, growing to
// refresh after repeated failures), stale keys kept when a refresh fails,
// and a background loop that retries while the set is not usable. Fetches
// run on the set's own context, which close cancels. Safe for concurrent
// use.
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
	looping     bool // retryLoop is running
	tally       keyTally
	status      atomic.Pointer[KeyStatus]
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
// stale keys (a background refresh starts when they are old), except
// after an idle spell (see known). An unknown kid joins or starts one
// fetch, rate-limited, then reports kid mismatch.
func (r *remoteKeySet) key(ctx context.Context, kid string) (*verKey, error) {
	if s := r.snap.Load(); s != nil {
		if k := s.keys[kid]; k != nil {
			return r.known(ctx, s, kid, k)
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
	return nil, errNoKid()
}

// known serves k, the key s holds for kid. Keys older than refresh start
// a background refresh and are served meanwhile, which is what keeps
// verification up through a Clerk outage. But refreshes start only when
// keys are asked for, so after an idle spell the snapshot can be hours
// old, and a key Clerk removed since (because it leaked, say) would still
// verify the first tokens to come. So once the keys are two refresh
// periods old, and no fetch has failed within the last refresh period (an
// outage under way), the call waits for the refresh it starts, bounded by
// its own context; only a refresh that fails lets the stale key serve.
func (r *remoteKeySet) known(ctx context.Context, s *keySnapshot, kid string, k *verKey) (*verKey, error) {
	age := r.now().Sub(s.fetchedAt)
	if age < r.refresh {
		return k, nil
	}
	failing := r.failedWithin(r.refresh)
	call := r.startFetch()
	if age < 2*r.refresh || call == nil || failing {
		return k, nil
	}
	select {
	case <-call.done:
	case <-ctx.Done():
		return nil, &Error{Reason: ReasonKeyFetch, Detail: "stopped waiting for the key set", Err: ctx.Err()}
	}
	if call.err != nil {
		return k, nil
	}
	if k := r.current(kid); k != nil {
		return k, nil
	}
	return nil, errNoKid()
}

// failedWithin reports whether the last finished fetch failed and was
// tried less than d ago.
func (r *remoteKeySet) failedWithin(d time.Duration) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr != nil && r.now().Sub(r.lastAttempt) < d
}

// errNoKid is the error for a kid the key set does not hold, fetched anew.
func errNoKid() error {
	return &Error{Reason: ReasonKidMismatch, Detail: "no key in the key set has the token's kid"}
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
	call := &fetchCall{done: make(chan struct{}), settled: make(chan struct{})}
	r.inflight = call
	r.wg.Add(1)
	go r.run(call)
	return call
}

// gap is the minimum time between attempts: retry while the set is not
// usable (never loaded, or the secret key rejected), so that recovery is
// seen within one retry; otherwise minGap after a success, doubling with
// each consecutive failure up to refresh while stale keys serve.
func (r *remoteKeySet) gap() time.Duration {
	if !r.usable() {
		return r.retry
	}
	if r.failures == 0 {
		return r.minGap
	}
	g := r.minGap
	for i := 1; i < r.failures && g < r.refresh; i++ {
		g *= 2
	}
	return max(min(g, r.refresh), r.minGap)
}

// usable reports whether keys are loaded and Clerk did not reject the
// secret key on the last attempt. r.mu is held.
func (r *remoteKeySet) usable() bool {
	return r.snap.Load() != nil && ReasonOf(r.lastErr) != ReasonSecretKeyInvalid
}

// run performs one attempt: it stores the result, releases the waiters,
// delivers the attempt's event, and only then lets the next attempt start,
// so events arrive one at a time and in order.
func (r *remoteKeySet) run(call *fetchCall) {
	defer r.wg.Done()
	started := time.Now()
	keys, err := r.fetch()
	r.observeFetch(keys, err)
	r.mu.Lock()
	if err == nil {
		r.snap.Store(&keySnapshot{keys: reuseKeys(r.snap.Load(), keys), fetchedAt: r.now()})
		r.failures = 0
	} else {
		r.failures++
	}
	r.lastErr, call.err = err, err
	ev := r.record(err, time.Since(started))
	if !r.usable() && !r.looping && !r.closed {
		r.looping = true
		r.wg.Add(1)
		go r.retryLoop()
	}
	r.mu.Unlock()
	close(call.done)
	if r.onEvent != nil {
		r.onEvent(ev)
	}
	r.mu.Lock()
	r.inflight = nil
	r.mu.Unlock()
	close(call.settled)
}

// retryLoop fetches the key set in the background, one attempt per retry
// interval, while it is not usable, so that readiness recovers without
// waiting for a call. It ends when the set is usable or closed.
func (r *remoteKeySet) retryLoop() {
	defer r.wg.Done()
	for {
		wait, stop := r.nextRetry()
		if stop {
			return
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-r.ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		if call := r.startFetch(); call != nil {
			select {
			case <-call.settled:
			case <-r.ctx.Done():
				return
			}
		}
	}
}

// nextRetry returns how long until the next attempt is allowed, or stop
// when the loop is no longer needed.
func (r *remoteKeySet) nextRetry() (wait time.Duration, stop bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.usable() {
		r.looping = false
		return 0, true
	}
	return r.lastAttempt.Add(r.gap()).Sub(r.now()), false
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
