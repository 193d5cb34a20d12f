package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

func TestOrganizationInvitations(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	base := "/v1/organizations/acme/invitations"
	inv := f.object(http.MethodPost, base, map[string]any{"email_address": "new@example.com", "role": "org:member",
		"inviter_user_id": emulator.SeedUserAlice}, 200)
	wantKeys := []string{"created_at", "email_address", "id", "object", "organization_id",
		"private_metadata", "public_metadata", "role", "status", "updated_at"}
	if diff := cmp.Diff(wantKeys, keys(inv)); diff != "" {
		t.Fatalf("invitation keys (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(inv["id"].(string), "orginv_") || inv["status"] != "pending" || inv["organization_id"] != emulator.SeedOrgAcme {
		t.Fatalf("invitation %v", inv)
	}
	// Clerk's Organization carries no pending_invitations_count (the contract
	// suite holds the emulator to it); the pending list below counts them.
	pending := f.object(http.MethodGet, base+"/pending", nil, 200)
	if pending["total_count"] != float64(1) {
		t.Fatalf("pending %v", pending)
	}
	tests := []struct {
		name       string
		body       map[string]any
		wantStatus int
		wantCode   string
	}{
		{name: "duplicate pending", body: map[string]any{"email_address": "NEW@example.com", "role": "org:member"}, wantStatus: 422, wantCode: "duplicate_record"},
		{name: "already a member", body: map[string]any{"email_address": "bob@example.com", "role": "org:member"}, wantStatus: 400, wantCode: "already_a_member_in_organization"},
		{name: "bad email", body: map[string]any{"email_address": "nope", "role": "org:member"}, wantStatus: 422, wantCode: "form_param_format_invalid"},
		{name: "missing role", body: map[string]any{"email_address": "r@example.com"}, wantStatus: 422, wantCode: "form_param_missing"},
		{name: "unknown inviter", body: map[string]any{"email_address": "r@example.com", "role": "x", "inviter_user_id": "user_nope"}, wantStatus: 422, wantCode: "form_param_value_invalid"},
	}
	// The group returns only when its parallel rows are done, before the
	// revocation below changes the state they test.
	t.Run("rejects", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				f := f.with(t)
				f.apiError(http.MethodPost, base, tt.body, tt.wantStatus, tt.wantCode)
			})
		}
	})
	revoked := f.object(http.MethodPost, base+"/"+inv["id"].(string)+"/revoke", map[string]any{"requesting_user_id": emulator.SeedUserAlice}, 200)
	if revoked["status"] != "revoked" {
		t.Fatalf("revoke %v", revoked)
	}
	f.apiError(http.MethodPost, base+"/"+inv["id"].(string)+"/revoke", nil, 400, "organization_invitation_not_pending")
	f.apiError(http.MethodPost, base+"/orginv_nope/revoke", nil, 404, "resource_not_found")
	if got := f.object(http.MethodGet, base+"/pending", nil, 200)["total_count"]; got != float64(0) {
		t.Fatalf("pending after revoke %v", got)
	}
	if got := f.object(http.MethodGet, base+"?status=revoked", nil, 200)["total_count"]; got != float64(1) {
		t.Fatalf("revoked list %v", got)
	}
}
