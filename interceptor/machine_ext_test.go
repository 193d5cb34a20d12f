package interceptor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/emulator"
	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/internal/emulatortest"
	"github.com/authsvc/authsvc/internal/grpctest"
	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
)

// machineDownstream reports the machine caller's subject (or the session
// caller's user id) as Username, and as Hostname the credential its own
// outgoing calls would carry through UnaryClientInterceptor.
type machineDownstream struct{ downstream }

func (d *machineDownstream) UnaryCall(ctx context.Context, _ *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	resp := &testpb.SimpleResponse{}
	if m, ok := interceptor.MachineFromContext(ctx); ok {
		resp.Username, resp.OauthScope = m.Subject, "machine"
	} else {
		var err error
		if resp, err = d.downstream.UnaryCall(ctx, nil); err != nil {
			return nil, err
		}
	}
	resp.Hostname = forwardedCredential(ctx)
	return resp, nil
}

// forwardedCredential is the authorization metadata UnaryClientInterceptor
// adds to a call made with ctx, or "".
func forwardedCredential(ctx context.Context) string {
	var got string
	invoke := func(ctx context.Context, _ string, _, _ any, _ *grpc.ClientConn, _ ...grpc.CallOption) error {
		md, _ := metadata.FromOutgoingContext(ctx)
		got = strings.Join(md.Get(interceptor.DefaultMetadataKey), ",")
		return nil
	}
	_ = interceptor.UnaryClientInterceptor()(ctx, "/downstream.Next/Call", nil, nil, nil, invoke)
	return got
}

// machineSetup is an emulator, its Backend API client, a verifier on its
// keys, and authsvc over bufconn in front of both.
type machineSetup struct {
	em      *emulator.Emulator
	backend *backendapi.Client
	v       *verifier.Verifier
	authsvc *grpc.ClientConn
}

func newMachineSetup(t *testing.T) *machineSetup {
	t.Helper()
	b := emulatortest.Start(t, nil)
	srv, err := server.New(server.Config{Verifier: b.Verifier, Backend: b.Client})
	if err != nil {
		t.Fatal(err)
	}
	gs, _ := server.NewGRPCServer(srv, server.GRPCOptions{})
	return &machineSetup{em: b.Emulator, backend: b.Client, v: b.Verifier, authsvc: grpctest.Serve(t, gs)}
}

