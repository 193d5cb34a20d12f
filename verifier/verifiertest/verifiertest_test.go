package verifiertest_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/verifier/verifiertest"
)

func decodeSegment(t *testing.T, token string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMintDefaultsAndOverrides(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	before := time.Now().Unix()
	token := iss.Mint(t, map[string]any{"sub": "user_x", "sid": nil, "azp": "https://a.example"})
	h, c := decodeSegment(t, token, 0), decodeSegment(t, token, 1)
	if diff := cmp.Diff(map[string]any{"alg": "RS256", "typ": "JWT", "kid": verifiertest.DefaultKID}, h); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	iat, _ := c["iat"].(float64)
	if int64(iat) < before || c["exp"].(float64)-iat != 60 || iat-c["nbf"].(float64) != 10 {
		t.Errorf("times iat=%v nbf=%v exp=%v, want now, now-10, now+60", c["iat"], c["nbf"], c["exp"])
	}
	delete(c, "iat")
	delete(c, "nbf")
	delete(c, "exp")
	want := map[string]any{"iss": verifiertest.DefaultURL, "sub": "user_x", "azp": "https://a.example"}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

func TestJWKSEndpoint(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	get := func(auth string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, iss.Server.URL+"/v1/jwks", nil)
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := iss.Server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("Bearer " + iss.SecretKey); code != http.StatusOK || !strings.Contains(body, `"kid":"`+verifiertest.DefaultKID+`"`) {
		t.Errorf("with the secret key: %d %s", code, body)
	}
	if code, body := get("Bearer sk_test_other"); code != http.StatusUnauthorized || !strings.Contains(body, "clerk_key_invalid") {
		t.Errorf("with another key: %d %s", code, body)
	}
	if code, _ := get(""); code != http.StatusUnauthorized {
		t.Errorf("without a key: %d", code)
	}
	iss.SetDown(true)
	if code, _ := get("Bearer " + iss.SecretKey); code != http.StatusServiceUnavailable {
		t.Errorf("down: %d", code)
	}
	iss.SetDown(false)
	oldKID := iss.KID
	iss.Rotate(t)
	if code, body := get("Bearer " + iss.SecretKey); code != http.StatusOK || strings.Contains(body, `"`+oldKID+`"`) || !strings.Contains(body, `"`+iss.KID+`"`) {
		t.Errorf("after Rotate (kid %s → %s): %d %s", oldKID, iss.KID, code, body)
	}
	if got := iss.JWKSFetches(); got != 5 {
		t.Errorf("JWKSFetches = %d, want 5", got)
	}
}

func TestConfigAndPEM(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	cfg := iss.Config()
	if cfg.SecretKey != verifiertest.DefaultSecretKey || cfg.APIURL != iss.Server.URL || cfg.JWTKey != "" {
		t.Errorf("Config = %+v", cfg)
	}
	if !strings.HasPrefix(iss.PublicKeyPEM(), "-----BEGIN PUBLIC KEY-----\n") {
		t.Errorf("PublicKeyPEM = %q", iss.PublicKeyPEM())
	}
}

func TestMintRawKeepsPayloadBytes(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	payload := []byte(`{"sub":"user_1","sub":"user_admin","x":"\ud800"}`)
	tests := []struct {
		name       string
		header     map[string]any
		wantHeader map[string]any
	}{
		{"default header", nil, map[string]any{"alg": "RS256", "typ": "JWT", "kid": verifiertest.DefaultKID}},
		{"header with cat", map[string]any{"alg": "RS256", "cat": "cl_B7d4PD222AAA"}, map[string]any{"alg": "RS256", "cat": "cl_B7d4PD222AAA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := iss.MintRaw(t, tt.header, payload)
			if diff := cmp.Diff(tt.wantHeader, decodeSegment(t, token, 0)); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			got, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
			if err != nil || string(got) != string(payload) {
				t.Errorf("payload = %q (%v), want %q", got, err, payload)
			}
		})
	}
}
