package emulator

// Fuzz targets for the request-body decode path. Run them with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzDecodeBody$' -fuzztime 1000000x ./emulator
//	go test -run '^$' -fuzz '^FuzzCreateUser$' -fuzztime 1000000x ./emulator

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

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

var (
	fuzzKeyOnce sync.Once
	fuzzKey     *rsa.PrivateKey
)

// fuzzEmulator returns a fresh, empty emulator that reuses one signing key,
// so that each fuzz input starts from the same state cheaply.
func fuzzEmulator(t *testing.T) *Emulator {
	fuzzKeyOnce.Do(func() {
		var err error
		if fuzzKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	e := &Emulator{secretKey: DefaultSecretKey, issuer: DefaultIssuer, tokenTTL: DefaultTokenTTL,
		now: func() time.Time { return time.Unix(1767323045, 0) }, key: fuzzKey, kid: "ins_fuzz", st: newStore()}
	e.handler = e.routes()
	if len(e.st.users) != 0 {
		t.Fatal("fresh store is not empty")
	}
	return e
}

// FuzzCreateUser posts arbitrary bodies to POST /v1/users on a store that
// already holds one user. Every answer is JSON; a 200 adds exactly one user
// whose JSON round-trips, and any other answer is a 400/413/422 Clerk error
// that leaves the store unchanged.
func FuzzCreateUser(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		e := fuzzEmulator(t)
		e.st.addUser("user_existing", 1, &createUserRequest{EmailAddress: []string{"a@example.com"}})
		req := httptest.NewRequest(http.MethodPost, "/v1/users", bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+DefaultSecretKey)
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			var u userJSON
			if err := json.Unmarshal(rec.Body.Bytes(), &u); err != nil || !strings.HasPrefix(u.ID, "user_") {
				t.Fatalf("200 with a non-user body %q: %v", rec.Body.Bytes(), err)
			}
			if len(e.st.users) != 2 {
				t.Fatalf("200 but %d users", len(e.st.users))
			}
		case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
			var body errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 || body.ClerkTraceID == "" {
				t.Fatalf("status %d with body %q", rec.Code, rec.Body.Bytes())
			}
			if len(e.st.users) != 1 || len(e.st.emails) != 1 {
				t.Fatalf("rejected input changed the store: %d users", len(e.st.users))
			}
		default:
			t.Fatalf("unexpected status %d for %q: %s", rec.Code, raw, rec.Body.Bytes())
		}
	})
}
