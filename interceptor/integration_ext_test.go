package interceptor_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/internal/grpctest"
	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// newVerifier returns a verifier for cfg, closed at cleanup.
func newVerifier(t testing.TB, cfg verifier.Config) *verifier.Verifier {
	t.Helper()
	v, err := verifier.New(cfg)
	if err != nil {
		t.Fatalf("verifier.New: %v", err)
	}
	t.Cleanup(v.Close)
	return v
}

// startAuthsvc runs a real authsvc (server.New + server.NewGRPCServer) for
// iss on bufconn. The returned counter counts VerifySessionToken calls.
func startAuthsvc(t testing.TB, iss *verifiertest.Issuer) (*grpc.ClientConn, *atomic.Int64) {
	t.Helper()
	conn, calls, _ := startAuthsvcWith(t, iss.Config(), nil)
	return conn, calls
}

// startAuthsvcWith is startAuthsvc with a verifier configuration and, when
// gate is not nil, a VerifySessionToken that waits for gate to close. It
// also returns the server, to stop it.
func startAuthsvcWith(t testing.TB, cfg verifier.Config, gate chan struct{}) (*grpc.ClientConn, *atomic.Int64, *grpc.Server) {
	t.Helper()
	srv, err := server.New(server.Config{Verifier: newVerifier(t, cfg)})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	calls := &atomic.Int64{}
	count := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if info.FullMethod == authsvcv1.AuthService_VerifySessionToken_FullMethodName {
			calls.Add(1)
			if gate != nil {
				<-gate
			}
		}
		return h(ctx, req)
	}
	gs, _ := server.NewGRPCServer(srv, server.GRPCOptions{Unary: []grpc.UnaryServerInterceptor{count}})
	return grpctest.Serve(t, gs), calls, gs
}

// tokenCase is one row of the end-to-end verification table, run in both
// modes.
type tokenCase struct {
	name       string
	token      func(t *testing.T, iss *verifiertest.Issuer) string // "" sends no token
	opts       []interceptor.Option
	wantCode   codes.Code
	wantReason verifier.Reason
}

func tokenCases() []tokenCase {
	now := time.Now().Unix()
	mint := func(claims map[string]any) func(*testing.T, *verifiertest.Issuer) string {
		return func(t *testing.T, iss *verifiertest.Issuer) string { return iss.Mint(t, claims) }
	}
	return []tokenCase{
		{name: "valid token reaches the handler", token: mint(nil), wantCode: codes.OK},
		{name: "missing token", token: func(*testing.T, *verifiertest.Issuer) string { return "" }, wantCode: codes.Unauthenticated, wantReason: interceptor.ReasonTokenMissing},
		{name: "expired token", token: mint(map[string]any{"iat": now - 600, "nbf": now - 600, "exp": now - 300}), wantCode: codes.Unauthenticated, wantReason: verifier.ReasonExpired},
		{name: "forged token", token: forged, wantCode: codes.Unauthenticated, wantReason: verifier.ReasonInvalidSignature},
		{name: "not a JWT", token: func(*testing.T, *verifiertest.Issuer) string { return "not.a.jwt" }, wantCode: codes.Unauthenticated, wantReason: verifier.ReasonTokenInvalid},
		{name: "foreign issuer", token: mint(map[string]any{"iss": "https://clerkevil.com"}), wantCode: codes.Unauthenticated, wantReason: verifier.ReasonInvalidIssuer},
		{name: "azp not allowed", token: mint(map[string]any{"azp": "https://evil.example"}), opts: []interceptor.Option{interceptor.WithAuthorizedParties("https://app.example")}, wantCode: codes.Unauthenticated, wantReason: verifier.ReasonUnauthorizedParty},
		{name: "azp allowed", token: mint(map[string]any{"azp": "https://app.example"}), opts: []interceptor.Option{interceptor.WithAuthorizedParties("https://app.example")}, wantCode: codes.OK},
	}
}

// forged signs default claims with a key the issuer never published, under
// the issuer's kid.
func forged(t *testing.T, iss *verifiertest.Issuer) string {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	header := map[string]any{"alg": "RS256", "typ": "JWT", "kid": iss.KID}
	payload := map[string]any{"iss": iss.URL, "sub": "user_test", "sid": "sess_test", "iat": now, "nbf": now - 10, "exp": now + 60}
	return verifiertest.Sign(t, key, header, payload, "RS256")
}

