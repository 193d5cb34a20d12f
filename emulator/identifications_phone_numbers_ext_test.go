package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

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
		"to_phone_number": "+15555550142", "phone_number_id": id, "message": "hi", "status": "queued"}
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
