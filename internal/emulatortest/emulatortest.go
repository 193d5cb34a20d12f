package emulatortest

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/emulator"
	"github.com/authsvc/authsvc/verifier"
)

// Backend is a seeded emulator served over loopback HTTP, a Backend API
// client for it, and a verifier that trusts its keys and asks it about
// opaque machine tokens.
type Backend struct {
	Emulator *emulator.Emulator
	URL      string
	Client   *backendapi.Client
	Verifier *verifier.Verifier
}

// Start serves a seeded emulator and builds its client and verifier. The
// emulator and the verifier read the time from now; nil is the real clock.
// Everything is closed at t's cleanup.
func Start(t testing.TB, now func() time.Time) *Backend {
	t.Helper()
	em, err := emulator.New(emulator.Options{Now: now, Seed: true})
	if err != nil {
		t.Fatalf("emulatortest: emulator: %v", err)
	}
	hs := httptest.NewServer(em.Handler())
	t.Cleanup(hs.Close)
	client, err := backendapi.NewClient(em.SecretKey(), backendapi.WithBaseURL(hs.URL))
	if err != nil {
		t.Fatalf("emulatortest: backendapi client: %v", err)
	}
	v, err := verifier.New(verifier.Config{SecretKey: em.SecretKey(), APIURL: hs.URL, Issuers: []string{em.Issuer()}, Now: now})
	if err != nil {
		t.Fatalf("emulatortest: verifier: %v", err)
	}
	t.Cleanup(v.Close)
	return &Backend{Emulator: em, URL: hs.URL, Client: client, Verifier: v}
}

// SessionToken creates a session for userID through c, the Backend API,
// and returns a session token of it.
func SessionToken(t testing.TB, c *backendapi.Client, userID string) string {
	t.Helper()
	s, err := c.Sessions.Create(t.Context(), &backendapi.CreateSessionParams{UserID: userID})
	if err != nil {
		t.Fatalf("emulatortest: create session: %v", err)
	}
	tok, err := c.Sessions.CreateToken(t.Context(), s.ID, "")
	if err != nil {
		t.Fatalf("emulatortest: create session token: %v", err)
	}
	return tok.JWT
}
