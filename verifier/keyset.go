package verifier

import (
	"context"
	"crypto/rsa"
)

// verKey is one RSA verification key. The pointer identifies the key: the
// decision cache keeps it and a hit only counts while the key set still
// holds the same pointer for the token's kid.
type verKey struct {
	pub *rsa.PublicKey
	// alg is the one algorithm the key accepts, or "" for any of
	// RS256/RS384/RS512 (a JWK published without alg).
	alg string
}

// allows reports whether the key may verify a token signed with alg.
func (k *verKey) allows(alg string) bool {
	return k.alg == "" || k.alg == alg
}

// sameAs reports whether k and o are the same public key with the same alg.
func (k *verKey) sameAs(o *verKey) bool {
	return k.alg == o.alg && k.pub.Equal(o.pub)
}

// keySource resolves the key for a token's kid.
type keySource interface {
	// key returns the key for kid, loading the key set if needed. Failures
	// are *Error values.
	key(ctx context.Context, kid string) (*verKey, error)
	// current returns the key held now for kid without any loading, or nil.
	current(kid string) *verKey
}

// staticKeySet is the inline key: one key, whatever the kid.
type staticKeySet struct {
	k *verKey
}

func (s staticKeySet) key(context.Context, string) (*verKey, error) { return s.k, nil }

func (s staticKeySet) current(string) *verKey { return s.k }
