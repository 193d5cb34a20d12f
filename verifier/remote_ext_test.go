package verifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/internal/redirecttest"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// remoteVerifier verifies against iss's JWKS endpoint with clock c.
func remoteVerifier(t *testing.T, iss *verifiertest.Issuer, c *testClock, mod func(*verifier.Config)) *verifier.Verifier {
	t.Helper()
	cfg := iss.Config()
	cfg.Now = c.Now
	if mod != nil {
		mod(&cfg)
	}
	return mustNew(t, cfg)
}

// tokenAt mints a token valid at c's current time.
func tokenAt(t *testing.T, iss *verifiertest.Issuer, c *testClock, extra map[string]any) string {
	t.Helper()
	n := c.Now().Unix()
	m := map[string]any{"iat": n, "nbf": n - 10, "exp": n + 60}
	for k, v := range extra {
		m[k] = v
	}
	return iss.Mint(t, m)
}

func verifyOK(t *testing.T, v *verifier.Verifier, token string) {
	t.Helper()
	if _, err := v.Verify(context.Background(), token); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func wantFetches(t *testing.T, iss *verifiertest.Issuer, want int) {
	t.Helper()
	if got := iss.JWKSFetches(); got != want {
		t.Fatalf("JWKS fetches = %d, want %d", got, want)
	}
}

// waitFetches waits (up to 10 s) for a background fetch to reach the server.
func waitFetches(t *testing.T, iss *verifiertest.Issuer, want int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); iss.JWKSFetches() < want && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	wantFetches(t, iss, want)
}

func TestJWKSWarmCacheFetchesOnce(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(time.Now())
	v := remoteVerifier(t, iss, c, func(cfg *verifier.Config) { cfg.CacheSize = -1 })
	for i := range 5 {
		verifyOK(t, v, tokenAt(t, iss, c, map[string]any{"sid": "sess_" + strconv.Itoa(i)}))
		c.Advance(time.Minute)
	}
	wantFetches(t, iss, 1)
}

func TestJWKSRotation(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(time.Now())
	v := remoteVerifier(t, iss, c, nil)
	old := tokenAt(t, iss, c, nil)
	verifyOK(t, v, old)
	verifyOK(t, v, old) // a decision-cache hit
	wantFetches(t, iss, 1)

	iss.Rotate(t)
	c.Advance(6 * time.Second)
	verifyOK(t, v, tokenAt(t, iss, c, nil)) // new kid: one refresh, then verifies
	wantFetches(t, iss, 2)

	// The old key left the set: its cached decision no longer counts.
	_, err := v.Verify(context.Background(), old)
	wantReason(t, err, verifier.ReasonKidMismatch)
	wantFetches(t, iss, 2)
}

// TestJWKSRemovedKeyAfterIdle: refreshes start when keys are asked for,
// so after hours without a call the snapshot is hours old. A key Clerk
// removed meanwhile (a leaked one, say) must not verify the first token
// that comes: with keys two refresh periods old and Clerk reachable, the
// call waits for the refresh. Through an outage the stale key still serves
// (TestJWKSOutageServesStaleKeys).
func TestJWKSRemovedKeyAfterIdle(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(time.Now())
	v := remoteVerifier(t, iss, c, func(cfg *verifier.Config) { cfg.CacheSize = -1 })
	verifyOK(t, v, tokenAt(t, iss, c, nil))
	_, err := v.Verify(context.Background(), rotatedAway(t, iss, c))
	wantReason(t, err, verifier.ReasonKidMismatch)
	wantFetches(t, iss, 2)
	verifyOK(t, v, tokenAt(t, iss, c, map[string]any{"sid": "sess_new"}))

	// A refresh that failed long before the idle spell does not count as
	// an outage under way: the wait still happens.
	iss.SetDown(true)
	c.Advance(6 * time.Minute)
	verifyOK(t, v, tokenAt(t, iss, c, map[string]any{"sid": "sess_outage"})) // stale keys serve
	waitFetches(t, iss, 3)                                                   // the refresh that failed
	iss.SetDown(false)
	_, err = v.Verify(context.Background(), rotatedAway(t, iss, c))
	wantReason(t, err, verifier.ReasonKidMismatch)
}

// rotatedAway rotates iss's key (Clerk now serves only the new one), lets
// three idle hours pass on c, and returns a token signed, then, with the
// key Clerk removed.
func rotatedAway(t *testing.T, iss *verifiertest.Issuer, c *testClock) string {
	t.Helper()
	oldKey, oldKid := iss.Key, iss.KID
	iss.Rotate(t)
	c.Advance(3 * time.Hour)
	n := c.Now().Unix()
	return verifiertest.Sign(t, oldKey, map[string]any{"alg": "RS256", "kid": oldKid, "typ": "JWT"},
		map[string]any{"sub": "user_x", "sid": "sess_x", "iss": iss.URL, "iat": n, "nbf": n - 10, "exp": n + 60}, "RS256")
}

