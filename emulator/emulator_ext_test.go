package emulator_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authsvc/authsvc/emulator"
)

func TestNewOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       emulator.Options
		wantErr    bool
		wantKey    string
		wantIssuer string
	}{
		{name: "zero value takes the defaults (a random secret key)", wantIssuer: emulator.DefaultIssuer},
		{name: "custom key and issuer", opts: emulator.Options{SecretKey: "sk_test_x", Issuer: "https://clerk.example.com"},
			wantKey: "sk_test_x", wantIssuer: "https://clerk.example.com"},
		{name: "secret key without sk_ prefix", opts: emulator.Options{SecretKey: "pk_test_x"}, wantErr: true},
		{name: "http issuer", opts: emulator.Options{Issuer: "http://clerk.example.com"}, wantErr: true},
		{name: "issuer without host", opts: emulator.Options{Issuer: "https://"}, wantErr: true},
		{name: "negative ttl", opts: emulator.Options{TokenTTL: -time.Second}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := emulator.New(tt.opts)
			if tt.wantErr {
				if err == nil || !strings.HasPrefix(err.Error(), "emulator: ") {
					t.Fatalf("New: err = %v, want an emulator: error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if tt.wantKey == "" && randomKeyRE.MatchString(e.SecretKey()) {
				tt.wantKey = e.SecretKey()
			}
			if e.SecretKey() != tt.wantKey || e.Issuer() != tt.wantIssuer {
				t.Fatalf("got key %q issuer %q", e.SecretKey(), e.Issuer())
			}
			if !strings.HasPrefix(e.KeyID(), "ins_") {
				t.Fatalf("kid %q lacks the ins_ prefix", e.KeyID())
			}
		})
	}
}

// randomKeyRE is the shape of the secret key New draws when none is given.
var randomKeyRE = regexp.MustCompile(`^sk_test_[0-9A-Za-z]{32}$`)

// TestNoPublishedSecretKey: without Options.SecretKey every emulator draws
// its own random key, and the old published constant is refused.
func TestNoPublishedSecretKey(t *testing.T) {
	t.Parallel()
	a, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !randomKeyRE.MatchString(a.SecretKey()) || a.SecretKey() == b.SecretKey() {
		t.Fatalf("secret keys %q and %q: want two different random sk_test_ keys", a.SecretKey(), b.SecretKey())
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1/users", nil)
	req.Header.Set("Authorization", "Bearer sk_test_authsvc_dev")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the old published key got %d, want 401", resp.StatusCode)
	}
}

func TestPublicKeyPEMIsSPKIRSA2048(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	block, rest := pem.Decode([]byte(f.emu.PublicKeyPEM()))
	if block == nil || block.Type != "PUBLIC KEY" || len(strings.TrimSpace(string(rest))) != 0 {
		t.Fatalf("PublicKeyPEM is not one PUBLIC KEY block: %q", f.emu.PublicKeyPEM())
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatalf("parse SPKI: %v", err)
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if !ok || rsaPub.N.BitLen() != 2048 || rsaPub.E != 65537 {
		t.Fatalf("key is %T, want RSA-2048 e=65537", pub)
	}
}

func TestEachEmulatorHasItsOwnKey(t *testing.T) {
	t.Parallel()
	a, b := newFixture(t, false), newFixture(t, false)
	if a.emu.PublicKeyPEM() == b.emu.PublicKeyPEM() || a.emu.KeyID() == b.emu.KeyID() {
		t.Fatal("two emulators share a key or kid")
	}
}

func TestAuthenticationRequired(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	tests := []struct {
		name     string
		auth     string
		wantCode string
	}{
		{name: "no header", auth: "", wantCode: "authorization_header_format_invalid"},
		{name: "not bearer", auth: "Basic " + f.emu.SecretKey(), wantCode: "authorization_header_format_invalid"},
		{name: "empty bearer", auth: "Bearer ", wantCode: "authorization_header_format_invalid"},
		{name: "wrong key", auth: "Bearer sk_test_wrong", wantCode: "clerk_key_invalid"},
		{name: "key prefix only", auth: "Bearer " + f.emu.SecretKey()[:5], wantCode: "clerk_key_invalid"},
	}
	for _, path := range []string{"/v1/users", "/v1/jwks", "/v1/internal/interstitial", "/v1/no_such_route"} {
		for _, tt := range tests {
			t.Run(path+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				f := f.with(t)
				status, raw := f.requestAuth(http.MethodGet, path, nil, tt.auth)
				checkError(t, status, raw, http.StatusUnauthorized, tt.wantCode)
				if strings.Contains(string(raw), f.emu.SecretKey()) {
					t.Fatalf("error body echoes the secret key: %s", raw)
				}
			})
		}
	}
}

