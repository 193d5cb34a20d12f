package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"time"
)

const issuer = "https://clerk.loadtest.example"

// minter signs session tokens with a key made for this run.
type minter struct {
	key *rsa.PrivateKey
	iat int64
}

func newMinter() (*minter, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return &minter{key: k, iat: time.Now().Add(-time.Minute).Unix()}, nil
}

// publicPEM is the CLERK_JWT_KEY of the instances.
func (m *minter) publicPEM() (string, error) {
	der, err := x509.MarshalPKIXPublicKey(&m.key.PublicKey)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// mint returns a token shaped like Clerk's v2 session tokens, valid for
// two hours; n makes the subject and session distinct. exp < 0 mints an
// expired one.
func (m *minter) mint(n int, expired bool) (string, error) {
	exp := m.iat + 2*3600
	if expired {
		exp = m.iat - 3600
	}
	payload := map[string]any{
		"iss": issuer, "sub": fmt.Sprintf("user_load%06d", n), "sid": fmt.Sprintf("sess_load%06d", n),
		"iat": m.iat, "nbf": m.iat - 10, "exp": exp, "azp": "https://app.loadtest.example",
		"jti": fmt.Sprintf("jti%016d", n), "v": 2, "fva": []int{1, -1}, "sts": "active",
		"o": map[string]any{"id": "org_load", "rol": "admin", "slg": "acme", "per": "read,write", "fpm": "3"},
	}
	h, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "ins_loadtest"})
	if err != nil {
		return "", err
	}
	p, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, m.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// pool mints n distinct tokens.
func (m *minter) pool(n int) ([]string, error) {
	out := make([]string, n)
	for i := range out {
		var err error
		if out[i], err = m.mint(i, false); err != nil {
			return nil, err
		}
	}
	return out, nil
}
