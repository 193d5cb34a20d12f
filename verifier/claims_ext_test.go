package verifier_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

func TestVerifyDecodesClaims(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := inlineVerifier(t, iss, nil)
	n := fixedNow.Unix()
	tests := []struct {
		name  string
		extra map[string]any
		want  verifier.Claims
	}{
		{
			name: "v1 org claims and actor",
			extra: map[string]any{
				"azp": "https://app.example.com", "org_id": "org_1", "org_slug": "acme", "org_role": "org:admin",
				"org_permissions": []string{"org:sys_profile:read"}, "act": map[string]any{"sub": "user_admin"},
			},
			want: verifier.Claims{
				SessionID: "sess_test", UserID: "user_test", AuthorizedParty: "https://app.example.com",
				Issuer: verifiertest.DefaultURL, IssuedAt: n - 5, HasIssuedAt: true, NotBefore: n - 10, ExpiresAt: n + 60,
				OrgID: "org_1", OrgSlug: "acme", OrgRole: "org:admin", OrgPermissions: []string{"org:sys_profile:read"},
				Version: 1, Actor: json.RawMessage(`{"sub":"user_admin"}`),
			},
		},
		{
			name: "v2 compact org claim with the feature permission bitmap",
			extra: map[string]any{
				"v": 2, "iat": nil, "fea": "o:reports,u:billing,o:members",
				"o": map[string]any{"id": "org_2", "slg": "beta", "rol": "admin", "per": "read,manage", "fpm": "3,1"},
			},
			want: verifier.Claims{
				SessionID: "sess_test", UserID: "user_test", Issuer: verifiertest.DefaultURL,
				NotBefore: n - 10, ExpiresAt: n + 60, OrgID: "org_2", OrgSlug: "beta", OrgRole: "org:admin",
				OrgPermissions: []string{"org:reports:read", "org:reports:manage", "org:members:read"}, Version: 2,
				Features: []string{"o:reports", "u:billing", "o:members"},
			},
		},
		{
			name: "current claims: sts, aud, fea, pla, fva",
			extra: map[string]any{
				"v": 2, "sts": "active", "aud": []string{"https://api.example.com", "x"}, "fea": " u:a, ,o:b ",
				"pla": "u:free,o:pro", "fva": []int{7, -1},
			},
			want: verifier.Claims{
				SessionID: "sess_test", UserID: "user_test", Issuer: verifiertest.DefaultURL,
				IssuedAt: n - 5, HasIssuedAt: true, NotBefore: n - 10, ExpiresAt: n + 60, Version: 2,
				SessionStatus: "active", Audience: []string{"https://api.example.com", "x"},
				Features: []string{"u:a", "o:b"}, Plans: []string{"u:free", "o:pro"},
				Reverification: &verifier.FactorVerificationAge{FirstFactorMinutes: 7, SecondFactorMinutes: -1},
			},
		},
		{
			name:  "aud as a string is one audience",
			extra: map[string]any{"aud": "https://api.example.com", "fva": []int{0, 0}},
			want: verifier.Claims{
				SessionID: "sess_test", UserID: "user_test", Issuer: verifiertest.DefaultURL,
				IssuedAt: n - 5, HasIssuedAt: true, NotBefore: n - 10, ExpiresAt: n + 60, Version: 1,
				Audience: []string{"https://api.example.com"}, Reverification: &verifier.FactorVerificationAge{},
			},
		},
		{
			name:  "v2 without an org ignores v1 org claims",
			extra: map[string]any{"v": 2, "org_id": "org_v1"},
			want: verifier.Claims{
				SessionID: "sess_test", UserID: "user_test", Issuer: verifiertest.DefaultURL,
				IssuedAt: n - 5, HasIssuedAt: true, NotBefore: n - 10, ExpiresAt: n + 60, Version: 2,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := iss.Mint(t, claimsAt(tt.extra))
			got, err := v.Verify(context.Background(), token)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got, cmpopts.IgnoreFields(verifier.Claims{}, "Raw")); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			var raw map[string]any
			if err := json.Unmarshal(got.Raw, &raw); err != nil || raw["sub"] != "user_test" {
				t.Errorf("Raw = %s (%v), want the signed payload", got.Raw, err)
			}
		})
	}
}

