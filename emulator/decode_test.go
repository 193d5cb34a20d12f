package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
)

// fuzzSeeds are the seed bodies of FuzzDecodeBody and FuzzCreateUser. Run
// the targets with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzDecodeBody$' -fuzztime 1000000x ./emulator
//	go test -run '^$' -fuzz '^FuzzCreateUser$' -fuzztime 1000000x ./emulator
var fuzzSeeds = []string{
	``,
	`{}`,
	`{"email_address":["a@example.com"],"username":"alice","password":"long-enough-pw"}`,
	`{"email_address":["a@example.com","a@example.com"]}`,
	`{"phone_number":["+15555550100"],"first_name":"A","last_name":null}`,
	`{"public_metadata":{"a":{"b":[1,2.5,"x",null,true]}},"private_metadata":{},"unsafe_metadata":null}`,
	`{"password":"x","skip_password_checks":true}`,
	`{"first_name":7}`,
	`{"email_address":[1]}`,
	`{"unknown":1}`,
	`{"public_metadata":{"n":123456789012345678901234567890}}`,
	`[]`,
	`{"a":`,
	`{}{}`,
	`"string"`,
	`{"username":"\u0000\ud800"}`,
	`{"external_id":"e","backup_codes":["a"],"totp_secret":"s"}`,
}

// FuzzDecodeBody feeds arbitrary bytes to decodeJSON for every request type
// of the user and organization endpoints: it must never panic, must fail
// only with a 400 or 422 Clerk error, and must accept only valid JSON.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		targets := []any{&createUserRequest{}, &updateUserRequest{}, &metadataRequest{},
			&createOrgRequest{}, &updateOrgRequest{}, &createOrgInvitationRequest{}}
		for _, dst := range targets {
			err := decodeJSON(raw, dst)
			if err == nil {
				if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && !json.Valid(trimmed) {
					t.Fatalf("accepted invalid JSON %q into %T", raw, dst)
				}
				continue
			}
			var ae *apiError
			if !errors.As(err, &ae) || (ae.status != http.StatusBadRequest && ae.status != http.StatusUnprocessableEntity) {
				t.Fatalf("%T: error %v is not a 400/422 Clerk error", dst, err)
			}
			if ae.code == "" || ae.long == "" {
				t.Fatalf("%T: incomplete error %+v", dst, ae)
			}
		}
	})
}
