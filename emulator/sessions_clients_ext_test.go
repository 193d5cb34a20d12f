package emulator_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

func TestClients(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	sid, _ := f.emu.CreateSession(emulator.SeedUserAlice)
	tok, _ := f.emu.MintSessionToken(sid, 0)
	clients := f.array("/v1/clients")
	if len(clients) != 1 {
		t.Fatalf("%d clients", len(clients))
	}
	c := clients[0].(map[string]any)
	want := []string{"created_at", "id", "last_active_session_id", "object", "session_ids", "sessions",
		"sign_in_attempt_id", "sign_in_id", "sign_up_attempt_id", "sign_up_id", "updated_at"}
	if diff := cmp.Diff(want, keys(c)); diff != "" {
		t.Fatalf("client keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{sid}, c["session_ids"]); diff != "" || c["last_active_session_id"] != sid {
		t.Fatalf("client sessions (-want +got):\n%s", diff)
	}
	got := f.object(http.MethodGet, "/v1/clients/"+c["id"].(string), nil, 200)
	if diff := cmp.Diff(c, got); diff != "" {
		t.Fatalf("GET client differs (-list +get):\n%s", diff)
	}
	if v := f.object(http.MethodPost, "/v1/clients/verify", map[string]any{"token": tok}, 200); v["id"] != c["id"] {
		t.Fatalf("verify gave %v", v["id"])
	}
	f.apiError(http.MethodPost, "/v1/clients/verify", map[string]any{"token": "x"}, 400, "token_invalid")
	f.apiError(http.MethodPost, "/v1/clients/verify", map[string]any{}, 422, "form_param_missing")
	f.apiError(http.MethodGet, "/v1/clients/client_nope", nil, 404, "resource_not_found")
}
