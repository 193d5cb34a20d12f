package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

func TestSignInTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	st := f.object(http.MethodPost, "/v1/sign_in_tokens", map[string]any{"user_id": emulator.SeedUserAlice, "expires_in_seconds": 600}, 200)
	want := []string{"created_at", "id", "object", "status", "token", "updated_at", "url", "user_id"}
	if diff := cmp.Diff(want, keys(st)); diff != "" {
		t.Fatalf("keys (-want +got):\n%s", diff)
	}
	tok := st["token"].(string)
	if !strings.HasPrefix(st["id"].(string), "sit_") || st["status"] != "pending" || strings.Count(tok, ".") != 0 ||
		!strings.Contains(st["url"].(string), tok) {
		t.Fatalf("sign-in token %v", st)
	}
	// A sign-in ticket is not a session token.
	f.apiError(http.MethodPost, "/v1/clients/verify", map[string]any{"token": tok}, 400, "token_invalid")
	rev := f.object(http.MethodPost, "/v1/sign_in_tokens/"+st["id"].(string)+"/revoke", nil, 200)
	if rev["status"] != "revoked" {
		t.Fatalf("revoke %v", rev)
	}
	f.apiError(http.MethodPost, "/v1/sign_in_tokens/"+st["id"].(string)+"/revoke", nil, 400, "sign_in_token_not_pending")
	f.apiError(http.MethodPost, "/v1/sign_in_tokens/sit_nope/revoke", nil, 404, "resource_not_found")
	f.apiError(http.MethodPost, "/v1/sign_in_tokens", map[string]any{"user_id": "user_nope"}, 404, "resource_not_found")
	f.apiError(http.MethodPost, "/v1/sign_in_tokens", map[string]any{"user_id": emulator.SeedUserAlice, "expires_in_seconds": 0}, 422, "form_param_value_invalid")
}
