package verifier_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// sentinels maps each reason to the category sentinel callers branch on.
var sentinels = map[verifier.Reason]error{
	verifier.ReasonTokenInvalid:      verifier.ErrMalformed,
	verifier.ReasonInvalidAlgorithm:  verifier.ErrMalformed,
	verifier.ReasonInvalidSignature:  verifier.ErrInvalidSignature,
	verifier.ReasonExpired:           verifier.ErrExpired,
	verifier.ReasonNotActiveYet:      verifier.ErrNotActiveYet,
	verifier.ReasonIatInFuture:       verifier.ErrNotActiveYet,
	verifier.ReasonInvalidIssuer:     verifier.ErrInvalidIssuer,
	verifier.ReasonUnauthorizedParty: verifier.ErrUnauthorizedParty,
	verifier.ReasonKidMismatch:       verifier.ErrKeyFetch,
	verifier.ReasonKeyFetch:          verifier.ErrKeyFetch,
	verifier.ReasonSecretKeyInvalid:  verifier.ErrKeyFetch,
	verifier.ReasonKeyMissing:        verifier.ErrKeyMissing,
	verifier.ReasonTokenTypeMismatch: verifier.ErrTokenTypeMismatch,
	verifier.ReasonInvalidAudience:   verifier.ErrInvalidAudience,
	verifier.ReasonSessionPending:    verifier.ErrSessionPending,
}

type verifyCase struct {
	name    string
	token   func(t *testing.T) string
	parties []string
	want    verifier.Reason // "" = success
}

func runVerifyCases(t *testing.T, v *verifier.Verifier, tests []verifyCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			claims, err := v.VerifyWithParties(context.Background(), tt.token(t), tt.parties)
			wantReason(t, err, tt.want)
			if tt.want == "" {
				if claims == nil || claims.UserID == "" {
					t.Fatalf("claims = %+v, want a user", claims)
				}
				return
			}
			if !errors.Is(err, sentinels[tt.want]) {
				t.Errorf("errors.Is(err, sentinel for %s) = false; err = %v", tt.want, err)
			}
			var ve *verifier.Error
			if !errors.As(err, &ve) || claims != nil {
				t.Errorf("err = %T, claims = %v; want *verifier.Error and nil claims", err, claims)
			}
		})
	}
}

