package emulator_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

// servedKey fetches the JWKS from path and returns its single RSA key.
func servedKey(t *testing.T, f *fixture, path, auth string) (string, *rsa.PublicKey) {
	t.Helper()
	status, raw := f.requestAuth(http.MethodGet, path, nil, auth)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, status, raw)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("JWKS %s: %v %s", path, err, raw)
	}
	k := set.Keys[0]
	if diff := cmp.Diff([]string{"alg", "e", "kid", "kty", "n", "use"}, sortedKeys(k)); diff != "" {
		t.Fatalf("JWK keys (-want +got):\n%s", diff)
	}
	if k["alg"] != "RS256" || k["use"] != "sig" || k["kty"] != "RSA" {
		t.Fatalf("JWK %v", k)
	}
	n, errN := base64.RawURLEncoding.DecodeString(k["n"])
	e, errE := base64.RawURLEncoding.DecodeString(k["e"])
	if errN != nil || errE != nil {
		t.Fatalf("JWK n/e not base64url: %v %v", errN, errE)
	}
	return k["kid"], &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
}

func sortedKeys(m map[string]string) []string {
	a := make(map[string]any, len(m))
	for k := range m {
		a[k] = nil
	}
	return keys(a)
}

// verifyRS256 checks token's signature with pub using only crypto/rsa and
// returns its header and claims.
func verifyRS256(t *testing.T, token string, pub *rsa.PublicKey) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatalf("signature: %v", err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		t.Fatalf("signature does not verify with the served key: %v", err)
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
	}
	return header, claims
}

func TestJWKSServedTwiceSameKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	kid1, k1 := servedKey(t, f, "/v1/jwks", "Bearer "+f.emu.SecretKey())
	kid2, k2 := servedKey(t, f, "/.well-known/jwks.json", "")
	if kid1 != f.emu.KeyID() || kid2 != kid1 || !k1.Equal(k2) {
		t.Fatalf("the two JWKS differ: %s %s", kid1, kid2)
	}
}

