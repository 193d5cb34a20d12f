package server

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/emulator"
	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/emulatortest"
	"github.com/authsvc/authsvc/internal/fakeclock"
	"github.com/authsvc/authsvc/internal/telemetry"
	"github.com/authsvc/authsvc/verifier"
)

// machineEnv is authsvc over bufconn in front of an emulator, sharing one
// settable clock.
type machineEnv struct {
	clock   *fakeclock.Clock
	em      *emulator.Emulator
	backend *backendapi.Client
	client  authsvcv1.AuthServiceClient
}

func newMachineEnv(t *testing.T) *machineEnv {
	t.Helper()
	return newMachineEnvWith(t, GRPCOptions{})
}

func newMachineEnvWith(t *testing.T, opts GRPCOptions) *machineEnv {
	t.Helper()
	env := &machineEnv{clock: fakeclock.At(time.Now().Truncate(time.Second))}
	b := emulatortest.Start(t, env.clock.Now)
	srv, err := New(Config{Verifier: b.Verifier, Backend: b.Client})
	if err != nil {
		t.Fatal(err)
	}
	env.em, env.backend, env.client = b.Emulator, b.Client, newTestClient(t, srv, opts)
	return env
}

func (e *machineEnv) m2m(t *testing.T, format string, ttl int64) *backendapi.M2MToken {
	t.Helper()
	tok, err := e.backend.M2MTokens.Create(t.Context(), &backendapi.CreateM2MTokenParams{SecondsUntilExpiration: &ttl, TokenFormat: format, Claims: map[string]any{"team": "billing"}})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (e *machineEnv) apiKey(t *testing.T, ttl int64) *backendapi.APIKey {
	t.Helper()
	k, err := e.backend.APIKeys.Create(t.Context(), &backendapi.CreateAPIKeyParams{Name: "ci", Subject: emulator.SeedUserAlice, Scopes: []string{"read"}, SecondsUntilExpiration: &ttl})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (e *machineEnv) oauth(t *testing.T, jwt bool) string {
	t.Helper()
	tok, err := e.em.MintOAuthAccessToken(emulator.SeedUserAlice, "client_demo", []string{"profile", "email"}, time.Minute, jwt)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (e *machineEnv) session(t *testing.T) string {
	t.Helper()
	return emulatortest.SessionToken(t, e.backend, emulator.SeedUserAlice)
}

var (
	tM2M     = authsvcv1.TokenType_TOKEN_TYPE_M2M
	tAPIKey  = authsvcv1.TokenType_TOKEN_TYPE_API_KEY
	tOAuth   = authsvcv1.TokenType_TOKEN_TYPE_OAUTH
	tSession = authsvcv1.TokenType_TOKEN_TYPE_SESSION
)

// TestVerifyTokenOverGRPC: each token kind × accepted / not accepted ×
// valid / expired / revoked / wrong category, through VerifyToken over
// gRPC against the emulator.
func TestVerifyTokenOverGRPC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		mint     func(t *testing.T, e *machineEnv) string
		accepts  []authsvcv1.TokenType
		advance  time.Duration
		wantType authsvcv1.TokenType
		wantCode codes.Code
		wantWhy  verifier.Reason
	}{
		{name: "m2m opaque valid", mint: func(t *testing.T, e *machineEnv) string { return e.m2m(t, "opaque", 600).Token }, accepts: []authsvcv1.TokenType{tM2M}, wantType: tM2M},
		{name: "m2m opaque not accepted", mint: func(t *testing.T, e *machineEnv) string { return e.m2m(t, "opaque", 600).Token }, accepts: []authsvcv1.TokenType{tAPIKey, tSession}, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "m2m opaque expired", mint: func(t *testing.T, e *machineEnv) string { return e.m2m(t, "opaque", 60).Token }, accepts: []authsvcv1.TokenType{tM2M}, advance: 2 * time.Minute, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenInvalid},
		{name: "m2m opaque revoked", mint: func(t *testing.T, e *machineEnv) string {
			tok := e.m2m(t, "opaque", 600)
			if _, err := e.backend.M2MTokens.Revoke(t.Context(), tok.ID); err != nil {
				t.Fatal(err)
			}
			return tok.Token
		}, accepts: []authsvcv1.TokenType{tM2M}, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenInvalid},
		{name: "m2m jwt valid", mint: func(t *testing.T, e *machineEnv) string { return e.m2m(t, "jwt", 600).Token }, accepts: []authsvcv1.TokenType{tM2M}, wantType: tM2M},
		{name: "m2m jwt valid with session also accepted", mint: func(t *testing.T, e *machineEnv) string { return e.m2m(t, "jwt", 600).Token }, accepts: []authsvcv1.TokenType{tSession, tM2M}, wantType: tM2M},
		{name: "m2m jwt not accepted", mint: func(t *testing.T, e *machineEnv) string { return e.m2m(t, "jwt", 600).Token }, accepts: []authsvcv1.TokenType{tOAuth}, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "m2m jwt refused by default", mint: func(t *testing.T, e *machineEnv) string { return e.m2m(t, "jwt", 600).Token }, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "m2m jwt expired", mint: func(t *testing.T, e *machineEnv) string { return e.m2m(t, "jwt", 60).Token }, accepts: []authsvcv1.TokenType{tM2M}, advance: 2 * time.Minute, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonExpired},
		{name: "m2m wrong category: a session token", mint: sessionToken, accepts: []authsvcv1.TokenType{tM2M}, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "api key valid", mint: func(t *testing.T, e *machineEnv) string { return e.apiKey(t, 600).Secret }, accepts: []authsvcv1.TokenType{tAPIKey}, wantType: tAPIKey},
		{name: "api key not accepted", mint: func(t *testing.T, e *machineEnv) string { return e.apiKey(t, 600).Secret }, accepts: []authsvcv1.TokenType{tM2M, tOAuth}, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "api key expired", mint: func(t *testing.T, e *machineEnv) string { return e.apiKey(t, 60).Secret }, accepts: []authsvcv1.TokenType{tAPIKey}, advance: 2 * time.Minute, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenInvalid},
		{name: "api key revoked", mint: func(t *testing.T, e *machineEnv) string {
			k := e.apiKey(t, 600)
			if _, err := e.backend.APIKeys.Revoke(t.Context(), k.ID); err != nil {
				t.Fatal(err)
			}
			return k.Secret
		}, accepts: []authsvcv1.TokenType{tAPIKey}, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenInvalid},
		{name: "api key unknown", mint: func(*testing.T, *machineEnv) string { return "ak_unknown" }, accepts: []authsvcv1.TokenType{tAPIKey}, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenInvalid},
		{name: "oauth opaque valid", mint: func(t *testing.T, e *machineEnv) string { return e.oauth(t, false) }, accepts: []authsvcv1.TokenType{tOAuth}, wantType: tOAuth},
		{name: "oauth opaque not accepted", mint: func(t *testing.T, e *machineEnv) string { return e.oauth(t, false) }, accepts: []authsvcv1.TokenType{tAPIKey}, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "oauth opaque expired", mint: func(t *testing.T, e *machineEnv) string { return e.oauth(t, false) }, accepts: []authsvcv1.TokenType{tOAuth}, advance: 2 * time.Minute, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenInvalid},
		{name: "oauth jwt valid", mint: func(t *testing.T, e *machineEnv) string { return e.oauth(t, true) }, accepts: []authsvcv1.TokenType{tOAuth}, wantType: tOAuth},
		{name: "oauth jwt valid with everything accepted", mint: func(t *testing.T, e *machineEnv) string { return e.oauth(t, true) }, accepts: []authsvcv1.TokenType{tSession, tM2M, tAPIKey, tOAuth}, wantType: tOAuth},
		{name: "oauth jwt not accepted", mint: func(t *testing.T, e *machineEnv) string { return e.oauth(t, true) }, accepts: []authsvcv1.TokenType{tM2M}, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "oauth jwt expired", mint: func(t *testing.T, e *machineEnv) string { return e.oauth(t, true) }, accepts: []authsvcv1.TokenType{tOAuth}, advance: 2 * time.Minute, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonExpired},
		{name: "session valid by default", mint: sessionToken, wantType: tSession},
		{name: "session valid with machines accepted", mint: sessionToken, accepts: []authsvcv1.TokenType{tSession, tM2M, tAPIKey}, wantType: tSession},
		{name: "session not accepted", mint: sessionToken, accepts: []authsvcv1.TokenType{tM2M, tAPIKey, tOAuth}, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "session expired", mint: sessionToken, advance: 2 * time.Minute, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newMachineEnv(t)
			tok := tt.mint(t, env)
			env.clock.Advance(tt.advance)
			resp, err := env.client.VerifyToken(t.Context(), &authsvcv1.VerifyTokenRequest{Token: tok, Accepts: tt.accepts})
			if tt.wantWhy != "" {
				code, info := errorInfo(t, err)
				if code != tt.wantCode || info == nil || info.GetMetadata()["reason"] != string(tt.wantWhy) {
					t.Fatalf("error = %v, want %v with reason %s", err, tt.wantCode, tt.wantWhy)
				}
				return
			}
			if err != nil {
				t.Fatalf("VerifyToken: %v", err)
			}
			if resp.GetTokenType() != tt.wantType {
				t.Fatalf("token_type = %v, want %v", resp.GetTokenType(), tt.wantType)
			}
			checkIdentity(t, resp)
		})
	}
}

