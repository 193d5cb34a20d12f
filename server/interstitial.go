package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultInterstitialTTL is how long [InterstitialCache] keeps a page.
const DefaultInterstitialTTL = 5 * time.Minute

// interstitialFetchTimeout bounds one shared fetch, whoever waits for it.
const interstitialFetchTimeout = 10 * time.Second

// interstitialRetryBackoff is how long an older page is served without a
// new fetch after a refresh failed.
const interstitialRetryBackoff = 30 * time.Second

// errNoInterstitial is returned by Get when the cache has no fetcher.
var errNoInterstitial = errors.New("server: no interstitial fetcher configured")

// InterstitialCache keeps the interstitial page (Backend API
// /v1/internal/interstitial) for GetAuthState. A page is served from memory
// for the TTL; after that the next caller starts one fetch, which every
// concurrent caller shares. The fetch runs on the cache's own context (the
// first caller's values, its own 10 s timeout), so a caller that gives up
// does not cancel it for the others; each caller stops waiting when its own
// ctx is done. Once a page has been fetched, an expired page is served at
// once while the refresh runs in the background (stale while revalidate);
// when that refresh fails the older page is kept and no new fetch starts for
// 30 s (the page rarely changes, and a Backend API outage should neither cost
// the page nor become a fetch storm). Before the first success, callers wait
// for the fetch and get its error; errors are never cached, so the next Get
// tries again.
//
// Get has the signature of [Config.Interstitial], so the cache wraps a
// fetcher there: Config{Interstitial: NewInterstitialCache(f, 0, nil).Get}.
// Safe for concurrent use. The zero value is not usable; use
// [NewInterstitialCache].
type InterstitialCache struct {
	fetch func(ctx context.Context) (string, error)
	ttl   time.Duration
	now   func() time.Time

	mu        sync.Mutex
	page      string
	fetchedAt time.Time
	retryAt   time.Time // after a failed refresh: no new fetch before this
	have      bool
	inflight  *interstitialFlight
}

// interstitialFlight is one fetch in progress; done closes when page and
// err are set.
type interstitialFlight struct {
	done chan struct{}
	page string
	err  error
}

// NewInterstitialCache returns a cache over fetch. ttl <= 0 means
// [DefaultInterstitialTTL]; now nil means time.Now; fetch nil makes every
// Get fail.
func NewInterstitialCache(fetch func(ctx context.Context) (string, error), ttl time.Duration, now func() time.Time) *InterstitialCache {
	if ttl <= 0 {
		ttl = DefaultInterstitialTTL
	}
	if now == nil {
		now = time.Now
	}
	return &InterstitialCache{fetch: fetch, ttl: ttl, now: now}
}

// Get returns the interstitial page: from memory when it is fresh, the
// older page while a refresh runs, else the outcome of the one shared fetch.
// It returns ctx's error when ctx is done before the fetch.
func (c *InterstitialCache) Get(ctx context.Context) (string, error) {
	if c.fetch == nil {
		return "", errNoInterstitial
	}
	c.mu.Lock()
	now := c.now()
	if c.have && (now.Sub(c.fetchedAt) < c.ttl || now.Before(c.retryAt)) {
		page := c.page
		c.mu.Unlock()
		return page, nil
	}
	f := c.inflight
	if f == nil {
		f = &interstitialFlight{done: make(chan struct{})}
		c.inflight = f
		go c.run(context.WithoutCancel(ctx), f)
	}
	if c.have {
		page := c.page
		c.mu.Unlock()
		return page, nil
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.page, f.err
	case <-ctx.Done():
		return "", fmt.Errorf("server: waiting for the interstitial: %w", ctx.Err())
	}
}

// run performs one fetch for f and publishes its outcome.
func (c *InterstitialCache) run(ctx context.Context, f *interstitialFlight) {
	ctx, cancel := context.WithTimeout(ctx, interstitialFetchTimeout)
	defer cancel()
	page, err := c.safeFetch(ctx)
	c.mu.Lock()
	switch {
	case err == nil:
		c.page, c.fetchedAt, c.have = page, c.now(), true
	case c.have:
		page, err = c.page, nil // keep serving the older page
		c.retryAt = c.now().Add(interstitialRetryBackoff)
	}
	c.inflight = nil
	c.mu.Unlock()
	f.page, f.err = page, err
	close(f.done)
}

// safeFetch calls the fetcher, turning a panic into an error: the fetch runs
// on its own goroutine, where no recovery interceptor would catch it.
func (c *InterstitialCache) safeFetch(ctx context.Context) (page string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("server: interstitial fetcher panicked (%T)", p)
		}
	}()
	page, err = c.fetch(ctx)
	if err != nil {
		return "", fmt.Errorf("server: fetching the interstitial: %w", err)
	}
	return page, nil
}
