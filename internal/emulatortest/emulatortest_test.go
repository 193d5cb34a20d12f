package emulatortest_test

import (
	"testing"
	"time"

	"github.com/authsvc/authsvc/emulator"
	"github.com/authsvc/authsvc/internal/emulatortest"
	"github.com/authsvc/authsvc/internal/fakeclock"
)

// TestStartWiresClientAndVerifier: a session token from SessionToken,
// minted through the client, verifies with the verifier, and the given clock is the one both
// the emulator and the verifier read: advanced past the token's life, the
// same token is refused.
func TestStartWiresClientAndVerifier(t *testing.T) {
	t.Parallel()
	clock := fakeclock.At(time.Now().Truncate(time.Second))
	b := emulatortest.Start(t, clock.Now)
	tok := emulatortest.SessionToken(t, b.Client, emulator.SeedUserAlice)
	claims, err := b.Verifier.Verify(t.Context(), tok)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if claims.UserID != emulator.SeedUserAlice {
		t.Errorf("UserID = %q, want %q", claims.UserID, emulator.SeedUserAlice)
	}
	clock.Advance(time.Hour)
	if _, err := b.Verifier.Verify(t.Context(), tok); err == nil {
		t.Error("Verify an hour later: accepted, want expired")
	}
}
