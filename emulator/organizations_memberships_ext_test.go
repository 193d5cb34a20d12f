package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

func TestMemberships(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	base := "/v1/organizations/" + emulator.SeedOrgAcme + "/memberships"
	m := f.object(http.MethodPost, base, map[string]any{"user_id": emulator.SeedUserCarol, "role": "org:member"}, 200)
	wantKeys := []string{"created_at", "id", "object", "organization", "permissions", "private_metadata",
		"public_metadata", "public_user_data", "role", "updated_at"}
	if diff := cmp.Diff(wantKeys, keys(m)); diff != "" {
		t.Fatalf("membership keys (-want +got):\n%s", diff)
	}
	pud := m["public_user_data"].(map[string]any)
	if pud["user_id"] != emulator.SeedUserCarol || pud["identifier"] != "carol@example.com" || pud["first_name"] != "Carol" {
		t.Fatalf("public_user_data %v", pud)
	}
	if !strings.HasPrefix(m["id"].(string), "orgmem_") || m["organization"].(map[string]any)["members_count"] != float64(3) {
		t.Fatalf("membership %v", m)
	}
	sid, _ := f.emu.CreateSession(emulator.SeedUserCarol)
	if c := mintClaims(t, f, sid); c["org_role"] != "org:member" {
		t.Fatalf("claims %v", c)
	}
	up := f.object(http.MethodPatch, base+"/"+emulator.SeedUserCarol, map[string]any{"role": "org:admin"}, 200)
	if up["role"] != "org:admin" || mintClaims(t, f, sid)["org_role"] != "org:admin" {
		t.Fatalf("role update not applied: %v", up["role"])
	}
	md := f.object(http.MethodPatch, base+"/"+emulator.SeedUserCarol+"/metadata",
		map[string]any{"public_metadata": map[string]any{"team": "red"}}, 200)
	if diff := cmp.Diff(map[string]any{"team": "red"}, md["public_metadata"]); diff != "" {
		t.Fatalf("membership metadata (-want +got):\n%s", diff)
	}
	list := f.object(http.MethodGet, base+"?limit=1&offset=2", nil, 200)
	if list["total_count"] != float64(3) || len(list["data"].([]any)) != 1 {
		t.Fatalf("list %v", list)
	}
	del := f.object(http.MethodDelete, base+"/"+emulator.SeedUserCarol, nil, 200)
	if del["object"] != "organization_membership" || del["id"] != m["id"] {
		t.Fatalf("delete returned %v", del)
	}
	if c := mintClaims(t, f, sid); c["org_id"] != nil {
		t.Fatalf("claims after removal %v", c)
	}
	tests := []struct {
		name, method, path string
		body               any
		wantStatus         int
		wantCode           string
	}{
		{name: "already a member", method: http.MethodPost, path: base, body: map[string]any{"user_id": emulator.SeedUserBob, "role": "org:member"},
			wantStatus: 400, wantCode: "already_a_member_in_organization"},
		{name: "missing role", method: http.MethodPost, path: base, body: map[string]any{"user_id": emulator.SeedUserCarol},
			wantStatus: 422, wantCode: "form_param_missing"},
		{name: "missing user", method: http.MethodPost, path: base, body: map[string]any{"role": "org:member"},
			wantStatus: 422, wantCode: "form_param_missing"},
		{name: "unknown user", method: http.MethodPost, path: base, body: map[string]any{"user_id": "user_nope", "role": "org:member"},
			wantStatus: 404, wantCode: "resource_not_found"},
		{name: "unknown organization", method: http.MethodGet, path: "/v1/organizations/nope/memberships",
			wantStatus: 404, wantCode: "resource_not_found"},
		{name: "update non-member", method: http.MethodPatch, path: base + "/" + emulator.SeedUserCarol, body: map[string]any{"role": "x"},
			wantStatus: 404, wantCode: "resource_not_found"},
		{name: "delete non-member", method: http.MethodDelete, path: base + "/" + emulator.SeedUserCarol,
			wantStatus: 404, wantCode: "resource_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.with(t)
			f.apiError(tt.method, tt.path, tt.body, tt.wantStatus, tt.wantCode)
		})
	}
}

func TestMembershipQuota(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	f.object(http.MethodPatch, "/v1/organizations/acme", map[string]any{"max_allowed_memberships": 2}, 200)
	f.apiError(http.MethodPost, "/v1/organizations/acme/memberships",
		map[string]any{"user_id": emulator.SeedUserCarol, "role": "org:member"}, 403, "organization_membership_quota_exceeded")
}

func TestEmptyOptionalIDsCountAsAbsent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	o := f.object(http.MethodPost, "/v1/organizations", map[string]any{"name": "Solo", "created_by": ""}, 200)
	if o["members_count"] != float64(0) || o["created_by"] != "" {
		t.Fatalf("organization %v", o)
	}
	inv := f.object(http.MethodPost, "/v1/organizations/solo/invitations",
		map[string]any{"email_address": "s@example.com", "role": "org:member", "inviter_user_id": ""}, 200)
	if inv["inviter_user_id"] != nil {
		t.Fatalf("inviter_user_id %v", inv["inviter_user_id"])
	}
}