func TestVerifyNeverFollowsHeaderKeyURLs(t *testing.T) {
	t.Parallel()
	trap := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("the verifier fetched a URL named by the token header")
	}))
	t.Cleanup(trap.Close)
	iss := verifiertest.NewIssuer(t)
	attacker, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	header := func(kid string) map[string]any {
		return map[string]any{
			"alg": "RS256", "typ": "JWT", "kid": kid, "jku": trap.URL + "/jwks", "x5u": trap.URL + "/cert",
			"jwk": verifiertest.JWK(&attacker.PublicKey, kid, "RS256"),
		}
	}
	claims := map[string]any{"iss": iss.URL, "sub": "user_admin"}
	inline := inlineVerifier(t, iss, nil)
	remoteCfg := iss.Config()
	remoteCfg.Now = func() time.Time { return fixedNow }
	remote := mustNew(t, remoteCfg)
	tests := []struct {
		name  string
		v     *verifier.Verifier
		token string
		want  verifier.Reason
	}{
		{"inline key, signed by the real key", inline, iss.MintWithHeader(t, header(iss.KID), claimsAt(nil)), ""},
		{"inline key, signed by the key in the jwk header", inline, verifiertest.Sign(t, attacker, header(iss.KID), claimsAt(claims), "RS256"), verifier.ReasonInvalidSignature},
		{"jwks, signed by the real key", remote, iss.MintWithHeader(t, header(iss.KID), claimsAt(nil)), ""},
		{"jwks, signed by the key in the jwk header", remote, verifiertest.Sign(t, attacker, header(iss.KID), claimsAt(claims), "RS256"), verifier.ReasonInvalidSignature},
		{"jwks, attacker kid", remote, verifiertest.Sign(t, attacker, header("attacker"), claimsAt(claims), "RS256"), verifier.ReasonKidMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.v.Verify(context.Background(), tt.token)
			wantReason(t, err, tt.want)
		})
	}
}

func TestVerifyIssuerAndPartyConfig(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := inlineVerifier(t, iss, func(c *verifier.Config) {
		c.Issuers = []string{"https://auth.example.com", iss.URL}
		c.AuthorizedParties = []string{"https://app.example.com"}
	})
	tests := []verifyCase{
		{name: "configured issuer, any host shape", token: func(t *testing.T) string {
			return iss.Mint(t, claimsAt(map[string]any{"iss": "https://auth.example.com", "azp": "https://app.example.com"}))
		}},
		{name: "clerk-shaped issuer not in the configured list", token: func(t *testing.T) string {
			return iss.Mint(t, claimsAt(map[string]any{"iss": "https://clerk.other.example", "azp": "https://app.example.com"}))
		}, want: verifier.ReasonInvalidIssuer},
		{name: "configured issuer with a trailing slash is not exact", token: func(t *testing.T) string {
			return iss.Mint(t, claimsAt(map[string]any{"iss": "https://auth.example.com/", "azp": "https://app.example.com"}))
		}, want: verifier.ReasonInvalidIssuer},
		{name: "configured parties apply by default", token: func(t *testing.T) string {
			return iss.Mint(t, claimsAt(map[string]any{"azp": "https://other.example.com"}))
		}, want: verifier.ReasonUnauthorizedParty},
		{name: "per-call parties replace the configured ones", token: func(t *testing.T) string {
			return iss.Mint(t, claimsAt(map[string]any{"azp": "https://other.example.com"}))
		}, parties: []string{"https://other.example.com"}},
	}
	runVerifyCases(t, v, tests)
}

func TestVerifyWithoutKeySource(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := mustNew(t, verifier.Config{})
	for _, token := range []string{"", "garbage", iss.Mint(t, nil)} {
		_, err := v.Verify(context.Background(), token)
		wantReason(t, err, verifier.ReasonKeyMissing)
		if !errors.Is(err, verifier.ErrKeyMissing) {
			t.Errorf("errors.Is(err, ErrKeyMissing) = false for %v", err)
		}
	}
	if v.Development() {
		t.Error("Development() = true without a secret key")
	}
}

func TestDevelopment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		want bool
	}{
		{"sk_test_abc", true}, {"test_abc", true}, {"sk_live_abc", false}, {"pk_test_abc", false},
		{"SK_TEST_abc", false}, {"", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			v := mustNew(t, verifier.Config{SecretKey: tt.key})
			if got := v.Development(); got != tt.want {
				t.Errorf("Development() = %v, want %v", got, tt.want)
			}
		})
	}
}
