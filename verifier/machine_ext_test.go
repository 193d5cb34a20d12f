package verifier_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

const (
	catSession  = "cl_B7d4PD111AAA"
	catTemplate = "cl_B7d4PD222AAA"
	catM2M      = "cl_B7d4PD333AAA"
)

func machineHeader(iss *verifiertest.Issuer, typ, cat string) map[string]any {
	h := map[string]any{"alg": "RS256", "typ": typ, "kid": iss.KID}
	if cat != "" {
		h["cat"] = cat
	}
	return h
}

// TestVerifyTokenJWTKinds pins the machine-JWT classification and the
// accepts rule: rows are kind × accepted × valid/expired/wrong category.
func TestVerifyTokenJWTKinds(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := mustNew(t, iss.Config())
	now := time.Now().Unix()
	m2m := map[string]any{"sub": "mch_1", "sid": nil, "jti": "mt_jwt1", "aud": []string{"mch_2"}}
	oauth := map[string]any{"sub": "user_1", "sid": nil, "jti": "oat_jwt1", "client_id": "client_1", "scope": "read write"}
	all := []verifier.TokenKind{verifier.KindSession, verifier.KindM2M, verifier.KindOAuth}
	merge := func(a map[string]any, b map[string]any) map[string]any {
		out := map[string]any{}
		for k, x := range a {
			out[k] = x
		}
		for k, x := range b {
			out[k] = x
		}
		return out
	}
	tests := []struct {
		name    string
		token   string
		accepts []verifier.TokenKind
		want    verifier.TokenKind
		wantErr verifier.Reason
	}{
		{"m2m by cat accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), m2m), []verifier.TokenKind{verifier.KindM2M}, verifier.KindM2M, ""},
		{"m2m by sub accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", ""), m2m), []verifier.TokenKind{verifier.KindM2M}, verifier.KindM2M, ""},
		{"m2m cat with user sub accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), merge(m2m, map[string]any{"sub": "user_1"})), []verifier.TokenKind{verifier.KindM2M}, verifier.KindM2M, ""},
		{"m2m with all accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), m2m), all, verifier.KindM2M, ""},
		{"m2m not accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), m2m), []verifier.TokenKind{verifier.KindOAuth}, 0, verifier.ReasonTokenTypeMismatch},
		{"m2m default accepts session only", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), m2m), nil, 0, verifier.ReasonTokenTypeMismatch},
		{"m2m expired", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), merge(m2m, map[string]any{"exp": now - 60})), []verifier.TokenKind{verifier.KindM2M}, 0, verifier.ReasonExpired},
		{"m2m without exp", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), merge(m2m, map[string]any{"exp": nil})), []verifier.TokenKind{verifier.KindM2M}, 0, verifier.ReasonTokenInvalid},
		{"m2m sub with session category", iss.MintWithHeader(t, machineHeader(iss, "JWT", catSession), m2m), []verifier.TokenKind{verifier.KindM2M}, 0, verifier.ReasonTokenTypeMismatch},
		{"m2m sub with template category", iss.MintWithHeader(t, machineHeader(iss, "JWT", catTemplate), m2m), []verifier.TokenKind{verifier.KindM2M}, 0, verifier.ReasonTokenTypeMismatch},
		{"m2m wrong issuer", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), merge(m2m, map[string]any{"iss": "https://evil.example.com"})), []verifier.TokenKind{verifier.KindM2M}, 0, verifier.ReasonInvalidIssuer},
		{"m2m without issuer accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), merge(m2m, map[string]any{"iss": nil})), []verifier.TokenKind{verifier.KindM2M}, verifier.KindM2M, ""},
		{"m2m bad signature checked before kind", tamperSig(iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), m2m)), []verifier.TokenKind{verifier.KindOAuth}, 0, verifier.ReasonInvalidSignature},
		{"m2m scopes of the wrong type", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), merge(m2m, map[string]any{"scopes": 5})), []verifier.TokenKind{verifier.KindM2M}, 0, verifier.ReasonTokenInvalid},
		{"m2m scopes as a string accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), merge(m2m, map[string]any{"scopes": "a b"})), []verifier.TokenKind{verifier.KindM2M}, verifier.KindM2M, ""},
		{"oauth at+jwt accepted", iss.MintWithHeader(t, machineHeader(iss, "at+jwt", ""), oauth), []verifier.TokenKind{verifier.KindOAuth}, verifier.KindOAuth, ""},
		{"oauth application/at+jwt accepted", iss.MintWithHeader(t, machineHeader(iss, "application/at+jwt", ""), oauth), all, verifier.KindOAuth, ""},
		{"oauth not accepted", iss.MintWithHeader(t, machineHeader(iss, "at+jwt", ""), oauth), []verifier.TokenKind{verifier.KindM2M}, 0, verifier.ReasonTokenTypeMismatch},
		{"oauth at+jwt refused on the session path", iss.MintWithHeader(t, machineHeader(iss, "at+jwt", ""), oauth), []verifier.TokenKind{verifier.KindSession}, 0, verifier.ReasonTokenInvalid},
		{"oauth expired", iss.MintWithHeader(t, machineHeader(iss, "at+jwt", ""), merge(oauth, map[string]any{"exp": now - 60})), []verifier.TokenKind{verifier.KindOAuth}, 0, verifier.ReasonExpired},
		{"oauth with session category", iss.MintWithHeader(t, machineHeader(iss, "at+jwt", catSession), oauth), []verifier.TokenKind{verifier.KindOAuth}, 0, verifier.ReasonTokenTypeMismatch},
		{"oauth without issuer", iss.MintWithHeader(t, machineHeader(iss, "at+jwt", ""), merge(oauth, map[string]any{"iss": nil})), []verifier.TokenKind{verifier.KindOAuth}, 0, verifier.ReasonInvalidIssuer},
		{"session accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", catSession), nil), all, verifier.KindSession, ""},
		{"session not accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", catSession), nil), []verifier.TokenKind{verifier.KindM2M, verifier.KindOAuth}, 0, verifier.ReasonTokenTypeMismatch},
		{"template never accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", catTemplate), nil), all, 0, verifier.ReasonTokenTypeMismatch},
		{"template refused with the zero kind accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", catTemplate), nil), []verifier.TokenKind{verifier.KindUnknown}, 0, verifier.ReasonTokenTypeMismatch},
		{"unknown category refused with the zero kind accepted", iss.MintWithHeader(t, machineHeader(iss, "JWT", "cl_unknown"), nil), []verifier.TokenKind{verifier.KindUnknown, verifier.KindM2M}, 0, verifier.ReasonTokenTypeMismatch},
		{"other typ refused", iss.MintWithHeader(t, machineHeader(iss, "dpop+jwt", catM2M), m2m), all, 0, verifier.ReasonTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Twice: the second answer comes from the decision cache
			// and must be the same.
			for range 2 {
				res, err := v.VerifyToken(context.Background(), tt.token, verifier.VerifyTokenOptions{Accepts: tt.accepts})
				if got := verifier.ReasonOf(err); got != tt.wantErr {
					t.Fatalf("reason = %q (%v), want %q", got, err, tt.wantErr)
				}
				if err != nil {
					continue
				}
				if res.Kind != tt.want {
					t.Fatalf("kind = %v, want %v", res.Kind, tt.want)
				}
				if (res.Kind == verifier.KindSession) != (res.Claims != nil) || (res.Kind != verifier.KindSession) != (res.Machine != nil) {
					t.Fatalf("result = %+v: claims and machine do not match the kind", res)
				}
			}
		})
	}
}

