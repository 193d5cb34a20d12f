package verifier

import "time"

// Observer receives the verifier's events for metrics. It is set once in
// [Config.Observer]; the zero value observes nothing. The verifier calls it
// synchronously, so each function must be quick and safe for concurrent
// use. It never receives a token, a key or a secret.
//
// Decision-cache hits and misses are not events: they are counted inside
// the cache, under locks it takes anyway, and read with [Verifier.Stats].
type Observer struct {
	// KeyFetch is called after each key-set fetch with its error (nil on
	// success; a failure's [Reason] is [ReasonOf](err)) and the number of
	// keys the fetch returned (0 on failure). Nil means not observed.
	KeyFetch func(keys int, err error)
}

// Stats is a snapshot of counters kept by a [Verifier] for metrics.
type Stats struct {
	// CacheHits and CacheMisses count decision-cache lookups since New; both
	// stay 0 when the cache is off. A hit whose key has since been rotated
	// out still counts as a hit (the token is then verified again).
	CacheHits, CacheMisses uint64
	// CacheEntries is the number of tokens in the decision cache now.
	CacheEntries int
	// Keys is the number of verification keys held: 1 for an inline key,
	// the size of the last loaded key set for a remote one, 0 before the
	// first load or without a key source.
	Keys int
	// KeysLoadedAt is when the current remote key set was fetched; zero for
	// an inline key or before the first load.
	KeysLoadedAt time.Time
}

// Stats returns the verifier's counters. It is safe for concurrent use and
// takes each cache shard's lock briefly, so call it at scrape time, not per
// request.
func (v *Verifier) Stats() Stats {
	var st Stats
	if v.cache != nil {
		st.CacheHits, st.CacheMisses, st.CacheEntries = v.cache.stats()
	}
	switch {
	case v.remote != nil:
		if s := v.remote.snap.Load(); s != nil {
			st.Keys, st.KeysLoadedAt = len(s.keys), s.fetchedAt
		}
	case v.keys != nil:
		st.Keys = 1
	}
	return st
}

// stats sums the shards' counters and sizes.
func (c *decisionCache) stats() (hits, misses uint64, entries int) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		hits, misses, entries = hits+s.hits, misses+s.misses, entries+len(s.m)
		s.mu.Unlock()
	}
	return hits, misses, entries
}

// observeFetch reports one finished fetch to the observer, if any.
func (r *remoteKeySet) observeFetch(keys map[string]*verKey, err error) {
	if r.observer.KeyFetch != nil {
		r.observer.KeyFetch(len(keys), err)
	}
}

// Caching reports whether the decision cache is on. Then every hit on a
// token returns the same read-only *Claims, which callers may memoise
// conversions on; with the cache off each call returns new claims.
func (v *Verifier) Caching() bool { return v.cache != nil }