// TestEndToEnd runs the verification table against a real authsvc (remote)
// and an in-process verifier (local), with a real downstream server.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	modes := []struct {
		name string
		mode func(t *testing.T, iss *verifiertest.Issuer) interceptor.Option
	}{
		{name: "remote", mode: func(t *testing.T, iss *verifiertest.Issuer) interceptor.Option {
			conn, _ := startAuthsvc(t, iss)
			return interceptor.WithRemote(conn)
		}},
		{name: "local", mode: func(t *testing.T, iss *verifiertest.Issuer) interceptor.Option {
			return interceptor.WithLocal(newVerifier(t, iss.Config()))
		}},
	}
	for _, m := range modes {
		for _, tt := range tokenCases() {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				iss := verifiertest.NewIssuer(t)
				d := &downstream{}
				client, _ := startDownstream(t, d, append(tt.opts, m.mode(t, iss))...)
				ctx := t.Context()
				if tok := tt.token(t, iss); tok != "" {
					ctx = withToken(ctx, tok)
				}
				resp, err := client.UnaryCall(ctx, &testpb.SimpleRequest{})
				checkStatus(t, err, tt.wantCode, tt.wantReason)
				wantCalls := int64(0)
				if tt.wantCode == codes.OK {
					wantCalls = 1
					got := []string{resp.GetUsername(), resp.GetServerId(), resp.GetOauthScope()}
					if diff := cmp.Diff([]string{"user_test", "sess_test", "claims"}, got); diff != "" {
						t.Errorf("identity seen by handler (-want +got):\n%s", diff)
					}
				}
				if n := d.calls.Load(); n != wantCalls {
					t.Errorf("handler ran %d times, want %d", n, wantCalls)
				}
			})
		}
	}
}

// TestEndToEndCacheHitAvoidsRPC counts VerifySessionToken calls at a real
// authsvc.
func TestEndToEndCacheHitAvoidsRPC(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	conn, calls := startAuthsvc(t, iss)
	client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(conn))
	tok := iss.Mint(t, nil)
	for range 10 {
		if _, err := client.EmptyCall(withToken(t.Context(), tok), &testpb.Empty{}); err != nil {
			t.Fatalf("EmptyCall: %v", err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("VerifySessionToken calls = %d, want 1", n)
	}
}

// TestEndToEndKeysUnavailable: when the JWKS cannot be loaded (by authsvc,
// or by the local verifier), the call fails closed as an outage with the
// verifier's reason.
func TestEndToEndKeysUnavailable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		local    bool
		opts     []interceptor.Option
		wantCode codes.Code
	}{
		{name: "remote", wantCode: codes.Unavailable},
		{name: "local", local: true, wantCode: codes.Unavailable},
		{name: "local as unauthenticated", local: true, opts: []interceptor.Option{interceptor.WithOutageAsUnauthenticated()}, wantCode: codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iss := verifiertest.NewIssuer(t)
			iss.SetDown(true)
			var mode interceptor.Option
			if tt.local {
				mode = interceptor.WithLocal(newVerifier(t, iss.Config()))
			} else {
				conn, _ := startAuthsvc(t, iss)
				mode = interceptor.WithRemote(conn)
			}
			d := &downstream{}
			client, _ := startDownstream(t, d, append(tt.opts, mode)...)
			_, err := client.EmptyCall(withToken(t.Context(), iss.Mint(t, nil)), &testpb.Empty{})
			checkStatus(t, err, tt.wantCode, verifier.ReasonKeyFetch)
			if n := d.calls.Load(); n != 0 {
				t.Errorf("handler ran %d times, want 0", n)
			}
		})
	}
}

// TestEndToEndRequirePermission checks the authorization rules with real
// org claims, in both claim-set versions' v1 form.
func TestEndToEndRequirePermission(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	conn, _ := startAuthsvc(t, iss)
	member := iss.Mint(t, map[string]any{"org_id": "org_1", "org_role": "org:member", "org_permissions": []string{"org:invoices:read"}})
	admin := iss.Mint(t, map[string]any{"org_id": "org_1", "org_role": "org:admin", "org_permissions": []string{"org:invoices:read", "org:invoices:write"}})
	noOrg := iss.Mint(t, nil)
	client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(conn),
		interceptor.RequirePermission("org:invoices:read", testpb.TestService_UnaryCall_FullMethodName),
		interceptor.RequireRole("org:admin", testpb.TestService_EmptyCall_FullMethodName),
	)
	tests := []struct {
		name       string
		token      string
		call       func(ctx context.Context) error
		wantCode   codes.Code
		wantReason verifier.Reason
	}{
		{name: "permission held", token: member, call: unaryCall(client), wantCode: codes.OK},
		{name: "permission missing without org", token: noOrg, call: unaryCall(client), wantCode: codes.PermissionDenied, wantReason: interceptor.ReasonPermissionMissing},
		{name: "role held", token: admin, call: emptyCall(client), wantCode: codes.OK},
		{name: "role missing", token: member, call: emptyCall(client), wantCode: codes.PermissionDenied, wantReason: interceptor.ReasonRoleMissing},
		{name: "no token is unauthenticated before authorization", call: emptyCall(client), wantCode: codes.Unauthenticated, wantReason: interceptor.ReasonTokenMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			if tt.token != "" {
				ctx = withToken(ctx, tt.token)
			}
			checkStatus(t, tt.call(ctx), tt.wantCode, tt.wantReason)
		})
	}
}

func unaryCall(c testpb.TestServiceClient) func(context.Context) error {
	return func(ctx context.Context) error { _, err := c.UnaryCall(ctx, &testpb.SimpleRequest{}); return err }
}

func emptyCall(c testpb.TestServiceClient) func(context.Context) error {
	return func(ctx context.Context) error { _, err := c.EmptyCall(ctx, &testpb.Empty{}); return err }
}