// TestVerifyTokenCacheKeepsKinds: a machine JWT verified with its kind
// accepted is not served from cache to a call that does not accept it, and
// the session path never sees it.
func TestVerifyTokenCacheKeepsKinds(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := mustNew(t, iss.Config())
	tok := iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), map[string]any{"sub": "mch_1", "sid": nil, "jti": "mt_x", "scopes": []string{"mch_2"}})
	res, err := v.VerifyToken(context.Background(), tok, verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindM2M}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"mch_2"}, res.Machine.Scopes); diff != "" || res.Machine.ID != "mt_x" || res.Machine.Subject != "mch_1" || !res.Machine.JWT {
		t.Fatalf("machine = %+v (scopes diff %s)", res.Machine, diff)
	}
	if _, err := v.VerifyToken(context.Background(), tok, verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindOAuth}}); verifier.ReasonOf(err) != verifier.ReasonTokenTypeMismatch {
		t.Fatalf("oauth-only call: %v, want token-type-mismatch", err)
	}
	if _, err := v.Verify(context.Background(), tok); verifier.ReasonOf(err) != verifier.ReasonTokenTypeMismatch {
		t.Fatalf("session Verify: %v, want token-type-mismatch", err)
	}
}

// fakeOpaque is an OpaqueVerifier over a map, counting calls.
type fakeOpaque struct {
	calls   atomic.Int64
	tokens  map[string]*verifier.Machine
	revoked atomic.Bool // every token refused
	outage  atomic.Bool
}