func TestJWKSOutageServesStaleKeys(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(time.Now())
	v := remoteVerifier(t, iss, c, func(cfg *verifier.Config) { cfg.CacheSize = -1 })
	verifyOK(t, v, tokenAt(t, iss, c, nil))
	iss.SetDown(true)
	c.Advance(10 * time.Minute) // keys are stale: a background refresh starts and fails
	verifyOK(t, v, tokenAt(t, iss, c, map[string]any{"sid": "sess_2"}))
	waitFetches(t, iss, 2) // the background refresh
	verifyOK(t, v, tokenAt(t, iss, c, map[string]any{"sid": "sess_3"}))
}

// TestJWKSColdOutageRetriesEvery5s: before the first load there are no
// stale keys to serve, so a failed fetch is retried every RetryInterval and
// never backs off (DESIGN Operations: Readiness).
func TestJWKSColdOutageRetriesEvery5s(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	iss.SetDown(true)
	c := newClock(time.Now())
	v := remoteVerifier(t, iss, c, nil)
	token := tokenAt(t, iss, c, nil)
	for range 10 {
		_, err := v.Verify(context.Background(), token)
		wantReason(t, err, verifier.ReasonKeyFetch)
	}
	wantFetches(t, iss, 1)
	c.Advance(4 * time.Second)
	_, _ = v.Verify(context.Background(), token)
	wantFetches(t, iss, 1)
	for i := range 4 { // every 5 s, however many failures came before
		c.Advance(5 * time.Second)
		_, _ = v.Verify(context.Background(), token)
		wantFetches(t, iss, 2+i)
	}
	iss.SetDown(false)
	c.Advance(5 * time.Second)
	verifyOK(t, v, token)
	wantFetches(t, iss, 6)
}

// TestJWKSWarmOutageBacksOff: after the first load, stale keys serve
// during an outage, and refresh attempts back off from MinRefreshInterval.
func TestJWKSWarmOutageBacksOff(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(time.Now())
	v := remoteVerifier(t, iss, c, func(cfg *verifier.Config) { cfg.CacheSize = -1 })
	verifyOK(t, v, tokenAt(t, iss, c, nil))
	iss.SetDown(true)
	unknownKid := func() {
		t.Helper()
		n := c.Now().Unix()
		tok := iss.MintWithHeader(t, map[string]any{"alg": "RS256", "kid": "ins_unknown"},
			map[string]any{"iat": n, "nbf": n - 10, "exp": n + 60})
		_, err := v.Verify(context.Background(), tok)
		wantReason(t, err, verifier.ReasonKeyFetch)
	}
	c.Advance(5 * time.Second)
	unknownKid()
	wantFetches(t, iss, 2)
	c.Advance(5 * time.Second) // one failure: the gap is MinRefreshInterval
	unknownKid()
	wantFetches(t, iss, 3)
	c.Advance(5 * time.Second) // two failures: the gap doubled to 10 s
	unknownKid()
	wantFetches(t, iss, 3)
	verifyOK(t, v, tokenAt(t, iss, c, map[string]any{"sid": "sess_stale"}))
	if st := v.KeyStatus(); !st.Ready || st.Cause == nil {
		t.Errorf("KeyStatus during a warm outage = %+v, want Ready with the cause", st)
	}
	c.Advance(5 * time.Second)
	unknownKid()
	wantFetches(t, iss, 4)
}

func TestJWKSUnknownKidStorm(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(time.Now())
	v := remoteVerifier(t, iss, c, nil)
	verifyOK(t, v, tokenAt(t, iss, c, nil))
	c.Advance(time.Minute)
	n := c.Now().Unix()
	tokens := make([]string, 50)
	for i := range tokens {
		tokens[i] = iss.MintWithHeader(t, map[string]any{"alg": "RS256", "kid": "ins_random_" + strconv.Itoa(i)},
			map[string]any{"iat": n, "nbf": n - 10, "exp": n + 60})
	}
	var wg sync.WaitGroup
	var mismatches atomic.Int64
	for _, tok := range tokens {
		wg.Go(func() {
			_, err := v.Verify(context.Background(), tok)
			if verifier.ReasonOf(err) == verifier.ReasonKidMismatch {
				mismatches.Add(1)
			}
		})
	}
	wg.Wait()
	wantFetches(t, iss, 2)
	if got := mismatches.Load(); got != 50 {
		t.Errorf("kid mismatches = %d, want 50", got)
	}
}

