package authstatevectors

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// Fixture mints the vectors' tokens and names the verifier configurations
// they run against. Tokens are minted once per symbol and reused. Safe for
// concurrent use by parallel subtests.
type Fixture struct {
	// Now is the Unix time the symbols are relative to (the real clock at
	// [NewFixture]).
	Now int64
	// Issuer signs the tokens; its public key is the inline key.
	Issuer *verifiertest.Issuer
	// Other signs "$other-key", whose signature the inline key rejects.
	Other *verifiertest.Issuer

	mu     sync.Mutex
	tokens map[string]string
}

// NewFixture starts the two issuers; they stop when t's test ends.
func NewFixture(t testing.TB) *Fixture {
	t.Helper()
	return &Fixture{Now: time.Now().Unix(), Issuer: verifiertest.NewIssuer(t),
		Other: verifiertest.NewIssuer(t), tokens: map[string]string{}}
}

// Configs returns the verifier configurations a [Case.Config] names: "dev"
// (inline key, secret key sk_test_abc), "prod" (inline key, sk_live_abc) and
// "none" (no key at all, so production). Each call returns a new map.
func (f *Fixture) Configs() map[string]verifier.Config {
	return map[string]verifier.Config{
		"dev":  {JWTKey: f.Issuer.PublicKeyPEM(), SecretKey: "sk_test_abc"},
		"prod": {JWTKey: f.Issuer.PublicKeyPEM(), SecretKey: "sk_live_abc"},
		"none": {},
	}
}

// Facts are the resolved facts of one request, named as in
// [verifier.Request]; nil is absent, a pointer to "" present but empty.
type Facts struct {
	CookieToken, ClientUAT, HeaderToken                                             *string
	Origin, Host, ForwardedHost, ForwardedPort, ForwardedProto, Referrer, UserAgent *string
	AuthorizedParties                                                               []string
}

// Request is f as a [verifier.Request], where absent and empty are alike.
func (f Facts) Request() verifier.Request {
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return verifier.Request{CookieToken: s(f.CookieToken), ClientUAT: s(f.ClientUAT), HeaderToken: s(f.HeaderToken),
		Origin: s(f.Origin), Host: s(f.Host), ForwardedHost: s(f.ForwardedHost), ForwardedPort: s(f.ForwardedPort),
		ForwardedProto: s(f.ForwardedProto), Referrer: s(f.Referrer), UserAgent: s(f.UserAgent),
		AuthorizedParties: f.AuthorizedParties}
}

// Facts resolves v: the base's host and user agent, v's literal headers over
// them, its token symbols minted and its __client_uat symbol computed. A
// mint failure or an unknown token symbol fails t.
func (f *Fixture) Facts(t testing.TB, v Vector) Facts {
	t.Helper()
	host, ua := "app.example.com", "Mozilla/5.0"
	if v.Base == "3.1" {
		host, ua = "clerk.dev", "Mozilla/"
	}
	fa := Facts{Origin: v.Origin, Host: orDefault(v.Host, host), ForwardedHost: v.FwdHost, ForwardedPort: v.FwdPort,
		ForwardedProto: v.FwdProto, Referrer: v.Referrer, UserAgent: orDefault(v.UA, ua), AuthorizedParties: v.Parties}
	if v.Cookie != nil {
		fa.CookieToken = ptr(f.token(t, *v.Cookie))
	}
	if v.Header != nil {
		fa.HeaderToken = ptr(f.token(t, *v.Header))
	}
	if v.UAT != nil {
		fa.ClientUAT = ptr(f.uat(*v.UAT))
	}
	return fa
}

func orDefault(p *string, def string) *string {
	if p != nil {
		return p
	}
	return &def
}

func ptr(s string) *string { return &s }

// tokenClaims are the claims of the minted token symbols, relative to now
// (iat = now-10 unless said otherwise); nil deletes a claim. Times in the
// future lie a margin ahead, not seconds: the symbols are minted once per
// fixture, and on a loaded machine a parallel subtest may run a minute
// later, when a token valid for 60 s would have expired (and one not
// active for 60 s would have become active).
func tokenClaims(now int64) map[string]map[string]any {
	const margin = 600 // longer than the test timeout
	iat, exp := now-10, now+margin
	return map[string]map[string]any{
		"$valid": {"iat": iat, "exp": exp}, "$expired": {"iat": iat, "exp": now - 60},
		"$early":      {"iat": iat, "nbf": now + margin, "exp": exp + margin},
		"$iat-future": {"iat": now + margin, "exp": exp + margin}, "$bad-iss": {"iat": iat, "exp": exp, "iss": "https://evil.example.com"},
		"$azp-a": {"iat": iat, "exp": exp, "azp": "https://a.com"}, "$no-iat": {"iat": nil, "exp": exp},
		"$other-key": {"iat": iat, "exp": exp}, "$bearer-valid": {"iat": iat, "exp": exp}, "$bearer-lower-valid": {"iat": iat, "exp": exp},
	}
}

func knownToken(sym string) bool { return tokenClaims(0)[sym] != nil }

func knownUAT(sym string) bool {
	return sym == "$now-100" || sym == "$iat" || sym == "$iat-1" || sym == "$iat+1"
}

// token resolves a token symbol or returns the literal.
func (f *Fixture) token(t testing.TB, sym string) string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if tok, ok := f.tokens[sym]; ok {
		return tok
	}
	claims, ok := tokenClaims(f.Now)[sym]
	var tok string
	switch {
	case !ok && len(sym) > 0 && sym[0] == '$':
		t.Fatalf("authstatevectors: unknown token symbol %q", sym)
	case !ok:
		tok = sym
	case sym == "$other-key":
		tok = f.Other.Mint(t, claims)
	case sym == "$bearer-valid":
		tok = "Bearer " + f.Issuer.Mint(t, claims)
	case sym == "$bearer-lower-valid":
		tok = "bearer " + f.Issuer.Mint(t, claims)
	default:
		tok = f.Issuer.Mint(t, claims)
	}
	f.tokens[sym] = tok
	return tok
}

// uat resolves a __client_uat symbol or returns the literal.
func (f *Fixture) uat(sym string) string {
	iat := f.Now - 10
	switch sym {
	case "$now-100":
		return strconv.FormatInt(f.Now-100, 10)
	case "$iat":
		return strconv.FormatInt(iat, 10)
	case "$iat-1":
		return strconv.FormatInt(iat-1, 10)
	case "$iat+1":
		return strconv.FormatInt(iat+1, 10)
	}
	return sym
}
