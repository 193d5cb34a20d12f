package server

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/policy"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

const otherCallerKey = "another-caller-key-for-tests"

// policyFor is a policy file granting the caller name, identified by key,
// GetUser.
func policyFor(name, key string) string {
	return "callers:\n  - name: " + name + "\n    key_sha256: " + keyHash(key) + "\n    allow: [\"authsvc.v1.AuthService/GetUser\"]\n"
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func testVerifier(t *testing.T) *verifier.Verifier {
	t.Helper()
	v, err := verifier.New(verifiertest.NewIssuer(t).Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return v
}

// TestNewPolicySources: New reads the policy from a file or from Callers,
// refuses both at once and refuses what does not parse.
func TestNewPolicySources(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.yaml"), filepath.Join(dir, "bad.yaml")
	writeFile(t, good, policyFor("billing", testCallerKey))
	writeFile(t, bad, "callers: [")
	dev := []Caller{{Name: "dev", KeySHA256: keyHash(testCallerKey), Allow: []string{"*"}}}
	tests := []struct {
		name        string
		cfg         Config
		wantErr     error // nil: no error; errAny: some error
		wantCallers []string
	}{
		{"no policy", Config{}, nil, nil},
		{"file", Config{PolicyFile: good}, nil, []string{"billing"}},
		{"callers", Config{Callers: dev}, nil, []string{"dev"}},
		{"both", Config{PolicyFile: good, Callers: dev}, errAny, nil},
		{"file does not parse", Config{PolicyFile: bad}, policy.ErrInvalid, nil},
		{"file missing", Config{PolicyFile: filepath.Join(dir, "none.yaml")}, os.ErrNotExist, nil},
		{"caller without a grant", Config{Callers: []Caller{{Name: "x", KeySHA256: keyHash("k")}}}, policy.ErrInvalid, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.cfg.Verifier = testVerifier(t)
			s, err := New(tt.cfg)
			switch {
			case tt.wantErr == errAny && err != nil:
				return
			case tt.wantErr == errAny || !errors.Is(err, tt.wantErr):
				t.Fatalf("New: %v, want %v", err, tt.wantErr)
			case err != nil:
				return
			}
			if diff := cmp.Diff(tt.wantCallers, s.PolicyCallers()); diff != "" {
				t.Errorf("PolicyCallers (-want +got):\n%s", diff)
			}
		})
	}
}

var errAny = errors.New("any error")

// TestReloadPolicy: a reload puts a changed file in force for the next
// call; a broken file keeps the old policy; the hook sees both outcomes.
func TestReloadPolicy(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	writeFile(t, path, policyFor("billing", testCallerKey))
	var mu sync.Mutex
	var outcomes []error
	stub := newClerkStub(t, map[string]reply{"GET /v1/users/user_1": {body: userJSON}})
	base := newProxyServer(t, stub)
	cfg := base.cfg
	cfg.PolicyFile = path
	cfg.Hooks.PolicyReloaded = func(err error) {
		mu.Lock()
		defer mu.Unlock()
		outcomes = append(outcomes, err)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	client := newTestClient(t, srv, GRPCOptions{})
	getUser := func(key string) codes.Code {
		_, err := client.GetUser(withKey(t.Context(), key), &pb.GetUserRequest{UserId: "user_1"})
		return status.Code(err)
	}
	if a, b := getUser(testCallerKey), getUser(otherCallerKey); a != codes.OK || b != codes.PermissionDenied {
		t.Fatalf("before reload: billing %v, other %v; want OK, PermissionDenied", a, b)
	}

	writeFile(t, path, policyFor("other", otherCallerKey))
	if err := srv.ReloadPolicy(); err != nil {
		t.Fatalf("ReloadPolicy: %v", err)
	}
	if a, b := getUser(testCallerKey), getUser(otherCallerKey); a != codes.PermissionDenied || b != codes.OK {
		t.Errorf("after reload: billing %v, other %v; want PermissionDenied, OK", a, b)
	}

	writeFile(t, path, "callers: [{name: broken}]")
	if err := srv.ReloadPolicy(); !errors.Is(err, policy.ErrInvalid) {
		t.Errorf("ReloadPolicy of a broken file: %v, want ErrInvalid", err)
	}
	if b := getUser(otherCallerKey); b != codes.OK {
		t.Errorf("after a failed reload: other %v, want OK (old policy kept)", b)
	}
	if diff := cmp.Diff([]string{"other"}, srv.PolicyCallers()); diff != "" {
		t.Errorf("PolicyCallers (-want +got):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(outcomes) != 2 || outcomes[0] != nil || !errors.Is(outcomes[1], policy.ErrInvalid) {
		t.Errorf("PolicyReloaded saw %v, want [nil, ErrInvalid]", outcomes)
	}
}

// TestReloadPolicyWithoutFile: with no file there is nothing to reload,
// and the in-memory policy stays.
func TestReloadPolicyWithoutFile(t *testing.T) {
	t.Parallel()
	called := false
	s, err := New(Config{
		Verifier: testVerifier(t),
		Callers:  []Caller{{Name: "dev", KeySHA256: keyHash(testCallerKey), Allow: []string{"*"}}},
		Hooks:    Hooks{PolicyReloaded: func(error) { called = true }},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReloadPolicy(); err != nil || called {
		t.Errorf("ReloadPolicy = %v (hook called: %v), want nil and no hook", err, called)
	}
	if diff := cmp.Diff([]string{"dev"}, s.PolicyCallers()); diff != "" {
		t.Errorf("PolicyCallers (-want +got):\n%s", diff)
	}
}
