// Package verifiertest provides a fake Clerk issuer for tests: an RSA
// signing key, a JWKS endpoint served by an httptest server, and session
// token minting. It is for tests only: keys are generated per Issuer and
// nothing is hardened.
package verifiertest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"

	// Register the hashes RS256/384/512 use.
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// Defaults of a new Issuer.
const (
	DefaultKID       = "ins_verifiertest"
	DefaultURL       = "https://clerk.verifiertest.example"
	DefaultSecretKey = "sk_test_verifiertest"
)

// Issuer is a fake Clerk instance. Mint and the JWKS server may run
// concurrently; Rotate must not run concurrently with Mint or with reads of
// Key and KID.
type Issuer struct {
	Key       *rsa.PrivateKey
	KID       string           // "ins_verifiertest" until Rotate
	URL       string           // the iss claim: "https://clerk.verifiertest.example"
	SecretKey string           // "sk_test_verifiertest"
	Server    *httptest.Server // GET /v1/jwks with "Authorization: Bearer <SecretKey>"

	fetches   atomic.Int64
	down      atomic.Bool
	rejecting atomic.Bool
	rotation  int

	mu   sync.Mutex
	jwks []byte
}

// NewIssuer returns an Issuer with a fresh RSA-2048 key and a running JWKS
// server, closed by t.Cleanup.
func NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	i := &Issuer{KID: DefaultKID, URL: DefaultURL, SecretKey: DefaultSecretKey}
	i.setKey(t, newKey(t), DefaultKID)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/jwks", i.serveJWKS)
	i.Server = httptest.NewServer(mux)
	t.Cleanup(i.Server.Close)
	return i
}

func newKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("verifiertest: generating key: %v", err)
	}
	return k
}

func (i *Issuer) setKey(t testing.TB, k *rsa.PrivateKey, kid string) {
	t.Helper()
	doc, err := json.Marshal(map[string]any{"keys": []any{JWK(&k.PublicKey, kid, "RS256")}})
	if err != nil {
		t.Fatalf("verifiertest: encoding jwks: %v", err)
	}
	i.mu.Lock()
	i.Key, i.KID, i.jwks = k, kid, doc
	i.mu.Unlock()
}

// JWK returns the JWK JSON object of pub with kid and, when alg is not
// empty, alg.
func JWK(pub *rsa.PublicKey, kid, alg string) map[string]any {
	m := map[string]any{
		"kty": "RSA",
		"use": "sig",
		"kid": kid,
		"n":   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
	if alg != "" {
		m["alg"] = alg
	}
	return m
}

func (i *Issuer) serveJWKS(w http.ResponseWriter, r *http.Request) {
	i.fetches.Add(1)
	w.Header().Set("Content-Type", "application/json")
	if i.down.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"errors":[{"message":"service unavailable","code":"service_unavailable"}]}`))
		return
	}
	if i.rejecting.Load() || r.Header.Get("Authorization") != "Bearer "+i.SecretKey {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"errors":[{"message":"The provided Clerk Secret Key is invalid.",` +
			`"long_message":"The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",` +
			`"code":"clerk_key_invalid"}]}`))
		return
	}
	i.mu.Lock()
	doc := i.jwks
	i.mu.Unlock()
	_, _ = w.Write(doc)
}