func TestUnknownRoutesAreClerk404(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	tests := []struct{ name, method, path string }{
		{name: "unknown resource", method: http.MethodGet, path: "/v1/nope"},
		{name: "unknown version", method: http.MethodGet, path: "/v2/users"},
		{name: "root", method: http.MethodGet, path: "/"},
		{name: "known path, wrong method", method: http.MethodPut, path: "/v1/users"},
		{name: "too deep", method: http.MethodGet, path: "/v1/users/user_x/a/b/c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.with(t)
			f.apiError(tt.method, tt.path, nil, http.StatusNotFound, "resource_not_found")
		})
	}
}

func TestTraceIDsDiffer(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	a := f.apiError(http.MethodGet, "/v1/users/user_nope", nil, http.StatusNotFound, "resource_not_found")
	b := f.apiError(http.MethodGet, "/v1/users/user_nope", nil, http.StatusNotFound, "resource_not_found")
	if a.ClerkTraceID == b.ClerkTraceID {
		t.Fatalf("trace id repeated: %s", a.ClerkTraceID)
	}
}

func TestBadBodies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantCode   string
		wantParam  string
	}{
		{name: "not JSON", body: "{nope", wantStatus: 400, wantCode: "request_body_invalid"},
		{name: "array body", body: `["a"]`, wantStatus: 400, wantCode: "request_body_invalid"},
		{name: "two objects", body: `{}{}`, wantStatus: 400, wantCode: "request_body_invalid"},
		{name: "truncated", body: `{"first_name":`, wantStatus: 400, wantCode: "request_body_invalid"},
		{name: "unknown field", body: `{"favourite_colour":"red"}`, wantStatus: 422, wantCode: "form_param_unknown",
			wantParam: "favourite_colour"},
		{name: "wrong type", body: `{"first_name":7}`, wantStatus: 422, wantCode: "form_param_format_invalid",
			wantParam: "first_name"},
		{name: "wrong element type", body: `{"email_address":[1]}`, wantStatus: 422,
			wantCode: "form_param_format_invalid", wantParam: "email_address"},
		{name: "metadata not an object", body: `{"public_metadata":"x"}`, wantStatus: 422,
			wantCode: "form_param_format_invalid", wantParam: "public_metadata"},
		{name: "over 1 MiB", body: `{"first_name":"` + strings.Repeat("a", 1<<20) + `"}`, wantStatus: 413,
			wantCode: "request_body_too_large"},
	}
	// The group returns once its parallel rows are done, so the checks
	// below see their effect (or lack of it).
	t.Run("rejects", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				f := f.with(t)
				ce := f.apiError(http.MethodPost, "/v1/users", tt.body, tt.wantStatus, tt.wantCode)
				if got := ce.Errors[0].Meta["param_name"]; tt.wantParam != "" && got != tt.wantParam {
					t.Fatalf("param_name = %v, want %q", got, tt.wantParam)
				}
			})
		}
	})
	if n := len(f.array("/v1/users")); n != 0 {
		t.Fatalf("bad bodies created %d users", n)
	}
}
