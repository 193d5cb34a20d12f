package emulatorstate

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/authsvc/authsvc/emulator"
)

func TestSwapIDs(t *testing.T) {
	t.Parallel()
	m := map[string]string{"user_1": "user_REAL", "sess_1": "sess_X"}
	got := SwapIDs(`/v1/users/user_1/x?u=user_1oBN&s=sess_1 {"user_id":"user_1"}`, m)
	want := `/v1/users/user_REAL/x?u=user_1oBN&s=sess_X {"user_id":"user_REAL"}`
	if got != want {
		t.Fatalf("SwapIDs = %q, want %q", got, want)
	}
}

// TestRecordResume: a user created before Record is there after Resume.
func TestRecordResume(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	em, err := emulator.New(emulator.Options{DataDir: dir, Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	state := Record(t, dir)
	resumed, srv := Resume(t, state)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/users/"+emulator.SeedUserAlice, nil)
	req.Header.Set("Authorization", "Bearer "+resumed.SecretKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), emulator.SeedUserAlice) {
		t.Errorf("GET the seeded user after Resume: %d %s", resp.StatusCode, body)
	}
	if resumed.KeyID() != em.KeyID() {
		t.Errorf("kid %q after Resume, want the recorded %q", resumed.KeyID(), em.KeyID())
	}
}