func TestJWKSColdStartStormSharesOneFetch(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(time.Now())
	v := remoteVerifier(t, iss, c, func(cfg *verifier.Config) { cfg.CacheSize = -1 })
	token := tokenAt(t, iss, c, nil)
	var wg sync.WaitGroup
	var failures atomic.Int64
	for range 50 {
		wg.Go(func() {
			if _, err := v.Verify(context.Background(), token); err != nil {
				failures.Add(1)
			}
		})
	}
	wg.Wait()
	wantFetches(t, iss, 1)
	if got := failures.Load(); got != 0 {
		t.Errorf("%d verifications failed, want 0", got)
	}
}

func TestJWKSMinRefreshInterval(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(time.Now())
	v := remoteVerifier(t, iss, c, func(cfg *verifier.Config) { cfg.MinRefreshInterval = 30 * time.Second })
	verifyOK(t, v, tokenAt(t, iss, c, nil))
	unknown := func() {
		t.Helper()
		n := c.Now().Unix()
		tok := iss.MintWithHeader(t, map[string]any{"alg": "RS256", "kid": "ins_unknown"},
			map[string]any{"iat": n, "nbf": n - 10, "exp": n + 60})
		_, err := v.Verify(context.Background(), tok)
		wantReason(t, err, verifier.ReasonKidMismatch)
	}
	unknown()
	wantFetches(t, iss, 1) // the warm-up fetch was 0 s ago
	c.Advance(29 * time.Second)
	unknown()
	wantFetches(t, iss, 1)
	c.Advance(time.Second)
	unknown()
	wantFetches(t, iss, 2)
	unknown()
	wantFetches(t, iss, 2)
}

// TestJWKSSecretKeyRejected: a rejected secret key leaves the verifier
// unready and is retried every RetryInterval (not once per refresh
// interval), so that a fixed key is seen within one retry; the error never
// carries the key.
func TestJWKSSecretKeyRejected(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(time.Now())
	const wrong = "sk_test_wrong_secret_value"
	v := remoteVerifier(t, iss, c, func(cfg *verifier.Config) { cfg.SecretKey = wrong })
	token := tokenAt(t, iss, c, nil)
	for i := range 5 {
		_, err := v.Verify(context.Background(), token)
		wantReason(t, err, verifier.ReasonSecretKeyInvalid)
		if !errors.Is(err, verifier.ErrKeyFetch) || strings.Contains(err.Error(), wrong) {
			t.Fatalf("err = %v; want ErrKeyFetch without the secret key", err)
		}
		wantFetches(t, iss, 1+i)
		c.Advance(5 * time.Second)
	}
	st := v.KeyStatus()
	if st.Ready || verifier.ReasonOf(st.Cause) != verifier.ReasonSecretKeyInvalid || strings.Contains(st.Cause.Error(), wrong) {
		t.Errorf("KeyStatus = %+v, want not ready, cause secret-key-invalid without the key", st)
	}
}

func TestJWKSWaiterLeavesOnContextDone(t *testing.T) {
	t.Parallel()
	release, arrived := make(chan struct{}), make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		http.Error(w, "slow", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	iss := verifiertest.NewIssuer(t)
	v := mustNew(t, verifier.Config{SecretKey: "sk_test_x", APIURL: srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-arrived // the fetch is in flight: give up waiting for it
		cancel()
	}()
	_, err := v.Verify(ctx, iss.Mint(t, nil))
	wantReason(t, err, verifier.ReasonKeyFetch)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want it to wrap context.Canceled", err)
	}
}

func TestJWKSAfterClose(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(time.Now())
	warm := remoteVerifier(t, iss, c, nil)
	verifyOK(t, warm, tokenAt(t, iss, c, nil))
	cold := remoteVerifier(t, iss, c, nil)
	warm.Close()
	cold.Close()
	warm.Close() // idempotent
	verifyOK(t, warm, tokenAt(t, iss, c, map[string]any{"sid": "sess_after_close"}))
	_, err := cold.Verify(context.Background(), tokenAt(t, iss, c, nil))
	wantReason(t, err, verifier.ReasonKeyFetch)
	wantFetches(t, iss, 1)
}

// jwksServer serves body with status for GET {prefix}/v1/jwks and records
// the last request's headers.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	headers http.Header
	path    string
}