func TestMintedTokenVerifiesWithServedJWKS(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	kid, pub := servedKey(t, f, "/v1/jwks", "Bearer "+f.emu.SecretKey())
	now := t0.Unix()
	tests := []struct {
		name       string
		user       string
		party      string
		ttl        time.Duration
		wantClaims func(sid string) map[string]any
	}{
		{name: "admin of acme: v1 org claims, default ttl", user: emulator.SeedUserAlice,
			wantClaims: func(sid string) map[string]any {
				return map[string]any{"iss": emulator.DefaultIssuer, "sub": emulator.SeedUserAlice, "sid": sid,
					"iat": float64(now), "nbf": float64(now - 10), "exp": float64(now + 60),
					"org_id": emulator.SeedOrgAcme, "org_slug": "acme", "org_role": "org:admin",
					"org_permissions": []any{"org:sys_domains:manage", "org:sys_domains:read",
						"org:sys_memberships:manage", "org:sys_memberships:read", "org:sys_profile:delete",
						"org:sys_profile:manage"}}
			}},
		{name: "member of acme, explicit ttl", user: emulator.SeedUserBob, ttl: 5 * time.Minute,
			wantClaims: func(sid string) map[string]any {
				return map[string]any{"iss": emulator.DefaultIssuer, "sub": emulator.SeedUserBob, "sid": sid,
					"iat": float64(now), "nbf": float64(now - 10), "exp": float64(now + 300),
					"org_id": emulator.SeedOrgAcme, "org_slug": "acme", "org_role": "org:member",
					"org_permissions": []any{"org:sys_memberships:read"}}
			}},
		{name: "no membership: no org claims; azp when given", user: emulator.SeedUserCarol,
			party: "http://localhost:3000",
			wantClaims: func(sid string) map[string]any {
				return map[string]any{"iss": emulator.DefaultIssuer, "sub": emulator.SeedUserCarol, "sid": sid,
					"iat": float64(now), "nbf": float64(now - 10), "exp": float64(now + 60),
					"azp": "http://localhost:3000"}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.with(t)
			sid, err := f.emu.CreateSessionWithParty(tt.user, tt.party)
			if err != nil {
				t.Fatalf("CreateSession: %v", err)
			}
			token, err := f.emu.MintSessionToken(sid, tt.ttl)
			if err != nil {
				t.Fatalf("MintSessionToken: %v", err)
			}
			header, claims := verifyRS256(t, token, pub)
			if diff := cmp.Diff(map[string]any{"alg": "RS256", "typ": "JWT", "kid": kid}, header); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantClaims(sid), claims); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTokenEndpointAndTemplates(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	_, pub := servedKey(t, f, "/v1/jwks", "Bearer "+f.emu.SecretKey())
	sid := f.object(http.MethodPost, "/v1/sessions", map[string]any{"user_id": emulator.SeedUserAlice}, 200)["id"].(string)
	for _, path := range []string{"/tokens", "/tokens/my-template"} {
		tok := f.object(http.MethodPost, "/v1/sessions/"+sid+path, nil, http.StatusOK)
		if diff := cmp.Diff([]string{"jwt", "object"}, keys(tok)); diff != "" || tok["object"] != "token" {
			t.Fatalf("%s: token shape (-want +got):\n%s", path, diff)
		}
		_, claims := verifyRS256(t, tok["jwt"].(string), pub)
		if claims["sid"] != sid || claims["sub"] != emulator.SeedUserAlice {
			t.Fatalf("%s: claims %v", path, claims)
		}
	}
	tok := f.object(http.MethodPost, "/v1/sessions/"+sid+"/tokens", map[string]any{"expires_in_seconds": 120}, 200)
	if _, claims := verifyRS256(t, tok["jwt"].(string), pub); claims["exp"] != float64(t0.Unix()+120) {
		t.Fatalf("expires_in_seconds ignored: exp %v", claims["exp"])
	}
	f.apiError(http.MethodPost, "/v1/sessions/"+sid+"/tokens", map[string]any{"expires_in_seconds": 5}, 422,
		"form_param_value_invalid")
	f.apiError(http.MethodPost, "/v1/sessions/sess_unknown/tokens", nil, 404, "resource_not_found")
}

func TestRevokedSessionCannotMint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	sid, err := f.emu.CreateSession(emulator.SeedUserAlice)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.emu.MintSessionToken(sid, 0); err != nil {
		t.Fatalf("active session: %v", err)
	}
	revoked := f.object(http.MethodPost, "/v1/sessions/"+sid+"/revoke", nil, http.StatusOK)
	if revoked["status"] != "revoked" {
		t.Fatalf("status after revoke: %v", revoked["status"])
	}
	tok, err := f.emu.MintSessionToken(sid, 0)
	if !errors.Is(err, emulator.ErrRejected) || tok != "" {
		t.Fatalf("MintSessionToken after revoke: %q, %v; want ErrRejected", tok, err)
	}
	ce := f.apiError(http.MethodPost, "/v1/sessions/"+sid+"/tokens", nil, http.StatusBadRequest, "session_not_active")
	if ce.Errors[0].Meta["session_id"] != sid {
		t.Fatalf("meta.session_id = %v", ce.Errors[0].Meta["session_id"])
	}
	f.apiError(http.MethodPost, "/v1/sessions/"+sid+"/revoke", nil, http.StatusBadRequest, "session_not_active")
}

func TestGoAPIErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	tests := []struct {
		name    string
		run     func() error
		wantErr error
	}{
		{name: "session for unknown user", wantErr: emulator.ErrNotFound,
			run: func() error { _, err := f.emu.CreateSession("user_nope"); return err }},
		{name: "mint for unknown session", wantErr: emulator.ErrNotFound,
			run: func() error { _, err := f.emu.MintSessionToken("sess_nope", 0); return err }},
		{name: "negative ttl", wantErr: emulator.ErrRejected,
			run: func() error { _, err := f.emu.MintSessionToken("sess_nope", -time.Second); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.run(); !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestExpiredSessionCannotMint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	sid, err := f.emu.CreateSession(emulator.SeedUserBob)
	if err != nil {
		t.Fatal(err)
	}
	f.advance(8 * 24 * time.Hour)
	if _, err := f.emu.MintSessionToken(sid, 0); !errors.Is(err, emulator.ErrRejected) {
		t.Fatalf("mint on an expired session: %v", err)
	}
	if got := f.object(http.MethodGet, "/v1/sessions/"+sid, nil, 200)["status"]; got != "expired" {
		t.Fatalf("status %v, want expired", got)
	}
}
