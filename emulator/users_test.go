package emulator

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	var a, b user
	a.setPassword("same-password")
	b.setPassword("same-password")
	if string(a.PwHash) == string(b.PwHash) {
		t.Fatal("equal passwords give equal hashes: the salt is missing")
	}
	if !passwordMatches("same-password", a.PwSalt, a.PwHash) || passwordMatches("other", a.PwSalt, a.PwHash) {
		t.Fatal("passwordMatches is wrong")
	}
	if passwordMatches("", nil, nil) {
		t.Fatal("a user without a password matched")
	}
}

var (
	fuzzKeyOnce sync.Once
	fuzzKey     *rsa.PrivateKey
)

// fuzzSecretKey is the secret key of the fuzz emulators.
const fuzzSecretKey = "sk_test_fuzz"

// fuzzEmulator returns a fresh, empty emulator that reuses one signing key,
// so that each fuzz input starts from the same state cheaply.
func fuzzEmulator(t *testing.T) *Emulator {
	fuzzKeyOnce.Do(func() {
		var err error
		if fuzzKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	e := &Emulator{secretKey: fuzzSecretKey, issuer: DefaultIssuer, tokenTTL: DefaultTokenTTL,
		now: func() time.Time { return time.Unix(1767323045, 0) }, key: fuzzKey, kid: "ins_fuzz", st: newStore()}
	e.handler = e.routes()
	if len(e.st.Users) != 0 {
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
		req.Header.Set("Authorization", "Bearer "+fuzzSecretKey)
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			var u userJSON
			if err := json.Unmarshal(rec.Body.Bytes(), &u); err != nil || !strings.HasPrefix(u.ID, "user_") {
				t.Fatalf("200 with a non-user body %q: %v", rec.Body.Bytes(), err)
			}
			if len(e.st.Users) != 2 {
				t.Fatalf("200 but %d users", len(e.st.Users))
			}
		case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
			var body errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 || body.ClerkTraceID == "" {
				t.Fatalf("status %d with body %q", rec.Code, rec.Body.Bytes())
			}
			if len(e.st.Users) != 1 || len(e.st.Emails) != 1 {
				t.Fatalf("rejected input changed the store: %d users", len(e.st.Users))
			}
		default:
			t.Fatalf("unexpected status %d for %q: %s", rec.Code, raw, rec.Body.Bytes())
		}
	})
}
