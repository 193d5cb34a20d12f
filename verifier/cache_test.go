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
