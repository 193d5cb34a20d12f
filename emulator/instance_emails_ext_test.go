package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

func TestEmails(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	u := f.object(http.MethodGet, "/v1/users/"+emulator.SeedUserCarol, nil, 200)
	eid := u["primary_email_address_id"].(string)
	m := f.object(http.MethodPost, "/v1/emails", map[string]any{"from_email_name": "noreply", "email_address_id": eid,
		"subject": "Hi", "body": "<p>Hello</p>"}, 200)
	want := map[string]any{"object": "email", "id": m["id"], "from_email_name": "noreply", "email_address_id": eid,
		"to_email_address": "carol@example.com", "subject": "Hi", "body": "<p>Hello</p>", "status": "queued"}
	if diff := cmp.Diff(want, m); diff != "" || !strings.HasPrefix(m["id"].(string), "ema_") {
		t.Fatalf("email (-want +got):\n%s", diff)
	}
	f.apiError(http.MethodPost, "/v1/emails", map[string]any{"from_email_name": "n", "email_address_id": "idn_nope",
		"subject": "s", "body": "b"}, 422, "form_param_value_invalid")
	ce := f.apiError(http.MethodPost, "/v1/emails", map[string]any{"from_email_name": "n", "email_address_id": eid, "subject": "s"}, 422, "form_param_missing")
	if ce.Errors[0].Meta["param_name"] != "body" {
		t.Fatalf("param_name %v", ce.Errors[0].Meta["param_name"])
	}
}
