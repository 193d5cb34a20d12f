package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// fakeClerk is an httptest stand-in for Clerk: the JWKS of iss, and
// GET /v1/users/{id}, where user_down answers 503 and user_slow waits until
// release is closed (reporting on arrived first). Both need the secret key.
type fakeClerk struct {
	*httptest.Server
	iss       *verifiertest.Issuer
	secretKey string
	arrived   chan string
	release   chan struct{}
}

func newFakeClerk(t *testing.T, secretKey string) *fakeClerk {
	t.Helper()
	f := &fakeClerk{iss: verifiertest.NewIssuer(t), secretKey: secretKey, arrived: make(chan string, 10), release: make(chan struct{})}
	jwks, err := json.Marshal(map[string]any{"keys": []any{verifiertest.JWK(&f.iss.Key.PublicKey, f.iss.KID, "RS256")}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/jwks", func(w http.ResponseWriter, r *http.Request) {
		if !f.authorized(w, r) {
			return
		}
		_, _ = w.Write(jwks)
	})
	mux.HandleFunc("GET /v1/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !f.authorized(w, r) {
			return
		}
		id := r.PathValue("id")
		switch id {
		case "user_down":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"errors":[{"code":"service_unavailable","message":"down"}]}`))
			return
		case "user_slow":
			f.arrived <- id
			select {
			case <-f.release:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"object":"user","id":%q,"first_name":"Ada"}`, id)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeClerk) authorized(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") == "Bearer "+f.secretKey {
		return true
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte(`{"errors":[{"code":"clerk_key_invalid","message":"invalid"}]}`))
	return false
}

// clerkEnv is the service's environment against f, with a caller policy
// admitting callerKey (policyFile), plus extra.
func clerkEnv(t *testing.T, f *fakeClerk, callerKey string, extra map[string]string) map[string]string {
	t.Helper()
	env := map[string]string{"CLERK_SECRET_KEY": f.secretKey, "CLERK_API_URL": f.URL, "AUTHSVC_POLICY": policyFile(t, callerKey)}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// policyFile writes a policy granting the caller "billing", identified by
// key, every method, and returns its path.
func policyFile(t *testing.T, key string) string {
	t.Helper()
	return writeFile(t, "policy.yaml", "callers:\n  - name: billing\n    key_sha256: "+sha256Hex(key)+"\n    allow: [\"*\"]\n")
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// writeFile writes content to name in a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
