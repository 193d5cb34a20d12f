package verifier

import (
	"strconv"
	"sync"
	"testing"
)

func TestDecisionCacheBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		size int
	}{
		{"one shard", 3},
		{"sharded", 2048},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newDecisionCache(tt.size)
			for i := range tt.size * 3 {
				c.put("token-"+strconv.Itoa(i), &cacheEntry{kid: strconv.Itoa(i)})
			}
			if got := c.len(); got > tt.size || got < tt.size-cacheShards {
				t.Errorf("len = %d, want about %d and never more", got, tt.size)
			}
			if c.get("token-0") != nil {
				t.Error("the oldest entry survived")
			}
			last := "token-" + strconv.Itoa(tt.size*3-1)
			if e := c.get(last); e == nil || e.kid != strconv.Itoa(tt.size*3-1) {
				t.Errorf("get(%s) = %v, want the newest entry", last, e)
			}
		})
	}
}

func TestDecisionCacheEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	c := newDecisionCache(2)
	c.put("a", &cacheEntry{kid: "a"})
	c.put("b", &cacheEntry{kid: "b"})
	c.get("a") // a is now more recent than b
	c.put("c", &cacheEntry{kid: "c"})
	if c.get("b") != nil || c.get("a") == nil || c.get("c") == nil {
		t.Errorf("after touching a and adding c: want b evicted, a and c kept")
	}
	c.put("a", &cacheEntry{kid: "a2"})
	if e := c.get("a"); e == nil || e.kid != "a2" || c.len() != 2 {
		t.Errorf("re-put: entry %v, len %d; want a2 and 2", e, c.len())
	}
}

func TestDecisionCacheKeysByExactToken(t *testing.T) {
	t.Parallel()
	c := newDecisionCache(10)
	big := "prefix-token-suffix"
	c.put(big[7:12], &cacheEntry{kid: "k"})
	for _, miss := range []string{"toke", "token ", "Token", "token\x00"} {
		if c.get(miss) != nil {
			t.Errorf("get(%q) hit an entry stored for %q", miss, "token")
		}
	}
	if c.get("token") == nil {
		t.Error("get(token) missed")
	}
}

// TestDecisionCacheHashCollision: the map is keyed by the token's hash, so
// two tokens with one hash must never share an entry. A collision is forced
// by filing token a's node under token b's hash.
func TestDecisionCacheHashCollision(t *testing.T) {
	t.Parallel()
	c := newDecisionCache(10)
	c.put("token-a", &cacheEntry{kid: "a"})
	s, ha := c.shard("token-a")
	_, hb := c.shard("token-b")
	n := s.m[ha]
	delete(s.m, ha)
	n.hash, s.m[hb] = hb, n
	if e := c.get("token-b"); e != nil {
		t.Fatalf("get(token-b) = entry %q, stored for token-a under the same hash", e.kid)
	}
	c.put("token-b", &cacheEntry{kid: "b"})
	if e := c.get("token-b"); e == nil || e.kid != "b" {
		t.Fatalf("get(token-b) after put = %v, want b's entry", e)
	}
	if e := c.get("token-a"); e != nil {
		t.Errorf("get(token-a) = entry %q, want a miss: b took the slot", e.kid)
	}
	listed := 0
	for n := s.root.next; n != &s.root; n = n.next {
		listed++
	}
	if got := c.len(); got != 1 || listed != 1 {
		t.Errorf("len = %d, LRU list holds %d, want 1 and 1 (b replaced a in both)", got, listed)
	}
	c.put("token-c", &cacheEntry{kid: "c"})
	if got := c.len(); got != 2 {
		t.Errorf("len after another put = %d, want 2", got)
	}
}

func TestDecisionCacheConcurrent(t *testing.T) {
	t.Parallel()
	c := newDecisionCache(1024)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := strconv.Itoa((g*7919 + i) % 3000)
				if e := c.get(k); e != nil && e.kid != k {
					t.Errorf("get(%s) = entry %s", k, e.kid)
					return
				}
				c.put(k, &cacheEntry{kid: k})
			}
		})
	}
	wg.Wait()
	if c.len() > 1024 {
		t.Errorf("len = %d, over the bound", c.len())
	}
}