func checkIdentity(t *testing.T, resp *authsvcv1.VerifyTokenResponse) {
	t.Helper()
	if resp.GetTokenType() == tSession {
		if resp.GetClaims().GetUserId() != emulator.SeedUserAlice {
			t.Fatalf("claims = %v, want alice's", resp.GetClaims())
		}
		return
	}
	m := resp.GetMachine()
	wantSub := emulator.SeedUserAlice
	if resp.GetTokenType() == tM2M {
		wantSub = emulator.EmulatorMachineID
		if m.GetClaims().GetFields()["team"].GetStringValue() != "billing" {
			t.Errorf("claims = %v, want team billing", m.GetClaims())
		}
	}
	if m.GetSubject() != wantSub || m.GetId() == "" || m.GetExpiration() == 0 {
		t.Errorf("machine = %v, want subject %s, an id and an expiration", m, wantSub)
	}
	if resp.GetTokenType() == tOAuth && (m.GetClientId() != "client_demo" || len(m.GetScopes()) != 2) {
		t.Errorf("oauth machine = %v, want client_demo and two scopes", m)
	}
}

// TestVerifyTokenRevokedAPIKeyAfterTTL: an API key verified once is served
// from the cache of successes after it is revoked, until the TTL (10 s by
// default, the documented revocation delay) passes; then it is refused.
func TestVerifyTokenRevokedAPIKeyAfterTTL(t *testing.T) {
	t.Parallel()
	env := newMachineEnv(t)
	k := env.apiKey(t, 3600)
	req := &authsvcv1.VerifyTokenRequest{Token: k.Secret, Accepts: []authsvcv1.TokenType{tAPIKey}}
	if _, err := env.client.VerifyToken(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if _, err := env.backend.APIKeys.Revoke(t.Context(), k.ID); err != nil {
		t.Fatal(err)
	}
	env.clock.Advance(verifier.DefaultOpaqueCacheTTL - time.Second)
	if _, err := env.client.VerifyToken(t.Context(), req); err != nil {
		t.Fatalf("within the TTL: %v, want the cached success", err)
	}
	env.clock.Advance(time.Second)
	_, err := env.client.VerifyToken(t.Context(), req)
	if code, info := errorInfo(t, err); code != codes.Unauthenticated || info.GetMetadata()["reason"] != string(verifier.ReasonTokenInvalid) {
		t.Fatalf("after the TTL: %v, want UNAUTHENTICATED token-invalid", err)
	}
}

// TestVerifyTokenArguments: bad requests are INVALID_ARGUMENT, and opaque
// tokens without a Backend API are FAILED_PRECONDITION.
func TestVerifyTokenArguments(t *testing.T) {
	t.Parallel()
	env := newMachineEnv(t)
	_, err := env.client.VerifyToken(t.Context(), &authsvcv1.VerifyTokenRequest{Token: "", Accepts: []authsvcv1.TokenType{tM2M}})
	if code, _ := errorInfo(t, err); code != codes.InvalidArgument {
		t.Errorf("empty token: %v, want INVALID_ARGUMENT", err)
	}
	_, err = env.client.VerifyToken(t.Context(), &authsvcv1.VerifyTokenRequest{Token: "mt_x", Accepts: []authsvcv1.TokenType{authsvcv1.TokenType_TOKEN_TYPE_UNSPECIFIED}})
	if code, _ := errorInfo(t, err); code != codes.InvalidArgument {
		t.Errorf("unspecified accepts: %v, want INVALID_ARGUMENT", err)
	}
	v, err := verifier.New(verifier.Config{JWTKey: env.em.PublicKeyPEM()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Verifier: v})
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, srv, GRPCOptions{})
	_, err = c.VerifyToken(context.Background(), &authsvcv1.VerifyTokenRequest{Token: "ak_x", Accepts: []authsvcv1.TokenType{tAPIKey}})
	if code, _ := errorInfo(t, err); code != codes.FailedPrecondition {
		t.Errorf("no backend: %v, want FAILED_PRECONDITION", err)
	}
}