func TestVerifyRulesInOrder(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := inlineVerifier(t, iss, nil)
	n := fixedNow.Unix()
	mint := func(extra map[string]any) func(*testing.T) string {
		return func(t *testing.T) string { return iss.Mint(t, claimsAt(extra)) }
	}
	withHeader := func(h map[string]any, extra map[string]any) func(*testing.T) string {
		return func(t *testing.T) string { return iss.MintWithHeader(t, h, claimsAt(extra)) }
	}
	literal := func(s string) func(*testing.T) string { return func(*testing.T) string { return s } }
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs := map[string]any{"alg": "RS256", "typ": "JWT", "kid": "k"}

	tests := []verifyCase{
		{name: "valid token", token: mint(nil)},
		// Rule 1: three base64url parts of JSON objects.
		{name: "rule1 empty token", token: literal(""), want: verifier.ReasonTokenInvalid},
		{name: "rule1 two parts", token: literal("aaa.bbb"), want: verifier.ReasonTokenInvalid},
		{name: "rule1 four parts", token: literal("a.b.c.d"), want: verifier.ReasonTokenInvalid},
		{name: "rule1 parts not json", token: literal("a.b.c"), want: verifier.ReasonTokenInvalid},
		{name: "rule1 bearer prefix left on", token: func(t *testing.T) string { return "Bearer " + iss.Mint(t, claimsAt(nil)) }, want: verifier.ReasonTokenInvalid},
		{name: "rule1 header is a json array", token: literal(b64([]int{1}) + "." + b64(map[string]any{}) + ".AQAB"), want: verifier.ReasonTokenInvalid},
		{name: "rule1 payload is json null", token: literal(b64(rs) + "." + b64(nil) + ".AQAB"), want: verifier.ReasonTokenInvalid},
		{name: "rule1 signature truncated by one character", token: func(t *testing.T) string {
			s := iss.Mint(t, claimsAt(nil))
			return s[:len(s)-1]
		}, want: verifier.ReasonTokenInvalid},
		{name: "rule1 signature padding tolerated", token: func(t *testing.T) string { return iss.Mint(t, claimsAt(nil)) + "==" }},
		{name: "rule1 line break in signature", token: func(t *testing.T) string {
			s := iss.Mint(t, claimsAt(nil))
			return s[:len(s)-10] + "\n" + s[len(s)-10:]
		}, want: verifier.ReasonTokenInvalid},
		{name: "rule1 standard base64 alphabet rejected", token: literal(b64(rs) + "." + b64(map[string]any{}) + ".ab+/"), want: verifier.ReasonTokenInvalid},
		// Rule 2: typ, alg, crit.
		{name: "rule2 typ absent accepted", token: withHeader(map[string]any{"alg": "RS256"}, nil)},
		{name: "rule2 typ lower case", token: withHeader(map[string]any{"alg": "RS256", "typ": "jwt"}, nil), want: verifier.ReasonTokenInvalid},
		{name: "rule2 typ null is present and not JWT", token: withHeader(map[string]any{"alg": "RS256", "typ": nil}, nil), want: verifier.ReasonTokenInvalid},
		{name: "rule2 typ NUL is not JWT", token: withHeader(map[string]any{"alg": "RS256", "typ": "\x00"}, nil), want: verifier.ReasonTokenInvalid},
		{name: "rule2 typ empty is not JWT", token: withHeader(map[string]any{"alg": "RS256", "typ": ""}, nil), want: verifier.ReasonTokenInvalid},
		{name: "rule2 alg none unsigned", token: literal(b64(map[string]any{"alg": "none", "typ": "JWT"}) + "." + b64(claimsAt(map[string]any{"iss": iss.URL, "sub": "user_x"})) + "."), want: verifier.ReasonInvalidAlgorithm},
		{name: "rule2 alg missing", token: withHeader(map[string]any{"typ": "JWT"}, nil), want: verifier.ReasonInvalidAlgorithm},
		{name: "rule2 alg HS256 keyed with the public key", token: literal(hs256(map[string]any{"alg": "HS256", "typ": "JWT"},
			claimsAt(map[string]any{"iss": iss.URL, "sub": "user_x"}), []byte(iss.PublicKeyPEM()))), want: verifier.ReasonInvalidAlgorithm},
		{name: "rule2 alg ES256", token: withHeader(map[string]any{"alg": "ES256"}, nil), want: verifier.ReasonInvalidAlgorithm},
		{name: "rule2 alg PS256", token: withHeader(map[string]any{"alg": "PS256"}, nil), want: verifier.ReasonInvalidAlgorithm},
		{name: "rule2 alg rs256 lower case", token: withHeader(map[string]any{"alg": "rs256"}, nil), want: verifier.ReasonInvalidAlgorithm},
		{name: "rule2 RS512 against an RS256 inline key", token: withHeader(map[string]any{"alg": "RS512", "typ": "JWT"}, nil), want: verifier.ReasonInvalidAlgorithm},
		{name: "rule2 crit header", token: withHeader(map[string]any{"alg": "RS256", "crit": []string{"exp"}, "exp": 1}, nil), want: verifier.ReasonTokenInvalid},
		{name: "rule2 crit null is still crit", token: withHeader(map[string]any{"alg": "RS256", "crit": nil}, nil), want: verifier.ReasonTokenInvalid},
		{name: "order typ before alg", token: withHeader(map[string]any{"alg": "none", "typ": "at+jwt"}, nil), want: verifier.ReasonTokenInvalid},
		{name: "order alg before crit", token: withHeader(map[string]any{"alg": "HS256", "crit": []string{"b64"}}, nil), want: verifier.ReasonInvalidAlgorithm},
		{name: "order rule1 before rule2", token: literal(b64(map[string]any{"alg": "none"}) + ".e30"), want: verifier.ReasonTokenInvalid},
		// Rule 4: the signature, before any claim.
		{name: "rule4 payload tampered after signing", token: func(t *testing.T) string {
			return tamperPayload(iss.Mint(t, claimsAt(nil)), claimsAt(map[string]any{"iss": iss.URL, "sub": "user_admin"}))
		}, want: verifier.ReasonInvalidSignature},
		{name: "rule4 signed with another key", token: func(t *testing.T) string {
			return verifiertest.Sign(t, other, rs, claimsAt(map[string]any{"iss": iss.URL, "sub": "user_x"}), "RS256")
		}, want: verifier.ReasonInvalidSignature},
		{name: "rule4 empty signature", token: func(t *testing.T) string {
			s := iss.Mint(t, claimsAt(nil))
			return s[:strings.LastIndexByte(s, '.')+1]
		}, want: verifier.ReasonInvalidSignature},
		{name: "order signature before expiry", token: func(t *testing.T) string {
			return tamperPayload(iss.Mint(t, claimsAt(nil)), claimsAt(map[string]any{"iss": iss.URL, "sub": "u", "exp": n - 3600}))
		}, want: verifier.ReasonInvalidSignature},
		{name: "order signature before claim types", token: func(t *testing.T) string {
			return tamperPayload(iss.Mint(t, claimsAt(nil)), claimsAt(map[string]any{"iss": iss.URL, "sub": "u", "exp": "soon"}))
		}, want: verifier.ReasonInvalidSignature},
		{name: "rule6 signed claim of the wrong type", token: mint(map[string]any{"exp": "soon"}), want: verifier.ReasonTokenInvalid},
		{name: "rule6 signed fractional exp", token: mint(map[string]any{"exp": float64(n) + 60.5}), want: verifier.ReasonTokenInvalid},
		// Rule 6: exp (required), nbf, iat with the 5 s skew; sub.
		{name: "rule6 exp missing", token: mint(map[string]any{"exp": nil}), want: verifier.ReasonTokenInvalid},
		{name: "rule6 exp zero", token: mint(map[string]any{"exp": 0}), want: verifier.ReasonExpired},
		{name: "rule6 exp null is not an integer", token: mint(map[string]any{"exp": json.RawMessage("null")}), want: verifier.ReasonTokenInvalid},
		{name: "rule6 exp exactly now minus skew", token: mint(map[string]any{"exp": n - 5}), want: verifier.ReasonExpired},
		{name: "rule6 exp one second after now minus skew", token: mint(map[string]any{"exp": n - 4})},
		{name: "rule6 nbf exactly now plus skew", token: mint(map[string]any{"nbf": n + 5})},
		{name: "rule6 nbf one second over", token: mint(map[string]any{"nbf": n + 6}), want: verifier.ReasonNotActiveYet},
		{name: "rule6 nbf absent", token: mint(map[string]any{"nbf": nil})},
		{name: "rule6 iat exactly now plus skew", token: mint(map[string]any{"iat": n + 5})},
		{name: "rule6 iat one second over", token: mint(map[string]any{"iat": n + 6}), want: verifier.ReasonIatInFuture},
		{name: "rule6 iat absent", token: mint(map[string]any{"iat": nil})},
		{name: "rule6 sub missing", token: mint(map[string]any{"sub": nil}), want: verifier.ReasonTokenInvalid},
		{name: "rule6 sub empty", token: mint(map[string]any{"sub": ""}), want: verifier.ReasonTokenInvalid},
		{name: "rule6 sub in another case is not sub", token: mint(map[string]any{"sub": nil, "SUB": "user_x"}), want: verifier.ReasonTokenInvalid},
		{name: "order exp before nbf", token: mint(map[string]any{"exp": n - 100, "nbf": n + 100}), want: verifier.ReasonExpired},
		{name: "order nbf before iat", token: mint(map[string]any{"nbf": n + 100, "iat": n + 100}), want: verifier.ReasonNotActiveYet},
		{name: "order expiry before sub", token: mint(map[string]any{"exp": n - 100, "sub": nil}), want: verifier.ReasonExpired},
		{name: "order expiry before issuer", token: mint(map[string]any{"exp": n - 100, "iss": "https://clerkevil.com"}), want: verifier.ReasonExpired},
		{name: "order sub before issuer", token: mint(map[string]any{"sub": nil, "iss": "https://clerkevil.com"}), want: verifier.ReasonTokenInvalid},
		// Rule 8: issuer shape.
		{name: "rule8 iss missing", token: mint(map[string]any{"iss": nil}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 lookalike clerkevil.com", token: mint(map[string]any{"iss": "https://clerkevil.com"}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 http scheme", token: mint(map[string]any{"iss": "http://clerk.x"}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 http clerk domain", token: mint(map[string]any{"iss": "http://clerk.example.com"}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 upper case host", token: mint(map[string]any{"iss": "https://Clerk.example.com"}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 clerk label not first", token: mint(map[string]any{"iss": "https://evil.com/clerk.example.com"}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 user info", token: mint(map[string]any{"iss": "https://clerk.example.com@evil.com"}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 port", token: mint(map[string]any{"iss": "https://clerk.example.com:8443"}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 path", token: mint(map[string]any{"iss": "https://clerk.example.com/x"}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 clerk plus one label", token: mint(map[string]any{"iss": "https://clerk.com"}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 accounts.dev suffix lookalike", token: mint(map[string]any{"iss": "https://foo.clerkaccounts.dev"}), want: verifier.ReasonInvalidIssuer},
		{name: "rule8 clerk.<domain>", token: mint(map[string]any{"iss": "https://clerk.example.com"})},
		{name: "rule8 <slug>.clerk.accounts.dev", token: mint(map[string]any{"iss": "https://happy-cat-12.clerk.accounts.dev"})},
		{name: "order issuer before azp", token: mint(map[string]any{"iss": "https://clerkevil.com", "azp": "https://evil.com"}), parties: []string{"https://app.example.com"}, want: verifier.ReasonInvalidIssuer},
		// Rule 9: authorized party.
		{name: "rule9 azp in list", token: mint(map[string]any{"azp": "https://app.example.com"}), parties: []string{"https://x.com", "https://app.example.com"}},
		{name: "rule9 azp not in list", token: mint(map[string]any{"azp": "https://a.com"}), parties: []string{"https://b.com"}, want: verifier.ReasonUnauthorizedParty},
		{name: "rule9 azp missing with a list", token: mint(nil), parties: []string{"https://b.com"}, want: verifier.ReasonUnauthorizedParty},
		{name: "rule9 azp empty with a list", token: mint(map[string]any{"azp": ""}), parties: []string{"https://b.com"}, want: verifier.ReasonUnauthorizedParty},
		{name: "rule9 azp differs in case", token: mint(map[string]any{"azp": "https://B.com"}), parties: []string{"https://b.com"}, want: verifier.ReasonUnauthorizedParty},
		{name: "rule9 no list accepts any azp", token: mint(map[string]any{"azp": "https://anything.example"})},
	}
	runVerifyCases(t, v, tests)
}

func TestVerifyTimeRulesSubSecondClockAndExtremes(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := inlineVerifier(t, iss, func(c *verifier.Config) {
		c.Now = func() time.Time { return fixedNow.Add(500 * time.Millisecond) }
	})
	n := fixedNow.Unix()
	mint := func(extra map[string]any) func(*testing.T) string {
		return func(t *testing.T) string { return iss.Mint(t, claimsAt(extra)) }
	}
	tests := []verifyCase{
		{name: "rule6 exp half a second before now minus skew", token: mint(map[string]any{"exp": n - 5}), want: verifier.ReasonExpired},
		{name: "rule6 exp half a second after now minus skew", token: mint(map[string]any{"exp": n - 4})},
		{name: "rule6 nbf half a second before now plus skew", token: mint(map[string]any{"nbf": n + 5})},
		{name: "rule6 nbf half a second after now plus skew", token: mint(map[string]any{"nbf": n + 6}), want: verifier.ReasonNotActiveYet},
		{name: "rule6 iat half a second after now plus skew", token: mint(map[string]any{"iat": n + 6}), want: verifier.ReasonIatInFuture},
		{name: "rule6 exp max int64", token: mint(map[string]any{"exp": int64(math.MaxInt64)})},
		{name: "rule6 exp min int64", token: mint(map[string]any{"exp": int64(math.MinInt64)}), want: verifier.ReasonExpired},
		{name: "rule6 exp negative", token: mint(map[string]any{"exp": -1}), want: verifier.ReasonExpired},
		{name: "rule6 nbf max int64", token: mint(map[string]any{"nbf": int64(math.MaxInt64)}), want: verifier.ReasonNotActiveYet},
		{name: "rule6 iat max int64", token: mint(map[string]any{"iat": int64(math.MaxInt64)}), want: verifier.ReasonIatInFuture},
		{name: "rule6 exp beyond int64", token: mint(map[string]any{"exp": json.Number("9223372036854775808")}), want: verifier.ReasonTokenInvalid},
	}
	runVerifyCases(t, v, tests)
}
