package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

var orgKeys = []string{"admin_delete_enabled", "created_at", "created_by", "has_image", "id", "image_url",
	"logo_url", "max_allowed_memberships", "members_count", "name", "object", "pending_invitations_count",
	"private_metadata", "public_metadata", "slug", "updated_at"}

func TestCreateOrganization(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	o := f.object(http.MethodPost, "/v1/organizations", map[string]any{"name": "Globex Corp.", "created_by": emulator.SeedUserCarol,
		"public_metadata": map[string]any{"tier": "gold"}}, 200)
	if diff := cmp.Diff(orgKeys, keys(o)); diff != "" {
		t.Fatalf("organization keys (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(o["id"].(string), "org_") || o["slug"] != "globex-corp" || o["members_count"] != float64(1) ||
		o["object"] != "organization" || o["created_by"] != emulator.SeedUserCarol {
		t.Fatalf("organization %v", o)
	}
	m := f.object(http.MethodGet, "/v1/organizations/globex-corp/memberships", nil, 200)
	if m["total_count"] != float64(1) || m["data"].([]any)[0].(map[string]any)["role"] != "org:admin" {
		t.Fatalf("creator membership %v", m)
	}
	tests := []struct {
		name      string
		body      map[string]any
		wantCode  string
		wantParam string
	}{
		{name: "missing name", body: map[string]any{}, wantCode: "form_param_missing", wantParam: "name"},
		{name: "blank name", body: map[string]any{"name": "  "}, wantCode: "form_param_missing", wantParam: "name"},
		{name: "slug taken", body: map[string]any{"name": "x", "slug": "acme"}, wantCode: "form_identifier_exists", wantParam: "slug"},
		{name: "derived slug taken", body: map[string]any{"name": "ACME"}, wantCode: "form_identifier_exists", wantParam: "slug"},
		{name: "bad slug", body: map[string]any{"name": "x", "slug": "Bad Slug"}, wantCode: "form_param_format_invalid", wantParam: "slug"},
		{name: "name without slug characters", body: map[string]any{"name": "!!!"}, wantCode: "form_param_format_invalid", wantParam: "slug"},
		{name: "unknown creator", body: map[string]any{"name": "y", "created_by": "user_nope"}, wantCode: "form_param_value_invalid", wantParam: "created_by"},
		{name: "negative max", body: map[string]any{"name": "z", "max_allowed_memberships": -1}, wantCode: "form_param_value_invalid", wantParam: "max_allowed_memberships"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.with(t)
			ce := f.apiError(http.MethodPost, "/v1/organizations", tt.body, 422, tt.wantCode)
			if ce.Errors[0].Meta["param_name"] != tt.wantParam {
				t.Fatalf("param_name %v", ce.Errors[0].Meta["param_name"])
			}
		})
	}
}

func TestListOrganizationsPaginated(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	for _, n := range []string{"Beta", "Gamma", "Delta"} {
		f.object(http.MethodPost, "/v1/organizations", map[string]any{"name": n}, 200)
	}
	tests := []struct {
		name, query string
		wantSlugs   []string
		wantTotal   float64
	}{
		{name: "all", query: "", wantSlugs: []string{"acme", "beta", "gamma", "delta"}, wantTotal: 4},
		{name: "window", query: "limit=2&offset=1", wantSlugs: []string{"beta", "gamma"}, wantTotal: 4},
		{name: "query", query: "query=ta", wantSlugs: []string{"beta", "delta"}, wantTotal: 2},
		{name: "past the end", query: "offset=9", wantSlugs: []string{}, wantTotal: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.with(t)
			got := f.object(http.MethodGet, "/v1/organizations?"+tt.query, nil, 200)
			if diff := cmp.Diff([]string{"data", "total_count"}, keys(got)); diff != "" {
				t.Fatalf("envelope keys (-want +got):\n%s", diff)
			}
			slugs := []string{}
			for _, o := range got["data"].([]any) {
				slugs = append(slugs, o.(map[string]any)["slug"].(string))
			}
			if diff := cmp.Diff(tt.wantSlugs, slugs); diff != "" || got["total_count"] != tt.wantTotal {
				t.Fatalf("slugs (-want +got):\n%s total %v", diff, got["total_count"])
			}
		})
	}
	f.apiError(http.MethodGet, "/v1/organizations?limit=x", nil, 422, "form_param_format_invalid")
}

