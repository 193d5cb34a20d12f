package server

import (
	"sync"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// claimsMemoSize bounds the memo: about 4 KB of protobuf per entry.
const claimsMemoSize = 4096

// claimsMemo remembers the protobuf form of claims the verifier returned,
// keyed by the *verifier.Claims pointer. The verifier's decision cache hands
// out the same read-only pointer for every hit on a token, so the conversion
// (about 10 µs of protojson for the raw claims, 40% of an RSA verify) runs
// once per cached token instead of once per call. The messages it returns
// are shared between responses and must not be modified. When full it
// starts over, which keeps it bounded without bookkeeping on the hot path.
type claimsMemo struct {
	mu sync.Mutex
	m  map[*verifier.Claims]*authsvcv1.Claims
}

func (m *claimsMemo) proto(c *verifier.Claims) (*authsvcv1.Claims, error) {
	m.mu.Lock()
	pb, ok := m.m[c]
	m.mu.Unlock()
	if ok {
		return pb, nil
	}
	pb, err := claimsProto(c)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.m == nil || len(m.m) >= claimsMemoSize {
		m.m = make(map[*verifier.Claims]*authsvcv1.Claims, 64)
	}
	m.m[c] = pb
	m.mu.Unlock()
	return pb, nil
}