func sessionToken(t *testing.T, e *machineEnv) string { return e.session(t) }

// TestVerifyTokenTelemetry: VerifyToken calls are verifications with
// method VerifyToken, their outcome and reason.
func TestVerifyTokenTelemetry(t *testing.T) {
	t.Parallel()
	m := telemetry.New()
	env := newMachineEnvWith(t, GRPCOptions{Observer: m})
	k := env.apiKey(t, 600)
	if _, err := env.client.VerifyToken(t.Context(), &authsvcv1.VerifyTokenRequest{Token: k.Secret, Accepts: []authsvcv1.TokenType{tAPIKey}}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.client.VerifyToken(t.Context(), &authsvcv1.VerifyTokenRequest{Token: k.Secret}); err == nil {
		t.Fatal("api key verified with sessions only accepted")
	}
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != "authsvc_verifications_total" {
			continue
		}
		for _, mt := range f.GetMetric() {
			l := map[string]string{}
			for _, lp := range mt.GetLabel() {
				l[lp.GetName()] = lp.GetValue()
			}
			if l["method"] == "VerifyToken" {
				got[l["outcome"]+" "+l["reason"]] = mt.GetCounter().GetValue()
			}
		}
	}
	want := map[string]float64{"valid ": 1, "invalid token-type-mismatch": 1}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("VerifyToken verifications (-want +got):\n%s", d)
	}
}
