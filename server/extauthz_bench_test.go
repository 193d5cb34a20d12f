package server

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"

	"github.com/authsvc/authsvc/internal/benchserve"
	"github.com/authsvc/authsvc/internal/edgetest"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// checkBench is a production server with a fixed clock and an inline
// RSA-2048 key, and a browser's signed-in page load for it.
type checkBench struct {
	ext   extAuthz
	req   *authv3.CheckRequest
	token string
	pub   *rsa.PublicKey
}

func newCheckBench(b *testing.B) *checkBench {
	b.Helper()
	iss := verifiertest.NewIssuer(b)
	now := time.Now().Truncate(time.Second)
	v, err := verifier.New(verifier.Config{JWTKey: iss.PublicKeyPEM(), SecretKey: "sk_live_bench", Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(v.Close)
	s, err := New(Config{Verifier: v})
	if err != nil {
		b.Fatal(err)
	}
	iat := now.Unix() - 10
	token := iss.Mint(b, map[string]any{"iat": iat, "nbf": iat, "exp": now.Unix() + 3600,
		"org_id": "org_bench", "org_role": "org:admin", "org_slug": "bench"})
	return &checkBench{ext: newExtAuthz(s), req: edgetest.SignedInCheckRequest(token, iat-90), token: token, pub: &iss.Key.PublicKey}
}

// BenchmarkCheckCookieSignedIn is the in-process Check handler for a
// browser's signed-in cookie request whose token the verifier has cached:
// facts from the headers map, AuthState, and the CheckResponse. Compare
// with BenchmarkCheckBaselineRSA (target ≤ 0.03×):
//
//	go test -run '^$' -bench 'Check' -benchtime 2s -count 3 ./server
func BenchmarkCheckCookieSignedIn(b *testing.B) { benchserve.Loop(b, checkCookieSignedIn(b)) }

func checkCookieSignedIn(b *testing.B) func() {
	c := newCheckBench(b)
	ctx := context.Background()
	if resp, _ := c.ext.Check(ctx, c.req); resp.GetStatus().GetCode() != 0 {
		b.Fatalf("warm-up: %v", resp)
	}
	return func() {
		if resp, _ := c.ext.Check(ctx, c.req); resp.GetStatus().GetCode() != 0 {
			b.Fatalf("Check: %v", resp)
		}
	}
}

// BenchmarkCheckBaselineRSA is the floor without a cache: SHA-256 of the
// same token's signing input and one crypto/rsa.VerifyPKCS1v15.
func BenchmarkCheckBaselineRSA(b *testing.B) { benchserve.Loop(b, checkBaselineRSA(b)) }

func checkBaselineRSA(b *testing.B) func() {
	c := newCheckBench(b)
	dot := strings.LastIndexByte(c.token, '.')
	sig, err := base64.RawURLEncoding.DecodeString(c.token[dot+1:])
	if err != nil {
		b.Fatal(err)
	}
	input := []byte(c.token[:dot])
	return func() {
		sum := sha256.Sum256(input)
		if err := rsa.VerifyPKCS1v15(c.pub, crypto.SHA256, sum[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServe offers this package's benchmarks to `make bench`, which
// times each beside its baseline in alternating blocks (internal/benchserve).
func BenchmarkServe(b *testing.B) {
	benchserve.Serve(b, map[string]benchserve.Setup{
		"CheckCookieSignedIn": checkCookieSignedIn,
		"CheckBaselineRSA":    checkBaselineRSA,
	})
}
