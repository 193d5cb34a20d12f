package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInvitations(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	inv := f.object(http.MethodPost, "/v1/invitations", map[string]any{"email_address": "guest@example.com",
		"redirect_url": "https://app.example.com/welcome", "public_metadata": map[string]any{"k": "v"}, "notify": false}, 200)
	want := []string{"created_at", "email_address", "id", "object", "public_metadata", "revoked", "status", "updated_at", "url"}
	if diff := cmp.Diff(want, keys(inv)); diff != "" {
		t.Fatalf("invitation keys (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(inv["id"].(string), "inv_") || inv["status"] != "pending" || inv["revoked"] != false {
		t.Fatalf("invitation %v", inv)
	}
	f.apiError(http.MethodPost, "/v1/invitations", map[string]any{"email_address": "guest@example.com"}, 422, "duplicate_record")
	f.object(http.MethodPost, "/v1/invitations", map[string]any{"email_address": "guest@example.com", "ignore_existing": true}, 200)
	f.apiError(http.MethodPost, "/v1/invitations", map[string]any{"email_address": "alice@example.com"}, 422, "form_identifier_exists")
	f.apiError(http.MethodPost, "/v1/invitations", map[string]any{"email_address": "bad"}, 422, "form_param_format_invalid")
	f.apiError(http.MethodPost, "/v1/invitations", map[string]any{}, 422, "form_param_missing")
	rev := f.object(http.MethodPost, "/v1/invitations/"+inv["id"].(string)+"/revoke", nil, 200)
	if rev["revoked"] != true || rev["status"] != "revoked" {
		t.Fatalf("revoked %v", rev)
	}
	f.apiError(http.MethodPost, "/v1/invitations/"+inv["id"].(string)+"/revoke", nil, 400, "invitation_not_pending")
	f.apiError(http.MethodPost, "/v1/invitations/inv_nope/revoke", nil, 404, "resource_not_found")
	if got := len(f.array("/v1/invitations")); got != 2 {
		t.Fatalf("%d invitations", got)
	}
	if got := ids(f.array("/v1/invitations?status=revoked")); len(got) != 1 || got[0] != inv["id"] {
		t.Fatalf("revoked filter %v", got)
	}
}
