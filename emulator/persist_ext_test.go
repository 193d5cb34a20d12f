package emulator_test

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsvc/authsvc/emulator"
)

// TestRestartKeepsState: a second New on the same DataDir resumes the
// users, sessions, organizations, machine tokens and the signing key, so a
// token minted before the restart verifies after it, and the seed is not
// applied twice.
func TestRestartKeepsState(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	before := newFixtureWith(t, emulator.Options{DataDir: dir, Seed: true})
	uid := before.createUser(map[string]any{"email_address": []string{"dana@example.com"}, "password": "long-enough-pw"})
	before.object(http.MethodDelete, "/v1/users/"+emulator.SeedUserCarol, nil, 200)
	org := before.object(http.MethodPost, "/v1/organizations", map[string]any{"name": "Globex", "created_by": uid}, 200)
	sid, err := before.emu.CreateSession(uid)
	if err != nil {
		t.Fatal(err)
	}
	token, err := before.emu.MintSessionToken(sid, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	apiKey, _, err := before.emu.CreateAPIKey("ci", uid)
	if err != nil {
		t.Fatal(err)
	}

	after := newFixtureWith(t, emulator.Options{DataDir: dir, Seed: true})
	if after.emu.KeyID() != before.emu.KeyID() || after.emu.PublicKeyPEM() != before.emu.PublicKeyPEM() {
		t.Fatalf("signing key changed across the restart: kid %s → %s", before.emu.KeyID(), after.emu.KeyID())
	}
	if after.emu.SecretKey() == before.emu.SecretKey() {
		t.Fatal("the secret key was persisted; it must be drawn anew per New")
	}
	if got := after.object(http.MethodGet, "/v1/users/"+uid, nil, 200)["id"]; got != uid {
		t.Fatalf("user after restart: %v", got)
	}
	after.apiError(http.MethodGet, "/v1/users/"+emulator.SeedUserCarol, nil, 404, "resource_not_found")
	if got := after.object(http.MethodGet, "/v1/organizations/globex", nil, 200)["id"]; got != org["id"] {
		t.Fatalf("organization after restart: %v", got)
	}
	if got := after.object(http.MethodPost, "/v1/sessions/"+sid+"/verify", map[string]any{"token": token}, 200)["id"]; got != sid {
		t.Fatalf("session after restart: %v", got)
	}
	_, pub := servedKey(t, after, "/.well-known/jwks.json", "")
	if _, claims := verifyRS256(t, token, pub); claims["sid"] != sid { // verifyRS256 fails the test on a bad signature
		t.Fatalf("token minted before the restart: claims %v", claims)
	}
	if got := after.object(http.MethodPost, "/v1/api_keys/verify", map[string]any{"secret": apiKey}, 200)["subject"]; got != uid {
		t.Fatalf("api key after restart: subject %v", got)
	}
	after.object(http.MethodPost, "/v1/users/"+uid+"/verify_password", map[string]any{"password": "long-enough-pw"}, 200)
	// The creation counter survives too: a new record sorts after the old ones.
	newer := after.createUser(map[string]any{"email_address": []string{"erin@example.com"}})
	list := after.array("/v1/users?order_by=%2Bcreated_at&limit=100")
	if got := ids(list); got[len(got)-1] != newer {
		t.Fatalf("users in creation order %v: the newest is not last", got)
	}
}

// TestDataDirFiles: New creates the directory 0700 and the state file
// 0600, and leaves no temporary file behind.
func TestDataDirFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a", "b")
	f := newFixtureWith(t, emulator.Options{DataDir: dir})
	f.createUser(map[string]any{"email_address": []string{"x@example.com"}})
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("data dir: %v %v, want 0700", st.Mode(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != emulator.StateFileName {
		t.Fatalf("data dir holds %v, want only %s", entries, emulator.StateFileName)
	}
	info, err := entries[0].Info()
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v %v, want 0600", info.Mode(), err)
	}
}

// TestBadStateFileStopsNew: a state file New cannot use is an error that
// names the file and the problem, and the file is left as it was.
func TestBadStateFileStopsNew(t *testing.T) {
	t.Parallel()
	good := validStateFile(t)
	tests := []struct {
		name    string
		content func() string
		want    string
	}{
		{name: "empty file", content: func() string { return "" }, want: "not a valid state document"},
		{name: "not JSON", content: func() string { return "users: []" }, want: "not a valid state document"},
		{name: "truncated", content: func() string { return good[:len(good)/2] }, want: "not a valid state document"},
		{name: "two documents", content: func() string { return good + good }, want: "data after the JSON object"},
		{name: "unknown version", content: func() string { return strings.Replace(good, `"version": 1`, `"version": 2`, 1) },
			want: "unsupported version 2"},
		{name: "no version", content: func() string { return strings.Replace(good, `"version": 1,`, ``, 1) },
			want: "unsupported version 0"},
		{name: "unknown key", content: func() string { return strings.Replace(good, `"version": 1,`, `"version": 1, "extra": 1,`, 1) },
			want: `unknown field "extra"`},
		{name: "no kid", content: func() string { return replaceJSONValue(t, good, "kid", `""`) }, want: "kid is missing"},
		{name: "bad signing key", content: func() string {
			return replaceJSONValue(t, good, "signing_key", `"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"`)
		},
			want: "signing_key does not parse"},
		{name: "dangling membership", content: func() string {
			return strings.Replace(good, `"org_id": "`+emulator.SeedOrgAcme+`"`, `"org_id": "org_gone"`, 1)
		}, want: `unknown organization "org_gone"`},
		{name: "null user", content: func() string {
			return strings.Replace(good, `"users": {`, `"users": {"user_null": null,`, 1)
		}, want: `user "user_null" is null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, emulator.StateFileName)
			content := tt.content()
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := emulator.New(emulator.Options{DataDir: dir, Seed: true})
			if err == nil {
				t.Fatal("New accepted the state file")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v\nwant the path %s and %q", err, path, tt.want)
			}
			if strings.Contains(err.Error(), "PRIVATE KEY") {
				t.Fatalf("the error quotes the signing key: %v", err)
			}
			if got, _ := os.ReadFile(path); string(got) != content {
				t.Fatal("New rewrote the bad state file")
			}
		})
	}
}

// TestUnreadableStateFileStopsNew: a state file that exists but cannot be
// read is an error, not a fresh start.
func TestUnreadableStateFileStopsNew(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, emulator.StateFileName)
	if err := os.Mkdir(path, 0o700); err != nil { // a directory where the file should be: unreadable as a file, even for root
		t.Fatal(err)
	}
	_, err := emulator.New(emulator.Options{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("New: %v, want an error naming %s", err, path)
	}
}

// TestDataDirThatIsAFile: DataDir naming a regular file is an error.
func TestDataDirThatIsAFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := emulator.New(emulator.Options{DataDir: path})
	if err == nil || !errors.Is(err, fs.ErrExist) && !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("New: %v, want a data directory error", err)
	}
}

// validStateFile returns the state file of a seeded emulator.
func validStateFile(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := emulator.New(emulator.Options{DataDir: dir, Seed: true}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, emulator.StateFileName))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// replaceJSONValue replaces the value of the first top-level "key": "…"
// string in doc with value.
func replaceJSONValue(t *testing.T, doc, key, value string) string {
	t.Helper()
	i := strings.Index(doc, `"`+key+`": "`)
	if i < 0 {
		t.Fatalf("no %q in the state file", key)
	}
	start := i + len(key) + 4
	end := start + 1
	for doc[end] != '"' || doc[end-1] == '\\' {
		end++
	}
	return doc[:start] + value + doc[end+1:]
}

// TestSaveFailureIsA500: when the state cannot be written, the change is
// not reported as done: the request answers a generic 500 (naming no
// path), and no temporary file is left behind.
func TestSaveFailureIsA500(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := newFixtureWith(t, emulator.Options{DataDir: dir})
	path := filepath.Join(dir, emulator.StateFileName)
	// A non-empty directory where the state file was: rename cannot replace
	// it, whoever runs the test.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(path, "blocker"), 0o700); err != nil {
		t.Fatal(err)
	}
	ce := f.apiError(http.MethodPost, "/v1/users", map[string]any{"email_address": []string{"x@example.com"}}, 500, "internal_clerk_error")
	if strings.Contains(ce.Errors[0].LongMessage, dir) {
		t.Fatalf("the 500 names the data directory: %q", ce.Errors[0].LongMessage)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("data dir holds %v (%v), want only the blocked state path", entries, err)
	}
}
