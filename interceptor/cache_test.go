package interceptor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type testClock struct{ now atomic.Int64 }

func (c *testClock) Now() time.Time      { return time.Unix(c.now.Load(), 0) }
func (c *testClock) Set(unix int64)      { c.now.Store(unix) }
func newTestClock(unix int64) *testClock { c := &testClock{}; c.Set(unix); return c }

func claimsExp(exp int64) *Claims { return &Claims{UserID: "user_1", ExpiresAt: exp} }

// TestDecisionCacheSharesOneFlight: with storage off, N callers that join
// while a verification is in flight all get its one result.
func TestDecisionCacheSharesOneFlight(t *testing.T) {
	t.Parallel()
	for _, result := range []error{nil, status.Error(codes.Unauthenticated, "no")} {
		t.Run(fmt.Sprintf("result %v", result), func(t *testing.T) {
			t.Parallel()
			const n = 16
			c := newDecisionCache(CacheConfig{MaxEntries: -1}.withDefaults())
			k := cacheKey{token: "tok"}
			var calls atomic.Int64
			release := make(chan struct{})
			want := claimsExp(time.Now().Add(time.Minute).Unix())
			verify := func() (*Claims, error) {
				calls.Add(1)
				<-release
				if result != nil {
					return nil, result
				}
				return want, nil
			}
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					got, err := c.do(t.Context(), k, verify)
					if !errors.Is(err, result) || (result == nil && got != want) {
						t.Errorf("do = %p, %v; want %p, %v", got, err, want, result)
					}
				})
			}
			deadline := time.Now().Add(30 * time.Second)
			for c.waiting(k) < n { // synchronisation only: wait until all joined
				if time.Now().After(deadline) {
					t.Fatalf("only %d of %d callers joined the flight", c.waiting(k), n)
				}
				time.Sleep(time.Millisecond)
			}
			close(release)
			wg.Wait()
			if got := calls.Load(); got != 1 {
				t.Errorf("verifications = %d, want 1", got)
			}
		})
	}
}

// TestDecisionCacheWaiterLeavesOnCancel: a caller whose context ends stops
// waiting; the verification still completes and is cached for others.
func TestDecisionCacheWaiterLeavesOnCancel(t *testing.T) {
	t.Parallel()
	c := newDecisionCache(CacheConfig{}.withDefaults())
	k := cacheKey{token: "tok"}
	release := make(chan struct{})
	want := claimsExp(time.Now().Add(time.Minute).Unix())
	verify := func() (*Claims, error) { <-release; return want, nil }

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.do(ctx, k, verify); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled caller: err = %v, want context.Canceled", err)
	}
	close(release)
	got, err := c.do(t.Context(), k, func() (*Claims, error) { return nil, errors.New("second verification") })
	if err != nil || got != want {
		t.Fatalf("later caller = %p, %v; want the first flight's claims", got, err)
	}
}

// TestDecisionCacheExpiry pins "valid until exp - skew, never past exp,
// and never longer than the TTL after the verification".
func TestDecisionCacheExpiry(t *testing.T) {
	t.Parallel()
	const now, skew = 1_800_000_000, 5
	tests := []struct {
		name    string
		ttl     time.Duration
		exp     int64
		checkAt int64
		wantHit bool
	}{
		{name: "long-lived token hits just before the default TTL", exp: now + 3600, checkAt: now + 59, wantHit: true},
		{name: "long-lived token misses at the default TTL", exp: now + 3600, checkAt: now + 60, wantHit: false},
		{name: "emulator-length token misses after the default TTL", exp: now + 10*365*86400, checkAt: now + 61, wantHit: false},
		{name: "a set TTL hits just before it", ttl: 10 * time.Second, exp: now + 3600, checkAt: now + 9, wantHit: true},
		{name: "a set TTL misses at it", ttl: 10 * time.Second, exp: now + 3600, checkAt: now + 10, wantHit: false},
		{name: "exp before the TTL still wins", ttl: time.Hour, exp: now + 60, checkAt: now + 60 - skew, wantHit: false},
		{name: "fresh token hits", exp: now + 60, checkAt: now, wantHit: true},
		{name: "one second before exp-skew hits", exp: now + 60, checkAt: now + 60 - skew - 1, wantHit: true},
		{name: "at exp-skew misses", exp: now + 60, checkAt: now + 60 - skew, wantHit: false},
		{name: "after exp misses", exp: now + 60, checkAt: now + 61, wantHit: false},
		{name: "token within skew of exp is not stored", exp: now + skew, checkAt: now, wantHit: false},
		{name: "already expired token is not stored", exp: now - 1, checkAt: now, wantHit: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newTestClock(now)
			c := newDecisionCache(CacheConfig{Skew: skew * time.Second, TTL: tt.ttl, Now: clock.Now}.withDefaults())
			k := cacheKey{token: "tok"}
			if _, err := c.do(t.Context(), k, func() (*Claims, error) { return claimsExp(tt.exp), nil }); err != nil {
				t.Fatal(err)
			}
			clock.Set(tt.checkAt)
			if _, hit := c.get(k); hit != tt.wantHit {
				t.Errorf("hit = %v, want %v", hit, tt.wantHit)
			}
		})
	}
}

