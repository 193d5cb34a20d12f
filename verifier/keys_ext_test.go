package verifier_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

func spkiDER(t *testing.T, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func rsaKey(t *testing.T, bits int) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestInlineKeyFormats(t *testing.T) {
	t.Parallel()
	k2048, k3072, k4096 := rsaKey(t, 2048), rsaKey(t, 3072), rsaKey(t, 4096)
	pemOf := func(k *rsa.PrivateKey) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spkiDER(t, &k.PublicKey)}))
	}
	tests := []struct {
		name   string
		key    *rsa.PrivateKey
		jwtKey string
	}{
		{"full pem", k2048, pemOf(k2048)},
		{"one-line spki body as the dashboard shows it", k2048, base64.StdEncoding.EncodeToString(spkiDER(t, &k2048.PublicKey))},
		{"pem with literal \\n escapes from an env file", k2048, strings.ReplaceAll(strings.TrimSpace(pemOf(k2048)), "\n", `\n`)},
		{"pkcs1 rsa public key pem", k2048, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k2048.PublicKey)}))},
		{"rsa-3072", k3072, pemOf(k3072)},
		{"rsa-4096 one-line body", k4096, base64.StdEncoding.EncodeToString(spkiDER(t, &k4096.PublicKey))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := mustNew(t, verifier.Config{JWTKey: tt.jwtKey, Now: func() time.Time { return fixedNow }})
			token := verifiertest.Sign(t, tt.key, map[string]any{"alg": "RS256", "typ": "JWT", "kid": "any"},
				claimsAt(map[string]any{"iss": verifiertest.DefaultURL, "sub": "user_1"}), "RS256")
			if _, err := v.Verify(context.Background(), token); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			other := verifiertest.Sign(t, rsaKey(t, 2048), map[string]any{"alg": "RS256"},
				claimsAt(map[string]any{"iss": verifiertest.DefaultURL, "sub": "user_1"}), "RS256")
			_, err := v.Verify(context.Background(), other)
			wantReason(t, err, verifier.ReasonInvalidSignature)
		})
	}
}

func TestInlineKeyRejectedAtNew(t *testing.T) {
	t.Parallel()
	k1024 := rsaKey(t, 1024)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	good := base64.StdEncoding.EncodeToString(spkiDER(t, &rsaKey(t, 2048).PublicKey))
	tests := []struct {
		name   string
		jwtKey string
	}{
		{"rsa-1024", base64.StdEncoding.EncodeToString(spkiDER(t, &k1024.PublicKey))},
		{"ecdsa p-256", base64.StdEncoding.EncodeToString(spkiDER(t, &ec.PublicKey))},
		{"not base64", "not a key!"},
		{"base64 but not der", base64.StdEncoding.EncodeToString([]byte("hello world"))},
		{"truncated body", good[:len(good)-8]},
		{"private key pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}))},
		{"pem with trailing data", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spkiDER(t, &rsaKey(t, 2048).PublicKey)})) + "junk"},
		{"pem header only", "-----BEGIN PUBLIC KEY-----"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := verifier.New(verifier.Config{JWTKey: tt.jwtKey})
			if v != nil || verifier.ReasonOf(err) != verifier.ReasonKeyInvalid || !errors.Is(err, verifier.ErrKeyMissing) {
				t.Fatalf("New = %v, %v; want nil and a %s error", v, err, verifier.ReasonKeyInvalid)
			}
			if strings.Contains(err.Error(), tt.jwtKey) && tt.jwtKey != "" {
				t.Errorf("error %q repeats the key", err)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  verifier.Config
	}{
		{"negative skew", verifier.Config{ClockSkew: -time.Second}},
		{"negative refresh interval", verifier.Config{RefreshInterval: -time.Second}},
		{"negative min refresh interval", verifier.Config{MinRefreshInterval: -1}},
		{"relative api url", verifier.Config{SecretKey: "sk_test_x", APIURL: "api.clerk.com"}},
		{"ftp api url", verifier.Config{SecretKey: "sk_test_x", APIURL: "ftp://api.clerk.com"}},
		{"api url with credentials", verifier.Config{SecretKey: "sk_test_x", APIURL: "https://u:p@api.clerk.com"}},
		{"api version with a slash", verifier.Config{SecretKey: "sk_test_x", APIVersion: "v1/../x"}},
		{"http issuer", verifier.Config{Issuers: []string{"http://clerk.example.com"}}},
		{"relative issuer", verifier.Config{Issuers: []string{"clerk.example.com"}}},
		{"empty authorized party", verifier.Config{AuthorizedParties: []string{"https://a.com", ""}}},
		{"empty audience", verifier.Config{Audiences: []string{"https://api.example.com", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := verifier.New(tt.cfg)
			if err == nil || v != nil {
				t.Fatalf("New = %v, %v; want an error", v, err)
			}
			if !strings.HasPrefix(err.Error(), "verifier: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}