func (s *machineSetup) tokens(t *testing.T) (m2mOpaque, m2mJWT, apiKey, session string) {
	t.Helper()
	ttl := int64(600)
	o, err := s.backend.M2MTokens.Create(t.Context(), &backendapi.CreateM2MTokenParams{SecondsUntilExpiration: &ttl})
	if err != nil {
		t.Fatal(err)
	}
	j, err := s.backend.M2MTokens.Create(t.Context(), &backendapi.CreateM2MTokenParams{SecondsUntilExpiration: &ttl, TokenFormat: "jwt"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := s.backend.APIKeys.Create(t.Context(), &backendapi.CreateAPIKeyParams{Name: "ci", Subject: emulator.SeedUserAlice})
	if err != nil {
		t.Fatal(err)
	}
	return o.Token, j.Token, k.Secret, emulatortest.SessionToken(t, s.backend, emulator.SeedUserAlice)
}

// TestInterceptorMachineCallers: with WithAcceptedTokens the handler sees
// the machine identity (MachineFromContext) in remote mode (authsvc's
// VerifyToken) and local mode (machine JWTs only); without it, machine
// tokens are refused; a session token still gives claims.
func TestInterceptorMachineCallers(t *testing.T) {
	t.Parallel()
	s := newMachineSetup(t)
	m2mOpaque, m2mJWT, apiKey, session := s.tokens(t)
	all := interceptor.WithAcceptedTokens(interceptor.TokenSession, interceptor.TokenM2M, interceptor.TokenAPIKey)
	remote := interceptor.WithRemote(s.authsvc)
	tests := []struct {
		name     string
		opts     []interceptor.Option
		token    string
		wantUser string
		wantKind string
		wantCode codes.Code
		wantWhy  verifier.Reason
	}{
		{name: "remote m2m opaque", opts: []interceptor.Option{remote, all}, token: m2mOpaque, wantUser: emulator.EmulatorMachineID, wantKind: "machine"},
		{name: "remote m2m jwt", opts: []interceptor.Option{remote, all}, token: m2mJWT, wantUser: emulator.EmulatorMachineID, wantKind: "machine"},
		{name: "remote api key", opts: []interceptor.Option{remote, all}, token: apiKey, wantUser: emulator.SeedUserAlice, wantKind: "machine"},
		{name: "remote session with machines accepted", opts: []interceptor.Option{remote, all}, token: session, wantUser: emulator.SeedUserAlice, wantKind: "claims"},
		{name: "remote api key not accepted", opts: []interceptor.Option{remote, interceptor.WithAcceptedTokens(interceptor.TokenM2M)}, token: apiKey, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "remote session not accepted", opts: []interceptor.Option{remote, interceptor.WithAcceptedTokens(interceptor.TokenM2M)}, token: session, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "remote m2m jwt by default refused", opts: []interceptor.Option{remote}, token: m2mJWT, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		{name: "remote unknown api key", opts: []interceptor.Option{remote, all}, token: "ak_unknown", wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenInvalid},
		{name: "remote machine refused by a role rule", opts: []interceptor.Option{remote, all, interceptor.RequireRole("org:admin", "/grpc.testing.TestService/UnaryCall")}, token: m2mJWT, wantCode: codes.PermissionDenied, wantWhy: interceptor.ReasonRoleMissing},
		{name: "local m2m jwt", opts: []interceptor.Option{interceptor.WithLocal(s.v), all}, token: m2mJWT, wantUser: emulator.EmulatorMachineID, wantKind: "machine"},
		{name: "local session", opts: []interceptor.Option{interceptor.WithLocal(s.v), all}, token: session, wantUser: emulator.SeedUserAlice, wantKind: "claims"},
		{name: "local opaque is an outage", opts: []interceptor.Option{interceptor.WithLocal(s.v), all}, token: apiKey, wantCode: codes.Unavailable, wantWhy: verifier.ReasonKeyMissing},
		{name: "local m2m jwt not accepted", opts: []interceptor.Option{interceptor.WithLocal(s.v)}, token: m2mJWT, wantCode: codes.Unauthenticated, wantWhy: verifier.ReasonTokenTypeMismatch},
		// The zero TokenKind (a setting mapped to nothing) would otherwise
		// have let JWT template tokens in as machines in local mode.
		{name: "local zero kind accepted is a misconfiguration", opts: []interceptor.Option{interceptor.WithLocal(s.v), interceptor.WithAcceptedTokens(0)}, token: session, wantCode: codes.Internal, wantWhy: interceptor.ReasonMisconfigured},
		{name: "remote zero kind accepted is a misconfiguration", opts: []interceptor.Option{remote, interceptor.WithAcceptedTokens(interceptor.TokenSession, 0)}, token: session, wantCode: codes.Internal, wantWhy: interceptor.ReasonMisconfigured},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client := startMachineDownstream(t, tt.opts...)
			ctx, cancel := context.WithTimeout(withToken(t.Context(), tt.token), 30*time.Second)
			defer cancel()
			resp, err := client.UnaryCall(ctx, &testpb.SimpleRequest{})
			if tt.wantWhy != "" {
				checkStatus(t, err, tt.wantCode, tt.wantWhy)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.GetUsername() != tt.wantUser || resp.GetOauthScope() != tt.wantKind {
				t.Fatalf("caller = %s (%s), want %s (%s)", resp.GetUsername(), resp.GetOauthScope(), tt.wantUser, tt.wantKind)
			}
			// A session token (a minute's life) is forwarded; a machine's
			// (an API key lives until revoked) never is.
			wantFwd := ""
			if tt.wantKind == "claims" {
				wantFwd = "Bearer " + tt.token
			}
			if got := resp.GetHostname(); got != wantFwd {
				t.Errorf("the handler's outgoing calls would carry %.20q…, want %.20q…", got, wantFwd)
			}
		})
	}
}

func startMachineDownstream(t *testing.T, opts ...interceptor.Option) testpb.TestServiceClient {
	t.Helper()
	gs := grpc.NewServer(grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(opts...)))
	testpb.RegisterTestServiceServer(gs, &machineDownstream{})
	return testpb.NewTestServiceClient(grpctest.Serve(t, gs))
}
