package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAllowlistIdentifiers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	tests := []struct {
		identifier, wantType string
	}{
		{identifier: "a@example.com", wantType: "email_address"},
		{identifier: "*@example.org", wantType: "email_address"},
		{identifier: "+15555550111", wantType: "phone_number"},
		{identifier: "0x" + strings.Repeat("ab", 20), wantType: "web3_wallet"},
	}
	var created []string
	for _, tt := range tests {
		a := f.object(http.MethodPost, "/v1/allowlist_identifiers", map[string]any{"identifier": tt.identifier, "notify": false}, 200)
		want := []string{"created_at", "id", "identifier", "identifier_type", "invitation_id", "object", "updated_at"}
		if diff := cmp.Diff(want, keys(a)); diff != "" {
			t.Fatalf("keys (-want +got):\n%s", diff)
		}
		if a["identifier_type"] != tt.wantType || !strings.HasPrefix(a["id"].(string), "alid_") {
			t.Fatalf("%s: %v", tt.identifier, a)
		}
		created = append(created, a["id"].(string))
	}
	if diff := cmp.Diff(created, ids(f.array("/v1/allowlist_identifiers"))); diff != "" {
		t.Fatalf("list (-want +got):\n%s", diff)
	}
	f.apiError(http.MethodPost, "/v1/allowlist_identifiers", map[string]any{"identifier": "A@example.com"}, 422, "duplicate_record")
	f.apiError(http.MethodPost, "/v1/allowlist_identifiers", map[string]any{"identifier": "nonsense"}, 422, "form_param_format_invalid")
	f.apiError(http.MethodPost, "/v1/allowlist_identifiers", map[string]any{"notify": true}, 422, "form_param_missing")
	del := f.object(http.MethodDelete, "/v1/allowlist_identifiers/"+created[0], nil, 200)
	if diff := cmp.Diff(map[string]any{"object": "allowlist_identifier", "id": created[0], "deleted": true}, del); diff != "" {
		t.Fatalf("delete (-want +got):\n%s", diff)
	}
	f.apiError(http.MethodDelete, "/v1/allowlist_identifiers/"+created[0], nil, 404, "resource_not_found")
}
