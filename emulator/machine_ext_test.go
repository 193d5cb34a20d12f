package emulator_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/authsvc/authsvc/emulator"
	"github.com/authsvc/authsvc/verifier"
)

// TestAPIKeyLifecycle: create, verify, revoke, then verify answers 404, as
// Clerk does for a revoked key; an expired key is 404 too.
func TestAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	k := f.object(http.MethodPost, "/v1/api_keys", map[string]any{"name": "ci", "subject": emulator.SeedUserAlice, "scopes": []string{"read"}, "claims": map[string]any{"env": "ci"}}, 200)
	secret := k["secret"].(string)
	got := f.object(http.MethodPost, "/v1/api_keys/verify", map[string]any{"secret": secret}, 200)
	if got["object"] != "api_key" || got["subject"] != emulator.SeedUserAlice || got["id"] != k["id"] || got["secret"] != nil {
		t.Fatalf("verify = %v", got)
	}
	rev := f.object(http.MethodPost, "/v1/api_keys/"+k["id"].(string)+"/revoke", map[string]any{"revocation_reason": "leaked"}, 200)
	if rev["revoked"] != true || rev["revocation_reason"] != "leaked" {
		t.Fatalf("revoke = %v", rev)
	}
	f.apiError(http.MethodPost, "/v1/api_keys/verify", map[string]any{"secret": secret}, 404, "resource_not_found")
	f.apiError(http.MethodPost, "/v1/api_keys/ak_nope/revoke", nil, 404, "resource_not_found")
	f.apiError(http.MethodPost, "/v1/api_keys", map[string]any{"name": "x", "subject": "mch_1"}, 422, "form_param_value_invalid")
	f.apiError(http.MethodPost, "/v1/api_keys", map[string]any{"subject": emulator.SeedUserAlice}, 422, "form_param_missing")
	short := f.object(http.MethodPost, "/v1/api_keys", map[string]any{"name": "short", "subject": emulator.SeedOrgAcme, "seconds_until_expiration": 60}, 200)
	f.advance(time.Minute)
	f.apiError(http.MethodPost, "/v1/api_keys/verify", map[string]any{"secret": short["secret"]}, 404, "resource_not_found")
}

// TestM2MTokens: opaque tokens verify until revoked; an API key's secret is
// not an M2M token; JWT tokens carry the M2M category and verify with the
// emulator's key on the verifier's machine path.
func TestM2MTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	o := f.object(http.MethodPost, "/v1/m2m_tokens", map[string]any{"seconds_until_expiration": 600, "claims": map[string]any{"team": "billing"}}, 200)
	tok := o["token"].(string)
	if verifier.OpaqueKind(tok) != verifier.KindM2M || o["subject"] != emulator.EmulatorMachineID {
		t.Fatalf("create = %v", o)
	}
	f.object(http.MethodPost, "/v1/m2m_tokens/verify", map[string]any{"token": tok}, 200)
	k := f.object(http.MethodPost, "/v1/api_keys", map[string]any{"name": "ci", "subject": emulator.SeedUserAlice}, 200)
	f.apiError(http.MethodPost, "/v1/m2m_tokens/verify", map[string]any{"token": k["secret"]}, 404, "resource_not_found")
	f.object(http.MethodPost, "/v1/m2m_tokens/"+o["id"].(string)+"/revoke", nil, 200)
	f.apiError(http.MethodPost, "/v1/m2m_tokens/verify", map[string]any{"token": tok}, 404, "resource_not_found")
	f.apiError(http.MethodPost, "/v1/m2m_tokens", map[string]any{"token_format": "jwt"}, 422, "form_param_value_invalid")
	f.apiError(http.MethodPost, "/v1/m2m_tokens", map[string]any{"token_format": "pem"}, 422, "form_param_value_invalid")

	j := f.object(http.MethodPost, "/v1/m2m_tokens", map[string]any{"seconds_until_expiration": 600, "token_format": "jwt"}, 200)
	v, err := verifier.New(verifier.Config{JWTKey: f.emu.PublicKeyPEM(), Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.VerifyToken(context.Background(), j["token"].(string), verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindM2M}})
	if err != nil || res.Machine.Subject != emulator.EmulatorMachineID || res.Machine.ID != j["id"] {
		t.Fatalf("jwt m2m: %+v, %v", res, err)
	}
	if _, err := v.Verify(context.Background(), j["token"].(string)); verifier.ReasonOf(err) != verifier.ReasonTokenTypeMismatch {
		t.Fatalf("jwt m2m as a session token: %v, want token-type-mismatch", err)
	}
}

// TestOAuthAccessTokens: the helper's opaque tokens verify at Clerk's path
// and its at+jwt tokens on the verifier's OAuth path.
func TestOAuthAccessTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	opaque, err := f.emu.MintOAuthAccessToken(emulator.SeedUserAlice, "client_1", []string{"email"}, time.Minute, false)
	if err != nil {
		t.Fatal(err)
	}
	got := f.object(http.MethodPost, "/v1/oauth_applications/access_tokens/verify", map[string]any{"access_token": opaque}, 200)
	if got["client_id"] != "client_1" || got["subject"] != emulator.SeedUserAlice {
		t.Fatalf("verify = %v", got)
	}
	jwt, err := f.emu.MintOAuthAccessToken(emulator.SeedUserAlice, "client_1", []string{"email", "profile"}, time.Minute, true)
	if err != nil {
		t.Fatal(err)
	}
	v, err := verifier.New(verifier.Config{JWTKey: f.emu.PublicKeyPEM(), Issuers: []string{f.emu.Issuer()}, Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.VerifyToken(context.Background(), jwt, verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindOAuth}})
	if err != nil || res.Kind != verifier.KindOAuth || len(res.Machine.Scopes) != 2 || res.Machine.ClientID != "client_1" {
		t.Fatalf("oauth jwt: %+v, %v", res, err)
	}
	f.advance(2 * time.Minute)
	f.apiError(http.MethodPost, "/v1/oauth_applications/access_tokens/verify", map[string]any{"access_token": opaque}, 404, "resource_not_found")
}