func TestGetUpdateDeleteOrganization(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	byID := f.object(http.MethodGet, "/v1/organizations/"+emulator.SeedOrgAcme, nil, 200)
	bySlug := f.object(http.MethodGet, "/v1/organizations/acme", nil, 200)
	if diff := cmp.Diff(byID, bySlug); diff != "" || byID["members_count"] != float64(2) {
		t.Fatalf("by id vs by slug (-id +slug):\n%s", diff)
	}
	f.apiError(http.MethodGet, "/v1/organizations/nope", nil, 404, "resource_not_found")

	up := f.object(http.MethodPatch, "/v1/organizations/acme", map[string]any{"name": "Acme Two", "slug": "acme-two",
		"max_allowed_memberships": 5, "private_metadata": map[string]any{"p": 1}}, 200)
	if up["name"] != "Acme Two" || up["slug"] != "acme-two" || up["max_allowed_memberships"] != float64(5) {
		t.Fatalf("update %v", up)
	}
	f.apiError(http.MethodGet, "/v1/organizations/acme", nil, 404, "resource_not_found")
	f.object(http.MethodPost, "/v1/organizations", map[string]any{"name": "Other", "slug": "other"}, 200)
	f.apiError(http.MethodPatch, "/v1/organizations/acme-two", map[string]any{"slug": "other"}, 422, "form_identifier_exists")
	f.apiError(http.MethodPatch, "/v1/organizations/acme-two", map[string]any{"name": ""}, 422, "form_param_value_invalid")

	md := f.object(http.MethodPatch, "/v1/organizations/acme-two/metadata", map[string]any{
		"private_metadata": map[string]any{"p": nil, "q": 2}, "public_metadata": map[string]any{"r": "s"}}, 200)
	if diff := cmp.Diff(map[string]any{"q": float64(2)}, md["private_metadata"]); diff != "" {
		t.Fatalf("metadata merge (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"r": "s"}, md["public_metadata"]); diff != "" {
		t.Fatalf("public metadata (-want +got):\n%s", diff)
	}

	sid, _ := f.emu.CreateSession(emulator.SeedUserAlice)
	del := f.object(http.MethodDelete, "/v1/organizations/"+emulator.SeedOrgAcme, nil, 200)
	want := map[string]any{"object": "organization", "id": emulator.SeedOrgAcme, "slug": "acme-two", "deleted": true}
	if diff := cmp.Diff(want, del); diff != "" {
		t.Fatalf("deleted object (-want +got):\n%s", diff)
	}
	f.apiError(http.MethodDelete, "/v1/organizations/"+emulator.SeedOrgAcme, nil, 404, "resource_not_found")
	got := f.object(http.MethodGet, "/v1/users/"+emulator.SeedUserAlice+"/organization_memberships", nil, 200)
	if got["total_count"] != float64(0) {
		t.Fatalf("memberships survived the organization: %v", got)
	}
	if tok := mintClaims(t, f, sid); tok["org_id"] != nil {
		t.Fatalf("token still carries org claims: %v", tok)
	}
}

// mintClaims mints a token for sid and returns its claims (signature checked).
func mintClaims(t *testing.T, f *fixture, sid string) map[string]any {
	t.Helper()
	_, pub := servedKey(t, f, "/.well-known/jwks.json", "")
	tok, err := f.emu.MintSessionToken(sid, 0)
	if err != nil {
		t.Fatalf("mint: %v", err)
	}
	_, claims := verifyRS256(t, tok, pub)
	return claims
}

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

func TestOrganizationInvitations(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	base := "/v1/organizations/acme/invitations"
	inv := f.object(http.MethodPost, base, map[string]any{"email_address": "new@example.com", "role": "org:member",
		"inviter_user_id": emulator.SeedUserAlice}, 200)
	wantKeys := []string{"created_at", "email_address", "id", "inviter_user_id", "object", "organization_id",
		"private_metadata", "public_metadata", "role", "status", "updated_at", "url"}
	if diff := cmp.Diff(wantKeys, keys(inv)); diff != "" {
		t.Fatalf("invitation keys (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(inv["id"].(string), "orginv_") || inv["status"] != "pending" || inv["organization_id"] != emulator.SeedOrgAcme {
		t.Fatalf("invitation %v", inv)
	}
	if got := f.object(http.MethodGet, "/v1/organizations/acme", nil, 200)["pending_invitations_count"]; got != float64(1) {
		t.Fatalf("pending_invitations_count %v", got)
	}
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
