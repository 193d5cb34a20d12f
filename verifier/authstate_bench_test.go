package verifier_test

import (
	"context"
	"crypto/rsa"
	"strconv"
	"testing"
	"time"

	"github.com/authsvc/authsvc/internal/benchserve"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// authStateBench is a production verifier with a fixed clock, an inline
// RSA-2048 key and one signed-in cookie request for it.
type authStateBench struct {
	v     *verifier.Verifier
	req   verifier.Request
	token string
	pub   *rsa.PublicKey
}

func newAuthStateBench(b *testing.B) *authStateBench {
	b.Helper()
	iss := verifiertest.NewIssuer(b)
	now := time.Now().Truncate(time.Second)
	v := mustNew(b, verifier.Config{JWTKey: iss.PublicKeyPEM(), SecretKey: "sk_live_abc", Now: func() time.Time { return now }})
	iat := now.Unix() - 10
	token := iss.Mint(b, map[string]any{"iat": iat, "nbf": iat, "exp": now.Unix() + 3600})
	req := verifier.Request{
		CookieToken: token, ClientUAT: strconv.FormatInt(iat-90, 10),
		Host: "app.example.com", Origin: "https://app.example.com", UserAgent: "Mozilla/5.0",
	}
	return &authStateBench{v: v, req: req, token: token, pub: &iss.Key.PublicKey}
}

// BenchmarkAuthStateCookieSignedIn decides a signed-in cookie request
// (same-origin Origin, current __client_uat) whose token the verifier has
// already cached. Compare with BenchmarkAuthStateBaselineRSA:
//
//	go test -run '^$' -bench 'AuthState' -benchtime 2s -count 3 ./verifier
func BenchmarkAuthStateCookieSignedIn(b *testing.B) { benchserve.Loop(b, authStateCookieSignedIn(b)) }

func authStateCookieSignedIn(b *testing.B) func() {
	s := newAuthStateBench(b)
	ctx := context.Background()
	if st := s.v.AuthState(ctx, s.req); st.Status != verifier.StatusSignedIn {
		b.Fatalf("warm-up: %v/%s", st.Status, st.Reason)
	}
	return func() {
		if st := s.v.AuthState(ctx, s.req); st.Status != verifier.StatusSignedIn {
			b.Fatalf("AuthState: %v/%s", st.Status, st.Reason)
		}
	}
}

// BenchmarkAuthStateBaselineRSA is the floor without a cache: SHA-256 of the
// same token's signing input and one crypto/rsa.VerifyPKCS1v15.
func BenchmarkAuthStateBaselineRSA(b *testing.B) { benchserve.Loop(b, authStateBaselineRSA(b)) }

func authStateBaselineRSA(b *testing.B) func() {
	s := newAuthStateBench(b)
	return rawRSA(b, s.pub, s.token)
}