func newJWKSServer(t *testing.T, status int, body string) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.headers, s.path = r.Header.Clone(), r.URL.Path
		s.mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func jwksJSON(t *testing.T, keys ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestJWKSRequest(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	srv := newJWKSServer(t, http.StatusOK, jwksJSON(t, verifiertest.JWK(&iss.Key.PublicKey, iss.KID, "RS256")))
	v := mustNew(t, verifier.Config{SecretKey: "sk_live_abc", APIURL: srv.URL + "/proxy/", APIVersion: "v2"})
	verifyOK(t, v, iss.Mint(t, nil))
	srv.mu.Lock()
	defer srv.mu.Unlock()
	got := map[string]string{
		"path":          srv.path,
		"authorization": srv.headers.Get("Authorization"),
		"cache-control": srv.headers.Get("Cache-Control"),
	}
	want := map[string]string{"path": "/proxy/v2/jwks", "authorization": "Bearer sk_live_abc", "cache-control": "no-cache"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

func TestJWKSBadResponses(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	ec := map[string]any{"kty": "EC", "kid": iss.KID, "crv": "P-256",
		"x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
	tests := []struct {
		name   string
		status int
		body   string
		want   verifier.Reason
	}{
		{"server error", http.StatusInternalServerError, `{}`, verifier.ReasonKeyFetch},
		{"clerk_key_invalid on 403", http.StatusForbidden, `{"errors":[{"code":"clerk_key_invalid"}]}`, verifier.ReasonSecretKeyInvalid},
		{"not json", http.StatusOK, `<html>`, verifier.ReasonKeyFetch},
		{"empty key set", http.StatusOK, `{"keys":[]}`, verifier.ReasonKeyFetch},
		{"only an ec key", http.StatusOK, jwksJSON(t, ec), verifier.ReasonKeyFetch},
		{"only an encryption key", http.StatusOK, jwksJSON(t, withField(verifiertest.JWK(&iss.Key.PublicKey, iss.KID, ""), "use", "enc")), verifier.ReasonKeyFetch},
		{"only a weak key", http.StatusOK, jwksJSON(t, verifiertest.JWK(&rsaKey(t, 1024).PublicKey, iss.KID, "RS256")), verifier.ReasonKeyFetch},
		{"body over 1 MiB", http.StatusOK, `{"keys":[],"pad":"` + strings.Repeat("x", 1<<20) + `"}`, verifier.ReasonKeyFetch},
		{"other kid only", http.StatusOK, jwksJSON(t, verifiertest.JWK(&iss.Key.PublicKey, "ins_other", "RS256")), verifier.ReasonKidMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newJWKSServer(t, tt.status, tt.body)
			v := mustNew(t, verifier.Config{SecretKey: "sk_test_x", APIURL: srv.URL})
			_, err := v.Verify(context.Background(), iss.Mint(t, nil))
			wantReason(t, err, tt.want)
		})
	}
}

func withField(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

func TestJWKSKeyAlgorithm(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	pinned := newJWKSServer(t, http.StatusOK, jwksJSON(t, verifiertest.JWK(&iss.Key.PublicKey, iss.KID, "RS256")))
	open := newJWKSServer(t, http.StatusOK, jwksJSON(t, verifiertest.JWK(&iss.Key.PublicKey, iss.KID, "")))
	tests := []struct {
		name string
		srv  *jwksServer
		alg  string
		want verifier.Reason
	}{
		{"jwk alg RS256 accepts RS256", pinned, "RS256", ""},
		{"jwk alg RS256 rejects RS512", pinned, "RS512", verifier.ReasonInvalidAlgorithm},
		{"jwk alg RS256 rejects RS384", pinned, "RS384", verifier.ReasonInvalidAlgorithm},
		{"jwk without alg accepts RS384", open, "RS384", ""},
		{"jwk without alg accepts RS512", open, "RS512", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := mustNew(t, verifier.Config{SecretKey: "sk_test_x", APIURL: tt.srv.URL})
			_, err := v.Verify(context.Background(), iss.MintWithHeader(t, map[string]any{"alg": tt.alg, "kid": iss.KID}, nil))
			wantReason(t, err, tt.want)
		})
	}
}

// TestJWKSRedirectNotFollowed: the JWKS request carries the secret key,
// which Go's client would resend on a same-host redirect, even to plain
// HTTP. A redirect is a fetch error, and its target sees no request.
func TestJWKSRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	apiURL, reached := redirecttest.Server(t)
	iss := verifiertest.NewIssuer(t)
	// The default client, and a client of the caller's without a redirect
	// policy (cmd/authsvc passes a traced one).
	for _, hc := range []*http.Client{nil, {Timeout: 5 * time.Second}} {
		cfg := iss.Config()
		cfg.APIURL, cfg.HTTPClient = apiURL, hc
		v := mustNew(t, cfg)
		_, err := v.Verify(context.Background(), iss.Mint(t, nil))
		wantReason(t, err, verifier.ReasonKeyFetch)
	}
	if n := reached(); n != 0 {
		t.Errorf("the redirect's target got %d requests", n)
	}
}
