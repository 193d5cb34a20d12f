package verifier_test

import (
	"context"
	"testing"
	"time"

	"github.com/authsvc/authsvc/internal/authstatevectors"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// TestAuthStateVectors runs every vector of spec §2.9 (DEV and PROD) and the
// realistic column of Base.test.ts (§3.1), with DESIGN.md's fixes where the
// row's name says so. server/authstate_test.go runs the same file over gRPC.
func TestAuthStateVectors(t *testing.T) {
	t.Parallel()
	vectors, err := authstatevectors.Load("testdata/authstate_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	f := authstatevectors.NewFixture(t)
	verifiers := map[string]*verifier.Verifier{}
	for name, cfg := range f.Configs() {
		verifiers[name] = mustNew(t, cfg)
	}
	for _, c := range authstatevectors.Cases(vectors) {
		t.Run(c.Name(), func(t *testing.T) {
			t.Parallel()
			got := verifiers[c.Config].AuthState(context.Background(), f.Facts(t, c.Vector).Request())
			checkState(t, got, c.Status, c.Reason)
		})
	}
}

// checkState asserts status and reason, that the pair is consistent, and
// that claims come with (and only with) a signed-in state.
func checkState(t *testing.T, got verifier.State, status verifier.Status, reason verifier.AuthReason) {
	t.Helper()
	if got.Status != status || got.Reason != reason {
		t.Fatalf("AuthState = %v/%s, want %v/%s", got.Status, got.Reason, status, reason)
	}
	if s, ok := got.Reason.Status(); !ok || s != got.Status {
		t.Errorf("reason %q pairs with status %v (known %v), got status %v", got.Reason, s, ok, got.Status)
	}
	if (got.Claims != nil) != (got.Status == verifier.StatusSignedIn) {
		t.Errorf("claims present = %v with status %v", got.Claims != nil, got.Status)
	}
	if got.Claims != nil && (got.Claims.UserID != "user_test" || got.Claims.SessionID != "sess_test") {
		t.Errorf("claims sub/sid = %q/%q, want user_test/sess_test", got.Claims.UserID, got.Claims.SessionID)
	}
}

// TestAuthStateKeySources covers Base.test.ts (§3.1) cases 1–4 and 6 with
// real key sources, plus the JWKS failures DESIGN.md maps to pk-fetch-error.
func TestAuthStateKeySources(t *testing.T) {
	t.Parallel()
	browser := func(token string) verifier.Request {
		return verifier.Request{Host: "clerk.dev", UserAgent: "Mozilla/", CookieToken: token, ClientUAT: "1"}
	}
	tests := []struct {
		name        string
		cfg         func(iss *verifiertest.Issuer) verifier.Config
		down        bool
		header      map[string]any // MintWithHeader header; nil = default
		cookie      bool           // send the token as __session instead of Authorization
		cancel      bool
		want        verifier.AuthReason
		wantFetches func(n int) bool
	}{
		{name: "3.1#1 no jwtKey: the remote key set is used", cfg: (*verifiertest.Issuer).Config,
			want: verifier.AuthReasonStandardSignedIn, wantFetches: func(n int) bool { return n >= 1 }},
		{name: "3.1#3 jwtKey beats the remote key set", cfg: func(i *verifiertest.Issuer) verifier.Config {
			c := i.Config()
			c.JWTKey = i.PublicKeyPEM()
			return c
		}, want: verifier.AuthReasonStandardSignedIn, wantFetches: func(n int) bool { return n == 0 }},
		{name: "3.1#4 inline key alone (CLERK_JWT_KEY without a secret key)", cfg: func(i *verifiertest.Issuer) verifier.Config {
			return verifier.Config{JWTKey: i.PublicKeyPEM()}
		}, want: verifier.AuthReasonStandardSignedIn, wantFetches: func(n int) bool { return n == 0 }},
		{name: "3.1#6 returns correct errorReason on failed pk fetching (header)", cfg: (*verifiertest.Issuer).Config,
			down: true, want: verifier.AuthReasonPKFetchError},
		{name: "3.1#2 failed public key fetching (cookie)", cfg: (*verifiertest.Issuer).Config,
			down: true, cookie: true, want: verifier.AuthReasonPKFetchError},
		{name: "DESIGN secret key rejected by the JWKS endpoint", cfg: func(i *verifiertest.Issuer) verifier.Config {
			c := i.Config()
			c.SecretKey = "sk_test_wrong"
			return c
		}, want: verifier.AuthReasonPKFetchError},
		{name: "DESIGN jwk-kid-mismatch", cfg: (*verifiertest.Issuer).Config,
			header: map[string]any{"alg": "RS256", "typ": "JWT", "kid": "ins_unknown"}, want: verifier.AuthReasonPKFetchError},
		{name: "brief: context cancelled while fetching keys", cfg: (*verifiertest.Issuer).Config,
			cancel: true, want: verifier.AuthReasonPKFetchError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iss := verifiertest.NewIssuer(t)
			iss.SetDown(tt.down)
			v := mustNew(t, tt.cfg(iss))
			claims := map[string]any{"iat": time.Now().Unix() - 10}
			token := iss.Mint(t, claims)
			if tt.header != nil {
				token = iss.MintWithHeader(t, tt.header, claims)
			}
			req := verifier.Request{HeaderToken: token}
			if tt.cookie {
				req = browser(token)
			}
			ctx, cancel := context.WithCancel(context.Background())
			if tt.cancel {
				cancel()
			}
			defer cancel()
			got := v.AuthState(ctx, req)
			status, _ := tt.want.Status()
			checkState(t, got, status, tt.want)
			if tt.wantFetches != nil && !tt.wantFetches(iss.JWKSFetches()) {
				t.Errorf("JWKS fetches = %d", iss.JWKSFetches())
			}
		})
	}
}