// TestDecisionCacheKeyIncludesParties: a decision made for one
// authorized-party list does not answer for another.
func TestDecisionCacheKeyIncludesParties(t *testing.T) {
	t.Parallel()
	c := newDecisionCache(CacheConfig{}.withDefaults())
	exp := time.Now().Add(time.Minute).Unix()
	a := cacheKey{parties: partiesKey([]string{"https://a.example"}), token: "tok"}
	if _, err := c.do(t.Context(), a, func() (*Claims, error) { return claimsExp(exp), nil }); err != nil {
		t.Fatal(err)
	}
	for _, k := range []cacheKey{
		{parties: partiesKey([]string{"https://b.example"}), token: "tok"},
		{parties: partiesKey(nil), token: "tok"},
		{parties: partiesKey([]string{"https://a.example", "https://b.example"}), token: "tok"},
		{parties: a.parties, token: "tok2"},
	} {
		if _, hit := c.get(k); hit {
			t.Errorf("get(%q) hit the entry stored for %q", k.parties, a.parties)
		}
	}
	if _, hit := c.get(a); !hit {
		t.Error("get of the stored key missed")
	}
}

// TestDecisionCacheBounded: the cache never holds more than MaxEntries,
// and expired entries are evicted before live ones.
func TestDecisionCacheBounded(t *testing.T) {
	t.Parallel()
	const now, maxEntries = 1_800_000_000, 16
	clock := newTestClock(now)
	c := newDecisionCache(CacheConfig{MaxEntries: maxEntries, Now: clock.Now}.withDefaults())
	store := func(token string, exp int64) {
		t.Helper()
		if _, err := c.do(t.Context(), cacheKey{token: token}, func() (*Claims, error) { return claimsExp(exp), nil }); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 1000 {
		store(fmt.Sprint("live", i), now+3600)
		if n := c.len(); n > maxEntries {
			t.Fatalf("after %d inserts len = %d > %d", i+1, n, maxEntries)
		}
	}
	// A full cache of half short-lived, half long-lived entries: once the
	// short ones expire, an insertion evicts them and keeps every live one.
	c = newDecisionCache(CacheConfig{MaxEntries: maxEntries, Now: clock.Now}.withDefaults())
	for i := range maxEntries / 2 {
		store(fmt.Sprint("short", i), now+10)
		store(fmt.Sprint("keep", i), now+3600)
	}
	clock.Set(now + 20)
	store("new", now+3600)
	if n := c.len(); n != maxEntries/2+1 {
		t.Errorf("len = %d, want %d (expired entries evicted, live kept)", n, maxEntries/2+1)
	}
	for i := range maxEntries / 2 {
		if _, hit := c.get(cacheKey{token: fmt.Sprint("keep", i)}); !hit {
			t.Errorf("live entry keep%d was evicted while expired ones existed", i)
		}
	}
}

// TestDecisionCacheRecoversPanic: a panicking verification fails its
// callers with Internal and leaves no stuck flight.
func TestDecisionCacheRecoversPanic(t *testing.T) {
	t.Parallel()
	c := newDecisionCache(CacheConfig{}.withDefaults())
	k := cacheKey{token: "tok"}
	_, err := c.do(t.Context(), k, func() (*Claims, error) { panic("boom") })
	if status.Code(err) != codes.Internal {
		t.Fatalf("err = %v, want Internal", err)
	}
	want := claimsExp(time.Now().Add(time.Minute).Unix())
	if got, err := c.do(t.Context(), k, func() (*Claims, error) { return want, nil }); err != nil || got != want {
		t.Fatalf("after panic: %p, %v", got, err)
	}
}
