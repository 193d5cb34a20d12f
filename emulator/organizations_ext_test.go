package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

var orgKeys = []string{"admin_delete_enabled", "created_at", "created_by", "has_image", "id", "image_url",
	"logo_url", "max_allowed_memberships", "members_count", "name", "object",
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
	want := map[string]any{"object": "organization", "id": emulator.SeedOrgAcme, "deleted": true}
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
