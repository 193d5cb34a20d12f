package verifier

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"time"
)

// Defaults of the opaque-token cache; see [Config.OpaqueCacheTTL].
const (
	DefaultOpaqueCacheTTL  = 10 * time.Second
	DefaultOpaqueCacheSize = 10_000
	// maxMachineCacheSize bounds the machine-JWT decision cache, which is
	// sized from CacheSize but needs far fewer entries than sessions.
	maxMachineCacheSize = 10_000
)

func machineCacheSize(sessionSize int) int {
	return min(sessionSize, maxMachineCacheSize)
}

// verifyOpaque verifies an opaque token of kind through ov, serving
// successes from the cache for the TTL. Failures are never cached, so a
// refused token is asked about again on its next use.
func (v *Verifier) verifyOpaque(ctx context.Context, kind TokenKind, token string, ov OpaqueVerifier) (*Machine, error) {
	// Without an opaque verifier the call fails even when another caller
	// of this Verifier cached the token: the outcome depends on the call.
	if ov == nil {
		return nil, &Error{Reason: ReasonKeyMissing, Detail: "no backend api configured for opaque tokens"}
	}
	now := v.cfg.Now()
	if m := v.opaque.get(kind, token, now); m != nil {
		return m, nil
	}
	m, err := v.opaque.do(ctx, kind, token, ov)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("verifier: opaque verifier returned no identity")
	}
	if m.Expiration > 0 && m.Expiration <= now.Add(-v.cfg.ClockSkew).Unix() {
		return nil, &Error{Reason: ReasonExpired, Detail: "expiration " + itoa(m.Expiration) + " is not after now minus skew"}
	}
	v.opaque.put(kind, token, m, now)
	return m, nil
}

// opaqueKey is a token's SHA-256: the cache never holds the token itself.
type opaqueKey [sha256.Size]byte

type opaqueEntry struct {
	kind    TokenKind
	machine *Machine
	until   time.Time // stored at + TTL
}

// opaqueCache is a bounded cache of opaque-token successes with a fixed
// TTL. When full, the oldest insertion is evicted (FIFO: every entry lives
// the same TTL, so the oldest is the closest to expiry). A nil cache (TTL
// negative) caches nothing. Safe for concurrent use.
type opaqueCache struct {
	ttl   time.Duration
	max   int
	mu    sync.Mutex
	m     map[opaqueKey]opaqueEntry
	order []opaqueKey // insertion ring of length max
	next  int

	// flights are the Backend API calls in progress, so that concurrent
	// calls with one uncached token make one request (Clerk bills each).
	fmu     sync.Mutex
	flights map[opaqueKey]*opaqueFlight
}

// opaqueFlight is one verification in progress; m and err are written
// before done is closed.
type opaqueFlight struct {
	done chan struct{}
	m    *Machine
	err  error
}

// do calls ov once for concurrent callers presenting the same token as the
// same kind. The call runs on the first caller's context; a waiter whose
// context ends leaves early, and a waiter that got the first caller's
// context error while its own context is alive asks again itself. A nil
// cache (disabled) calls ov directly.
func (c *opaqueCache) do(ctx context.Context, kind TokenKind, token string, ov OpaqueVerifier) (*Machine, error) {
	if c == nil {
		return ov.VerifyOpaque(ctx, kind, token)
	}
	k := opaqueKey(sha256.Sum256(append([]byte{byte(kind)}, token...)))
	c.fmu.Lock()
	if f := c.flights[k]; f != nil {
		c.fmu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, &Error{Reason: ReasonKeyFetch, Detail: "caller left while clerk was asked", Err: ctx.Err()}
		}
		if f.err != nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) && ctx.Err() == nil {
			return ov.VerifyOpaque(ctx, kind, token)
		}
		return f.m, f.err
	}
	f := &opaqueFlight{done: make(chan struct{})}
	if c.flights == nil {
		c.flights = make(map[opaqueKey]*opaqueFlight)
	}
	c.flights[k] = f
	c.fmu.Unlock()
	defer func() {
		c.fmu.Lock()
		delete(c.flights, k)
		c.fmu.Unlock()
		close(f.done)
	}()
	f.m, f.err = ov.VerifyOpaque(ctx, kind, token)
	return f.m, f.err
}

func newOpaqueCache(ttl time.Duration, size int) *opaqueCache {
	if ttl < 0 || size < 0 {
		return nil
	}
	if ttl == 0 {
		ttl = DefaultOpaqueCacheTTL
	}
	if size == 0 {
		size = DefaultOpaqueCacheSize
	}
	return &opaqueCache{ttl: ttl, max: size, m: make(map[opaqueKey]opaqueEntry), order: make([]opaqueKey, 0, min(size, 1024))}
}

// get returns the identity cached for token as kind, or nil when there is
// none, it is of another kind, its TTL has passed or the token expired.
func (c *opaqueCache) get(kind TokenKind, token string, now time.Time) *Machine {
	if c == nil {
		return nil
	}
	k := opaqueKey(sha256.Sum256([]byte(token)))
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if !ok || e.kind != kind || !now.Before(e.until) {
		return nil
	}
	if exp := e.machine.Expiration; exp > 0 && now.Unix() >= exp {
		return nil
	}
	return e.machine
}

// put caches a success. A token already cached is refreshed in place.
func (c *opaqueCache) put(kind TokenKind, token string, m *Machine, now time.Time) {
	if c == nil {
		return
	}
	k := opaqueKey(sha256.Sum256([]byte(token)))
	c.mu.Lock()
	defer c.mu.Unlock()
	_, had := c.m[k]
	c.m[k] = opaqueEntry{kind: kind, machine: m, until: now.Add(c.ttl)}
	if had {
		return
	}
	if len(c.order) < c.max {
		c.order = append(c.order, k)
		return
	}
	delete(c.m, c.order[c.next])
	c.order[c.next] = k
	c.next = (c.next + 1) % c.max
}

// len returns the number of cached entries (tests).
func (c *opaqueCache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
