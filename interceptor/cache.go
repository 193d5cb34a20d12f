package interceptor

import (
	"context"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// cacheKey identifies one decision: the token and the authorized-party list
// it was verified against. Go's map hashes the strings and compares them in
// full, so two tokens never share an entry.
type cacheKey struct {
	parties string // the list joined by "\n"; "" for the configured default
	token   string
}

// cacheEntry is one verified token; it is trusted while now < until, and
// until is the earlier of TTL after the verification and Skew before the
// token's exp.
type cacheEntry struct {
	claims *Claims
	until  time.Time
}

// flight is one verification in progress, shared by every caller that
// presents the same key meanwhile. claims and err are written before done
// is closed and only read after.
type flight struct {
	done    chan struct{}
	claims  *Claims
	err     error
	waiters int // callers that joined, guarded by decisionCache.mu
}

// decisionCache is a bounded map of verified tokens plus the in-flight
// verifications. It is safe for concurrent use. Failures are not cached.
type decisionCache struct {
	mu      sync.RWMutex
	entries map[cacheKey]cacheEntry
	flights map[cacheKey]*flight
	max     int // < 0: store nothing
	skew    time.Duration
	ttl     time.Duration
	now     func() time.Time
}

func newDecisionCache(cc CacheConfig) *decisionCache {
	return &decisionCache{
		entries: make(map[cacheKey]cacheEntry),
		flights: make(map[cacheKey]*flight),
		max:     cc.MaxEntries,
		skew:    cc.Skew,
		ttl:     cc.TTL,
		now:     cc.Now,
	}
}

// get returns the claims cached under k if they are still trusted.
func (c *decisionCache) get(k cacheKey) (*Claims, bool) {
	c.mu.RLock()
	e, ok := c.entries[k]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	if c.now().Before(e.until) {
		return e.claims, true
	}
	c.mu.Lock()
	if cur, ok := c.entries[k]; ok && cur.until.Equal(e.until) {
		delete(c.entries, k)
	}
	c.mu.Unlock()
	return nil, false
}

// do returns the claims cached under k or, on a miss, the result of
// verify, which runs once for all concurrent callers of k, on its own
// goroutine: a caller whose ctx ends stops waiting with ctx's error and the
// verification carries on for the others. verify must bound its own
// duration; its error is returned unchanged.
func (c *decisionCache) do(ctx context.Context, k cacheKey, verify func() (*Claims, error)) (*Claims, error) {
	if claims, ok := c.get(k); ok {
		return claims, nil
	}
	c.mu.Lock()
	if e, ok := c.entries[k]; ok && c.now().Before(e.until) {
		c.mu.Unlock()
		return e.claims, nil
	}
	f, ok := c.flights[k]
	if !ok {
		f = &flight{done: make(chan struct{})}
		c.flights[k] = f
		go c.run(k, f, verify)
	}
	f.waiters++
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.claims, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run performs one flight and publishes its result.
func (c *decisionCache) run(k cacheKey, f *flight, verify func() (*Claims, error)) {
	defer close(f.done)
	defer func() {
		if p := recover(); p != nil {
			f.claims, f.err = nil, status.Error(codes.Internal, "interceptor: verification failed")
		}
		c.mu.Lock()
		delete(c.flights, k)
		if f.err == nil {
			c.storeLocked(k, f.claims)
		}
		c.mu.Unlock()
	}()
	f.claims, f.err = verify()
}

// storeLocked caches claims under k for at most the TTL, unless they are
// too close to exp or the cache is disabled. c.mu must be held.
func (c *decisionCache) storeLocked(k cacheKey, claims *Claims) {
	if c.max < 0 || claims == nil {
		return
	}
	now := c.now()
	until := time.Unix(claims.ExpiresAt, 0).Add(-c.skew)
	if capped := now.Add(c.ttl); capped.Before(until) {
		until = capped
	}
	if !now.Before(until) {
		return
	}
	if len(c.entries) >= c.max {
		c.evictLocked(now)
	}
	c.entries[k] = cacheEntry{claims: claims, until: until}
}

// evictLocked drops every expired entry and then, if the cache is still
// full, arbitrary entries (map order) until an eighth of it is free, so
// that the full sweep runs at most once per MaxEntries/8 insertions.
func (c *decisionCache) evictLocked(now time.Time) {
	for k, e := range c.entries {
		if !now.Before(e.until) {
			delete(c.entries, k)
		}
	}
	target := c.max - max(c.max/8, 1)
	for k := range c.entries {
		if len(c.entries) <= target {
			break
		}
		delete(c.entries, k)
	}
}

// waiting returns how many callers joined the flight for k (for tests).
func (c *decisionCache) waiting(k cacheKey) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if f, ok := c.flights[k]; ok {
		return f.waiters
	}
	return 0
}

// len returns the number of cached entries (for tests).
func (c *decisionCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