var errOutage = errors.New("fake outage")

func (f *fakeOpaque) VerifyOpaque(_ context.Context, kind verifier.TokenKind, token string) (*verifier.Machine, error) {
	f.calls.Add(1)
	if f.outage.Load() {
		return nil, errOutage
	}
	m, ok := f.tokens[token]
	if !ok || f.revoked.Load() {
		return nil, &verifier.Error{Reason: verifier.ReasonTokenInvalid, Detail: "not found"}
	}
	return m, nil
}

// TestVerifyTokenOpaqueCache: successes are cached for the TTL (with the
// injected clock), failures never; a revoked token is refused once the TTL
// has passed; a cached token of one kind is not served as another.
func TestVerifyTokenOpaqueCache(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	clock := newClock(fixedNow)
	cfg := iss.Config()
	cfg.Now = clock.Now
	cfg.OpaqueCacheTTL = 10 * time.Second
	v := mustNew(t, cfg)
	f := &fakeOpaque{tokens: map[string]*verifier.Machine{
		"ak_live": {ID: "ak_1", Subject: "user_1"},
		"mt_old":  {ID: "mt_1", Subject: "mch_1", Expiration: fixedNow.Unix() - 60},
	}}
	opts := verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindAPIKey, verifier.KindM2M}, Opaque: f}
	verify := func(tok string) error {
		_, err := v.VerifyToken(context.Background(), tok, opts)
		return err
	}
	if err := verify("ak_live"); err != nil {
		t.Fatal(err)
	}
	if err := verify("ak_live"); err != nil || f.calls.Load() != 1 {
		t.Fatalf("second verify: err %v, calls %d, want a cache hit", err, f.calls.Load())
	}
	f.revoked.Store(true)
	clock.Advance(9 * time.Second)
	if err := verify("ak_live"); err != nil {
		t.Fatalf("revoked within the TTL: %v, want still accepted (the documented delay)", err)
	}
	clock.Advance(time.Second)
	if err := verify("ak_live"); verifier.ReasonOf(err) != verifier.ReasonTokenInvalid {
		t.Fatalf("revoked after the TTL: %v, want token-invalid", err)
	}
	calls := f.calls.Load()
	if err := verify("ak_live"); err == nil || f.calls.Load() != calls+1 {
		t.Fatalf("failure was cached: err %v, calls %d", err, f.calls.Load())
	}
	f.revoked.Store(false)
	if err := verify("mt_old"); verifier.ReasonOf(err) != verifier.ReasonExpired {
		t.Fatalf("expired opaque: %v, want token-expired", err)
	}
	if err := verify("oat_x"); verifier.ReasonOf(err) != verifier.ReasonTokenTypeMismatch {
		t.Fatalf("oauth not accepted: %v, want token-type-mismatch", err)
	}
	f.outage.Store(true)
	if err := verify("ak_live"); !errors.Is(err, errOutage) {
		t.Fatalf("outage: %v, want the verifier's error", err)
	}
	if _, err := v.VerifyToken(context.Background(), "ak_live", verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindAPIKey}}); verifier.ReasonOf(err) != verifier.ReasonKeyMissing {
		t.Fatalf("no opaque verifier: %v, want jwk-failed-to-resolve", err)
	}
}

// TestVerifyTokenOpaqueCacheDisabled: a negative TTL asks Clerk every time.
func TestVerifyTokenOpaqueCacheDisabled(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	cfg := iss.Config()
	cfg.OpaqueCacheTTL = -1
	v := mustNew(t, cfg)
	f := &fakeOpaque{tokens: map[string]*verifier.Machine{"mt_a": {ID: "mt_a", Subject: "mch_1"}}}
	opts := verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindM2M}, Opaque: f}
	for range 3 {
		if _, err := v.VerifyToken(context.Background(), "mt_a", opts); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.calls.Load(); got != 3 {
		t.Fatalf("calls = %d, want 3 with the cache disabled", got)
	}
}

func TestOpaqueKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		token string
		want  verifier.TokenKind
	}{
		{"mt_abc", verifier.KindM2M},
		{"ak_abc", verifier.KindAPIKey},
		{"oat_abc", verifier.KindOAuth},
		{"eyJhbGciOiJSUzI1NiJ9.e30.x", verifier.KindUnknown},
		{"MT_abc", verifier.KindUnknown},
		{"mt", verifier.KindUnknown},
		{"", verifier.KindUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			t.Parallel()
			if got := verifier.OpaqueKind(tt.token); got != tt.want {
				t.Fatalf("OpaqueKind(%q) = %v, want %v", tt.token, got, tt.want)
			}
		})
	}
}

// tamperSig changes one character in the middle of a token's signature.
func tamperSig(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 10
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

// TestPeekKind: the unverified hint reads the prefix or the header only.
func TestPeekKind(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	tests := []struct {
		name  string
		token string
		want  verifier.TokenKind
	}{
		{"opaque api key", "ak_x", verifier.KindAPIKey},
		{"m2m category", iss.MintWithHeader(t, machineHeader(iss, "JWT", catM2M), nil), verifier.KindM2M},
		{"at+jwt", iss.MintWithHeader(t, machineHeader(iss, "at+jwt", ""), nil), verifier.KindOAuth},
		{"session", iss.Mint(t, nil), verifier.KindUnknown},
		{"m2m by sub only", iss.MintWithHeader(t, machineHeader(iss, "JWT", ""), map[string]any{"sub": "mch_1"}), verifier.KindUnknown},
		{"garbage", "not.a.jwt", verifier.KindUnknown},
		{"no dot", "eyJhbGciOiJSUzI1NiJ9", verifier.KindUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := verifier.PeekKind(tt.token); got != tt.want {
				t.Fatalf("PeekKind = %v, want %v", got, tt.want)
			}
		})
	}
}

// gatedOpaque blocks every call until gate closes, counting calls.
type gatedOpaque struct {
	gate  chan struct{}
	calls atomic.Int64
}

func (g *gatedOpaque) VerifyOpaque(ctx context.Context, _ verifier.TokenKind, _ string) (*verifier.Machine, error) {
	g.calls.Add(1)
	select {
	case <-g.gate:
		return &verifier.Machine{ID: "ak_1", Subject: "user_1"}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestVerifyTokenOpaqueOneFlight: concurrent calls with one uncached token
// make one Backend API call (Clerk bills each verification).
func TestVerifyTokenOpaqueOneFlight(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := mustNew(t, iss.Config())
	g := &gatedOpaque{gate: make(chan struct{})}
	opts := verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindAPIKey}, Opaque: g}
	const n = 16
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := v.VerifyToken(context.Background(), "ak_shared", opts)
			errs <- err
		}()
	}
	waitUntil(t, func() bool { return g.calls.Load() >= 1 })
	close(g.gate)
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// Late starters may have found the cache instead of the flight; none
	// may have made a second call.
	if got := g.calls.Load(); got != 1 {
		t.Fatalf("opaque verifier called %d times, want 1", got)
	}
}

// TestVerifyTokenOpaqueWaiterLeaves: a waiter whose context ends leaves
// with its context error while the first call goes on.
func TestVerifyTokenOpaqueWaiterLeaves(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := mustNew(t, iss.Config())
	g := &gatedOpaque{gate: make(chan struct{})}
	opts := verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindAPIKey}, Opaque: g}
	first := make(chan error, 1)
	go func() {
		_, err := v.VerifyToken(context.Background(), "ak_slow", opts)
		first <- err
	}()
	waitUntil(t, func() bool { return g.calls.Load() == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.VerifyToken(ctx, "ak_slow", opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("waiter: %v, want context.Canceled", err)
	}
	close(g.gate)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
}

// waitUntil polls cond (synchronisation, not a timing assertion).
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 30 s")
		}
		time.Sleep(time.Millisecond)
	}
}
