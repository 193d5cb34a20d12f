package verifier

import (
	"hash/maphash"
	"strings"
	"sync"
)

// cacheShards is the shard count of a large decision cache; small caches
// use one shard so that their bound is exact.
const (
	cacheShards         = 16
	minShardedCacheSize = 1024
)

// cacheEntry is one verified token: its claims and the key that verified it.
// Entries of the machine-JWT cache (machine.go) also carry the kind and the
// identity; session entries leave them zero.
type cacheEntry struct {
	claims  *Claims
	key     *verKey
	kid     string
	kind    TokenKind
	machine *Machine
}

// decisionCache is a bounded LRU of verified tokens. A token is hashed once
// (maphash, per-cache seed): the hash picks the shard and is the shard's map
// key, and a hit still compares the whole token, so a hash match alone never
// returns an entry; two tokens with the same hash just take turns in the
// slot. It is sharded to keep lock hold times short. Safe for concurrent use.
type decisionCache struct {
	seed   maphash.Seed
	shards []cacheShard
}

type cacheShard struct {
	mu   sync.Mutex
	max  int
	m    map[uint64]*lruNode // by the token's hash
	root lruNode             // sentinel: root.next is the most recent, root.prev the least

	hits, misses uint64 // get calls, counted under mu (see Verifier.Stats)
}

type lruNode struct {
	hash       uint64
	token      string
	entry      *cacheEntry
	prev, next *lruNode
}

func newDecisionCache(size int) *decisionCache {
	n := 1
	if size >= minShardedCacheSize {
		n = cacheShards
	}
	c := &decisionCache{seed: maphash.MakeSeed(), shards: make([]cacheShard, n)}
	for i := range c.shards {
		s := &c.shards[i]
		s.max = size / n
		if i < size%n {
			s.max++
		}
		s.m = make(map[uint64]*lruNode)
		s.root.next, s.root.prev = &s.root, &s.root
	}
	return c
}

func (c *decisionCache) shard(token string) (*cacheShard, uint64) {
	h := maphash.String(c.seed, token)
	return &c.shards[h%uint64(len(c.shards))], h
}

// get returns the entry for token, or nil, and marks it recently used.
func (c *decisionCache) get(token string) *cacheEntry {
	s, h := c.shard(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.m[h]
	if n == nil || n.token != token {
		s.misses++
		return nil
	}
	s.hits++
	s.unlink(n)
	s.pushFront(n)
	return n.entry
}

// put stores e for token, evicting the least recently used entry when full,
// or the entry of another token with the same hash.
func (c *decisionCache) put(token string, e *cacheEntry) {
	s, h := c.shard(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.m[h]; n != nil {
		s.unlink(n)
		if n.token == token {
			n.entry = e
			s.pushFront(n)
			return
		}
		delete(s.m, h)
	}
	n := &lruNode{hash: h, token: strings.Clone(token), entry: e}
	s.m[h] = n
	s.pushFront(n)
	if len(s.m) > s.max {
		old := s.root.prev
		s.unlink(old)
		delete(s.m, old.hash)
	}
}

// len returns the number of cached tokens.
func (c *decisionCache) len() int {
	total := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		total += len(s.m)
		s.mu.Unlock()
	}
	return total
}

func (s *cacheShard) unlink(n *lruNode) {
	n.prev.next, n.next.prev = n.next, n.prev
	n.prev, n.next = nil, nil
}

func (s *cacheShard) pushFront(n *lruNode) {
	n.prev, n.next = &s.root, s.root.next
	s.root.next.prev = n
	s.root.next = n
}
