package verifier_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// testClock is a settable clock, safe for concurrent use.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *testClock { return &testClock{now: t} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fixedNow is the clock every table test uses: whole seconds, so that
// boundaries are exact.
var fixedNow = time.Unix(1_800_000_000, 0)

// claimsAt returns default claims valid at fixedNow, merged with extra (a nil
// value removes a claim).
func claimsAt(extra map[string]any) map[string]any {
	n := fixedNow.Unix()
	m := map[string]any{"iat": n - 5, "nbf": n - 10, "exp": n + 60}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func mustNew(t testing.TB, cfg verifier.Config) *verifier.Verifier {
	t.Helper()
	v, err := verifier.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(v.Close)
	return v
}

// inlineVerifier verifies with iss's public key as the inline key, at fixedNow.
func inlineVerifier(t testing.TB, iss *verifiertest.Issuer, mod func(*verifier.Config)) *verifier.Verifier {
	t.Helper()
	cfg := verifier.Config{JWTKey: iss.PublicKeyPEM(), Now: func() time.Time { return fixedNow }}
	if mod != nil {
		mod(&cfg)
	}
	return mustNew(t, cfg)
}

func b64(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hs256 signs header.payload with HMAC-SHA256 under secret (the classic
// "public key as HMAC secret" confusion).
func hs256(header, payload any, secret []byte) string {
	input := b64(header) + "." + b64(payload)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// tamperPayload replaces the payload of a signed token, keeping its signature.
func tamperPayload(token string, payload any) string {
	parts := strings.Split(token, ".")
	return parts[0] + "." + b64(payload) + "." + parts[2]
}

func wantReason(t *testing.T, err error, want verifier.Reason) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("err = %v, want success", err)
		}
		return
	}
	if got := verifier.ReasonOf(err); got != want {
		t.Fatalf("reason = %q (err %v), want %q", got, err, want)
	}
}
