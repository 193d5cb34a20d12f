package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
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

func TestRedirectURLs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	ru := f.object(http.MethodPost, "/v1/redirect_urls", map[string]any{"url": "myapp://callback"}, 200)
	if diff := cmp.Diff([]string{"created_at", "id", "object", "updated_at", "url"}, keys(ru)); diff != "" {
		t.Fatalf("keys (-want +got):\n%s", diff)
	}
	id := ru["id"].(string)
	if !strings.HasPrefix(id, "ru_") || ru["object"] != "redirect_url" {
		t.Fatalf("redirect url %v", ru)
	}
	if diff := cmp.Diff(ru, f.object(http.MethodGet, "/v1/redirect_urls/"+id, nil, 200)); diff != "" {
		t.Fatalf("get (-post +get):\n%s", diff)
	}
	if diff := cmp.Diff([]string{id}, ids(f.array("/v1/redirect_urls"))); diff != "" {
		t.Fatalf("list (-want +got):\n%s", diff)
	}
	f.apiError(http.MethodPost, "/v1/redirect_urls", map[string]any{"url": "myapp://callback"}, 422, "duplicate_record")
	f.apiError(http.MethodPost, "/v1/redirect_urls", map[string]any{"url": "/relative"}, 422, "form_param_format_invalid")
	f.apiError(http.MethodPost, "/v1/redirect_urls", map[string]any{"url": 3}, 422, "form_param_format_invalid")
	del := f.object(http.MethodDelete, "/v1/redirect_urls/"+id, nil, 200)
	if del["deleted"] != true || del["object"] != "redirect_url" {
		t.Fatalf("delete %v", del)
	}
	f.apiError(http.MethodGet, "/v1/redirect_urls/"+id, nil, 404, "resource_not_found")
}

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

func TestPhoneNumbers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	pn := f.object(http.MethodPost, "/v1/phone_numbers", map[string]any{"user_id": emulator.SeedUserBob,
		"phone_number": "+15555550142", "verified": true, "reserved_for_second_factor": true}, 200)
	want := []string{"backup_codes", "created_at", "default_second_factor", "id", "linked_to", "object", "phone_number",
		"reserved", "reserved_for_second_factor", "updated_at", "verification"}
	if diff := cmp.Diff(want, keys(pn)); diff != "" {
		t.Fatalf("keys (-want +got):\n%s", diff)
	}
	id := pn["id"].(string)
	if pn["default_second_factor"] != true || pn["reserved_for_second_factor"] != true {
		t.Fatalf("first phone reserved for 2FA is the default second factor: %v", pn)
	}
	up := f.object(http.MethodPatch, "/v1/phone_numbers/"+id, map[string]any{"reserved_for_second_factor": false}, 200)
	if up["default_second_factor"] != false {
		t.Fatalf("update %v", up)
	}
	f.apiError(http.MethodPost, "/v1/phone_numbers", map[string]any{"user_id": emulator.SeedUserAlice, "phone_number": "+15555550142"}, 422, "form_identifier_exists")
	f.apiError(http.MethodPost, "/v1/phone_numbers", map[string]any{"user_id": emulator.SeedUserAlice, "phone_number": "12"}, 422, "form_param_format_invalid")
	sms := f.object(http.MethodPost, "/v1/sms_messages", map[string]any{"phone_number_id": id, "message": "hi"}, 200)
	wantSMS := map[string]any{"object": "sms_message", "id": sms["id"], "from_phone_number": "+15555550100",
		"to_phone_number": "+15555550142", "phone_number_id": id, "message": "hi", "status": "queued",
		"created_at": float64(t0.UnixMilli())}
	if diff := cmp.Diff(wantSMS, sms); diff != "" || !strings.HasPrefix(sms["id"].(string), "sms_") {
		t.Fatalf("sms (-want +got):\n%s", diff)
	}
	f.apiError(http.MethodPost, "/v1/sms_messages", map[string]any{"phone_number_id": "idn_nope", "message": "hi"}, 422, "form_param_value_invalid")
	f.apiError(http.MethodPost, "/v1/sms_messages", map[string]any{"phone_number_id": id}, 422, "form_param_missing")
	if del := f.object(http.MethodDelete, "/v1/phone_numbers/"+id, nil, 200); del["deleted"] != true {
		t.Fatalf("delete %v", del)
	}
	if u := f.object(http.MethodGet, "/v1/users/"+emulator.SeedUserBob, nil, 200); u["primary_phone_number_id"] != nil {
		t.Fatalf("primary phone survived deletion: %v", u["primary_phone_number_id"])
	}
	f.apiError(http.MethodGet, "/v1/phone_numbers/"+id, nil, 404, "resource_not_found")
}

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

func TestEmails(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	u := f.object(http.MethodGet, "/v1/users/"+emulator.SeedUserCarol, nil, 200)
	eid := u["primary_email_address_id"].(string)
	m := f.object(http.MethodPost, "/v1/emails", map[string]any{"from_email_name": "noreply", "email_address_id": eid,
		"subject": "Hi", "body": "<p>Hello</p>"}, 200)
	want := map[string]any{"object": "email", "id": m["id"], "from_email_name": "noreply", "email_address_id": eid,
		"to_email_address": "carol@example.com", "subject": "Hi", "body": "<p>Hello</p>", "status": "queued",
		"created_at": float64(t0.UnixMilli())}
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