// Mint returns an RS256 session token signed with the current key, header
// {alg, typ: JWT, kid} (no cat: MintWithHeader sets one). claims are merged over the defaults iss=URL,
// sub="user_test", sid="sess_test", iat=now, nbf=now-10, exp=now+60 (now is
// time.Now()); a claim with a nil value removes that default.
func (i *Issuer) Mint(t testing.TB, claims map[string]any) string {
	t.Helper()
	return i.MintWithHeader(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": i.KID}, claims)
}

// MintWithHeader is Mint with header replacing the default header. The
// signature uses the hash the header's alg names when it is RS256, RS384 or
// RS512, and RS256 otherwise (so a lying alg is caught by the alg check, not
// the signature).
func (i *Issuer) MintWithHeader(t testing.TB, header, claims map[string]any) string {
	t.Helper()
	now := time.Now().Unix()
	payload := map[string]any{"iss": i.URL, "sub": "user_test", "sid": "sess_test", "iat": now, "nbf": now - 10, "exp": now + 60}
	for k, v := range claims {
		if v == nil {
			delete(payload, k)
		} else {
			payload[k] = v
		}
	}
	alg, _ := header["alg"].(string)
	return Sign(t, i.Key, header, payload, alg)
}

// MintRaw returns a token signed with the current key whose payload is
// exactly payload, bytes that need not be valid JSON (a duplicate member,
// a lone surrogate, invalid UTF-8). header nil means the default header
// {alg: RS256, typ: JWT, kid}; a header's "cat" sets the token category.
// Nothing is merged into payload.
func (i *Issuer) MintRaw(t testing.TB, header map[string]any, payload []byte) string {
	t.Helper()
	if header == nil {
		header = map[string]any{"alg": "RS256", "typ": "JWT", "kid": i.KID}
	}
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatalf("verifiertest: encoding header: %v", err)
	}
	alg, _ := header["alg"].(string)
	return SignRaw(t, i.Key, h, payload, alg)
}

// Sign encodes header and payload as JSON and signs them with key using the
// RS hash alg names (RS256 when alg names none).
func Sign(t testing.TB, key *rsa.PrivateKey, header, payload any, alg string) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatalf("verifiertest: encoding header: %v", err)
	}
	p, err := json.Marshal(payload)
	if err != nil {
		t.Fatalf("verifiertest: encoding claims: %v", err)
	}
	return SignRaw(t, key, h, p, alg)
}

// SignRaw signs header and payload, taken as the exact bytes to encode,
// with key using the RS hash alg names (RS256 when alg names none).
func SignRaw(t testing.TB, key *rsa.PrivateKey, header, payload []byte, alg string) string {
	t.Helper()
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	hash := map[string]crypto.Hash{"RS384": crypto.SHA384, "RS512": crypto.SHA512}[alg]
	if hash == 0 {
		hash = crypto.SHA256
	}
	d := hash.New()
	d.Write([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, hash, d.Sum(nil))
	if err != nil {
		t.Fatalf("verifiertest: signing: %v", err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// Config returns a verifier configuration for this issuer: SecretKey, and
// APIURL set to Server.URL. Nothing else is set.
func (i *Issuer) Config() verifier.Config {
	return verifier.Config{SecretKey: i.SecretKey, APIURL: i.Server.URL}
}

// PublicKeyPEM returns the current public key as a "PUBLIC KEY" PEM.
func (i *Issuer) PublicKeyPEM() string {
	der, err := x509.MarshalPKIXPublicKey(&i.Key.PublicKey)
	if err != nil {
		panic("verifiertest: encoding public key: " + err.Error())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// JWKSFetches returns how many JWKS requests the server has answered,
// whatever their status.
func (i *Issuer) JWKSFetches() int { return int(i.fetches.Load()) }

// Rotate replaces the key with a new RSA-2048 key under a new kid; the
// server then serves only the new key.
func (i *Issuer) Rotate(t testing.TB) {
	t.Helper()
	i.rotation++
	i.setKey(t, newKey(t), DefaultKID+"_"+strconv.Itoa(i.rotation+1))
}

// SetDown makes the JWKS endpoint answer 503 while down is true.
func (i *Issuer) SetDown(down bool) { i.down.Store(down) }

// SetRejecting makes the JWKS endpoint answer 401 clerk_key_invalid, as
// Clerk does for a revoked secret key, while rejecting is true (SetDown
// wins while both are set).
func (i *Issuer) SetRejecting(rejecting bool) { i.rejecting.Store(rejecting) }
