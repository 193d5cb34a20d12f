package emulator_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

func TestEmailAddresses(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ea := f.object(http.MethodPost, "/v1/email_addresses", map[string]any{"user_id": emulator.SeedUserAlice,
		"email_address": "alice@work.example", "verified": false, "primary": true}, 200)
	id := ea["id"].(string)
	if ea["object"] != "email_address" || ea["verification"].(map[string]any)["status"] != "unverified" {
		t.Fatalf("email address %v", ea)
	}
	u := f.object(http.MethodGet, "/v1/users/"+emulator.SeedUserAlice, nil, 200)
	if u["primary_email_address_id"] != id || len(u["email_addresses"].([]any)) != 2 {
		t.Fatalf("user after add: primary %v, %d emails", u["primary_email_address_id"], len(u["email_addresses"].([]any)))
	}
	up := f.object(http.MethodPatch, "/v1/email_addresses/"+id, map[string]any{"verified": true}, 200)
	if up["verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("update %v", up)
	}
	if diff := cmp.Diff(up, f.object(http.MethodGet, "/v1/email_addresses/"+id, nil, 200)); diff != "" {
		t.Fatalf("get (-patch +get):\n%s", diff)
	}
	f.apiError(http.MethodPost, "/v1/email_addresses", map[string]any{"user_id": emulator.SeedUserBob, "email_address": "alice@work.example"}, 422, "form_identifier_exists")
	f.apiError(http.MethodPost, "/v1/email_addresses", map[string]any{"user_id": "user_nope", "email_address": "z@example.com"}, 404, "resource_not_found")
	f.apiError(http.MethodPost, "/v1/email_addresses", map[string]any{"email_address": "z@example.com"}, 422, "form_param_missing")
	f.apiError(http.MethodPost, "/v1/email_addresses", map[string]any{"user_id": emulator.SeedUserBob, "email_address": "z"}, 422, "form_param_format_invalid")
	del := f.object(http.MethodDelete, "/v1/email_addresses/"+id, nil, 200)
	if diff := cmp.Diff(map[string]any{"object": "email_address", "id": id, "deleted": true}, del); diff != "" {
		t.Fatalf("delete (-want +got):\n%s", diff)
	}
	u = f.object(http.MethodGet, "/v1/users/"+emulator.SeedUserAlice, nil, 200)
	first := u["email_addresses"].([]any)[0].(map[string]any)["id"]
	if u["primary_email_address_id"] != first || len(u["email_addresses"].([]any)) != 1 {
		t.Fatalf("primary not reassigned after delete: %v", u["primary_email_address_id"])
	}
	f.apiError(http.MethodGet, "/v1/email_addresses/"+id, nil, 404, "resource_not_found")
	f.apiError(http.MethodPatch, "/v1/email_addresses/"+id, map[string]any{}, 404, "resource_not_found")
}
