package verifier_test

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// vector is one row of testdata/authstate_vectors.json (its "doc" explains
// the symbols). server/authstate_test.go runs the same file over gRPC.
type vector struct {
	Name, Base, Key, ExplicitOnly                                               string
	Cookie, UAT, Header, Origin, Host, FwdHost, FwdPort, FwdProto, Referrer, UA *string
	Parties                                                                     []string
	Dev, Prod                                                                   []string
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	raw, err := os.ReadFile("testdata/authstate_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Vectors []vector }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("authstate_vectors.json: %v", err)
	}
	return doc.Vectors
}

// fixture mints the vectors' tokens and builds their verifiers.
type fixture struct {
	now        int64
	iss, other *verifiertest.Issuer
	dev, prod  *verifier.Verifier
	noKey      *verifier.Verifier
	mu         sync.Mutex
	tokens     map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{now: time.Now().Unix(), iss: verifiertest.NewIssuer(t), other: verifiertest.NewIssuer(t), tokens: map[string]string{}}
	f.dev = newVerifier(t, verifier.Config{JWTKey: f.iss.PublicKeyPEM(), SecretKey: "sk_test_abc"})
	f.prod = newVerifier(t, verifier.Config{JWTKey: f.iss.PublicKeyPEM(), SecretKey: "sk_live_abc"})
	f.noKey = newVerifier(t, verifier.Config{})
	return f
}

func newVerifier(t testing.TB, cfg verifier.Config) *verifier.Verifier {
	t.Helper()
	v, err := verifier.New(cfg)
	if err != nil {
		t.Fatalf("verifier.New: %v", err)
	}
	t.Cleanup(v.Close)
	return v
}

// token resolves a token symbol ("$valid", …) or returns the literal.
func (f *fixture) token(t *testing.T, sym string) string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if tok, ok := f.tokens[sym]; ok {
		return tok
	}
	iat := f.now - 10
	claims := map[string]map[string]any{
		"$valid":      {"iat": iat},
		"$expired":    {"iat": iat, "exp": f.now - 60},
		"$early":      {"iat": iat, "nbf": f.now + 60},
		"$iat-future": {"iat": f.now + 60},
		"$bad-iss":    {"iat": iat, "iss": "https://evil.example.com"},
		"$azp-a":      {"iat": iat, "azp": "https://a.com"},
		"$no-iat":     {"iat": nil},
	}
	var tok string
	switch {
	case claims[sym] != nil:
		tok = f.iss.Mint(t, claims[sym])
	case sym == "$other-key":
		tok = f.other.Mint(t, map[string]any{"iat": iat})
	case sym == "$bearer-valid":
		tok = "Bearer " + f.iss.Mint(t, map[string]any{"iat": iat})
	case sym == "$bearer-lower-valid":
		tok = "bearer " + f.iss.Mint(t, map[string]any{"iat": iat})
	case strings.HasPrefix(sym, "$"):
		t.Fatalf("unknown token symbol %q", sym)
	default:
		tok = sym
	}
	f.tokens[sym] = tok
	return tok
}

// uat resolves a __client_uat symbol or returns the literal.
func (f *fixture) uat(sym string) string {
	iat := f.now - 10
	switch sym {
	case "$now-100":
		return strconv.FormatInt(f.now-100, 10)
	case "$iat":
		return strconv.FormatInt(iat, 10)
	case "$iat-1":
		return strconv.FormatInt(iat-1, 10)
	case "$iat+1":
		return strconv.FormatInt(iat+1, 10)
	}
	return sym
}

// request builds the verifier.Request a vector describes.
func (f *fixture) request(t *testing.T, v vector) verifier.Request {
	t.Helper()
	r := verifier.Request{Host: "app.example.com", UserAgent: "Mozilla/5.0", AuthorizedParties: v.Parties}
	if v.Base == "3.1" {
		r.Host, r.UserAgent = "clerk.dev", "Mozilla/"
	}
	set := func(dst *string, src *string, resolve func(string) string) {
		if src != nil {
			*dst = resolve(*src)
		}
	}
	literal := func(s string) string { return s }
	tok := func(s string) string { return f.token(t, s) }
	set(&r.CookieToken, v.Cookie, tok)
	set(&r.HeaderToken, v.Header, tok)
	set(&r.ClientUAT, v.UAT, f.uat)
	for dst, src := range map[*string]*string{&r.Origin: v.Origin, &r.Host: v.Host, &r.ForwardedHost: v.FwdHost,
		&r.ForwardedPort: v.FwdPort, &r.ForwardedProto: v.FwdProto, &r.Referrer: v.Referrer, &r.UserAgent: v.UA} {
		set(dst, src, literal)
	}
	return r
}

// verifierFor picks the verifier for a vector's mode and key.
func (f *fixture) verifierFor(v vector, mode string) *verifier.Verifier {
	switch {
	case v.Key == "none":
		return f.noKey
	case mode == "dev":
		return f.dev
	}
	return f.prod
}

var statusNames = map[string]verifier.Status{
	"signed-in": verifier.StatusSignedIn, "signed-out": verifier.StatusSignedOut, "interstitial": verifier.StatusInterstitial,
}

// TestAuthStateVectors runs every vector of spec §2.9 (DEV and PROD) and the
// realistic column of Base.test.ts (§3.1), with DESIGN.md's fixes where the
// row's name says so.
func TestAuthStateVectors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, v := range loadVectors(t) {
		for mode, want := range map[string][]string{"dev": v.Dev, "prod": v.Prod} {
			if want == nil {
				continue
			}
			t.Run(mode+" "+v.Name, func(t *testing.T) {
				t.Parallel()
				got := f.verifierFor(v, mode).AuthState(context.Background(), f.request(t, v))
				checkState(t, got, statusNames[want[0]], verifier.AuthReason(want[1]))
			})
		}
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
			v := newVerifier(t, tt.cfg(iss))
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
