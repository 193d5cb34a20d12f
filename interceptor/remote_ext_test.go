package interceptor_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/internal/grpctest"
	"github.com/authsvc/authsvc/verifier"
)

// TestRemoteRejections pins the fail-closed table of the package doc in
// remote mode: the code and reason for each way a call can fail, and that
// the handler never runs.
func TestRemoteRejections(t *testing.T) {
	t.Parallel()
	authErr := func(err error) func(context.Context, *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
		return func(context.Context, *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
			return nil, err
		}
	}
	tests := []struct {
		name       string
		md         []string // key, value pairs sent by the client
		authsvc    error    // what the fake authsvc answers
		opts       []interceptor.Option
		wantCode   codes.Code
		wantReason verifier.Reason
		wantRPCs   int64
	}{
		{name: "no token is session-token-missing", wantCode: codes.Unauthenticated, wantReason: interceptor.ReasonTokenMissing},
		{name: "bare Bearer is session-token-missing", md: []string{"authorization", "Bearer "}, wantCode: codes.Unauthenticated, wantReason: interceptor.ReasonTokenMissing},
		{name: "other scheme is token-invalid", md: []string{"authorization", "Basic dXNlcjpwYXNz"}, wantCode: codes.Unauthenticated, wantReason: verifier.ReasonTokenInvalid},
		{name: "two authorization values are token-invalid", md: []string{"authorization", "Bearer a", "authorization", "Bearer b"}, wantCode: codes.Unauthenticated, wantReason: verifier.ReasonTokenInvalid},
		{name: "token under another key is missing", md: []string{"x-session", "Bearer a"}, wantCode: codes.Unauthenticated, wantReason: interceptor.ReasonTokenMissing},
		{name: "authsvc token-expired keeps its reason", md: []string{"authorization", "Bearer a"}, authsvc: reasonStatus(codes.Unauthenticated, verifier.ReasonExpired), wantCode: codes.Unauthenticated, wantReason: verifier.ReasonExpired, wantRPCs: 1},
		{name: "authsvc forged signature keeps its reason", md: []string{"authorization", "Bearer a"}, authsvc: reasonStatus(codes.Unauthenticated, verifier.ReasonInvalidSignature), wantCode: codes.Unauthenticated, wantReason: verifier.ReasonInvalidSignature, wantRPCs: 1},
		{name: "authsvc invalid argument is token-invalid", md: []string{"authorization", "Bearer a"}, authsvc: status.Error(codes.InvalidArgument, "token: required"), wantCode: codes.Unauthenticated, wantReason: verifier.ReasonTokenInvalid, wantRPCs: 1},
		{name: "authsvc keys unavailable is an outage with its reason", md: []string{"authorization", "Bearer a"}, authsvc: reasonStatus(codes.Unavailable, verifier.ReasonKeyFetch), wantCode: codes.Unavailable, wantReason: verifier.ReasonKeyFetch, wantRPCs: 1},
		{name: "key outage reported as unauthenticated stays an outage", md: []string{"authorization", "Bearer a"}, authsvc: reasonStatus(codes.Unauthenticated, verifier.ReasonSecretKeyInvalid), wantCode: codes.Unavailable, wantReason: verifier.ReasonSecretKeyInvalid, wantRPCs: 1},
		{name: "authsvc kid mismatch is a rejection", md: []string{"authorization", "Bearer a"}, authsvc: reasonStatus(codes.Unauthenticated, verifier.ReasonKidMismatch), wantCode: codes.Unauthenticated, wantReason: verifier.ReasonKidMismatch, wantRPCs: 1},
		{name: "authsvc internal error is authsvc-unavailable", md: []string{"authorization", "Bearer a"}, authsvc: status.Error(codes.Internal, "boom"), wantCode: codes.Unavailable, wantReason: interceptor.ReasonUnavailable, wantRPCs: 1},
		{name: "authsvc refusing this service is authsvc-unavailable", md: []string{"authorization", "Bearer a"}, authsvc: status.Error(codes.PermissionDenied, "caller"), wantCode: codes.Unavailable, wantReason: interceptor.ReasonUnavailable, wantRPCs: 1},
		{name: "unauthenticated without reason is authsvc-unavailable", md: []string{"authorization", "Bearer a"}, authsvc: status.Error(codes.Unauthenticated, "bad caller key"), wantCode: codes.Unavailable, wantReason: interceptor.ReasonUnavailable, wantRPCs: 1},
		{name: "outage as unauthenticated", md: []string{"authorization", "Bearer a"}, authsvc: status.Error(codes.Internal, "boom"), opts: []interceptor.Option{interceptor.WithOutageAsUnauthenticated()}, wantCode: codes.Unauthenticated, wantReason: interceptor.ReasonUnavailable, wantRPCs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeAuth{verify: authErr(tt.authsvc)}
			if tt.authsvc == nil {
				fake.verify = acceptAll(time.Now().Add(time.Minute))
			}
			d := &downstream{}
			client, _ := startDownstream(t, d, append(tt.opts, interceptor.WithRemote(startFakeAuth(t, fake)))...)
			ctx := metadata.AppendToOutgoingContext(t.Context(), tt.md...)

			_, err := client.UnaryCall(ctx, &testpb.SimpleRequest{})
			checkStatus(t, err, tt.wantCode, tt.wantReason)
			if n := d.calls.Load(); n != 0 {
				t.Errorf("handler ran %d times, want 0", n)
			}
			if n := fake.calls.Load(); n != tt.wantRPCs {
				t.Errorf("authsvc calls = %d, want %d", n, tt.wantRPCs)
			}
		})
	}
}

// TestRemoteValidTokenReachesHandler checks that the handler sees the claims
// authsvc returned, and that the request carried the token and parties.
func TestRemoteValidTokenReachesHandler(t *testing.T) {
	t.Parallel()
	var gotReq *authsvcv1.VerifySessionTokenRequest
	fake := &fakeAuth{verify: func(ctx context.Context, req *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
		gotReq = req
		return acceptAll(time.Now().Add(time.Minute))(ctx, req)
	}}
	d := &downstream{}
	client, _ := startDownstream(t, d, interceptor.WithRemote(startFakeAuth(t, fake)), interceptor.WithAuthorizedParties("https://app.example.com"))

	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "bearer   tok1")
	resp, err := client.UnaryCall(ctx, &testpb.SimpleRequest{})
	if err != nil {
		t.Fatalf("UnaryCall: %v", err)
	}
	if diff := cmp.Diff([]string{"user_tok1", "sess_tok1", "claims"}, []string{resp.GetUsername(), resp.GetServerId(), resp.GetOauthScope()}); diff != "" {
		t.Errorf("identity seen by handler (-want +got):\n%s", diff)
	}
	want := []string{"tok1", "https://app.example.com"}
	if diff := cmp.Diff(want, append([]string{gotReq.GetToken()}, gotReq.GetAuthorizedParties()...)); diff != "" {
		t.Errorf("VerifySessionToken request (-want +got):\n%s", diff)
	}
}

// TestRemoteAzpRecheckedOnEveryCall: claims whose azp is not in the
// configured list are refused even if authsvc (wrongly) accepted them.
func TestRemoteAzpRecheckedOnEveryCall(t *testing.T) {
	t.Parallel()
	fake := &fakeAuth{verify: func(context.Context, *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
		return &authsvcv1.VerifySessionTokenResponse{Claims: &authsvcv1.Claims{
			UserId: "user_1", AuthorizedParty: "https://evil.example", ExpiresAt: time.Now().Add(time.Minute).Unix(),
		}}, nil
	}}
	d := &downstream{}
	client, _ := startDownstream(t, d, interceptor.WithRemote(startFakeAuth(t, fake)), interceptor.WithAuthorizedParties("https://app.example.com"))
	for range 2 {
		_, err := client.UnaryCall(withToken(t.Context(), "tok"), &testpb.SimpleRequest{})
		checkStatus(t, err, codes.Unauthenticated, verifier.ReasonUnauthorizedParty)
	}
	if n := d.calls.Load(); n != 0 {
		t.Errorf("handler ran %d times, want 0", n)
	}
}

// TestExemptMethods covers the default exemption of health, replacing the
// list, and the selector matcher.
func TestExemptMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       []interceptor.Option
		wantHealth codes.Code
		wantEmpty  codes.Code
	}{
		{name: "health exempt by default", wantHealth: codes.OK, wantEmpty: codes.Unauthenticated},
		{name: "empty exempt list authenticates health", opts: []interceptor.Option{interceptor.WithExemptMethods()}, wantHealth: codes.Unauthenticated, wantEmpty: codes.Unauthenticated},
		{name: "exact method exempt", opts: []interceptor.Option{interceptor.WithExemptMethods(testpb.TestService_EmptyCall_FullMethodName)}, wantHealth: codes.Unauthenticated, wantEmpty: codes.OK},
		{name: "service wildcard exempt", opts: []interceptor.Option{interceptor.WithExemptMethods("/grpc.testing.TestService/*")}, wantHealth: codes.Unauthenticated, wantEmpty: codes.OK},
		{name: "matcher false skips authentication", opts: []interceptor.Option{interceptor.WithAuthMatcher(requiresAuthExceptEmpty)}, wantHealth: codes.OK, wantEmpty: codes.OK},
		{name: "required permission overrides exemption", opts: []interceptor.Option{
			interceptor.WithExemptMethods(testpb.TestService_EmptyCall_FullMethodName),
			interceptor.RequirePermission("org:x:read", testpb.TestService_EmptyCall_FullMethodName),
		}, wantHealth: codes.Unauthenticated, wantEmpty: codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeAuth{verify: acceptAll(time.Now().Add(time.Minute))}
			d := &downstream{}
			client, conn := startDownstream(t, d, append(tt.opts, interceptor.WithRemote(startFakeAuth(t, fake)))...)
			_, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
			if got := status.Code(err); got != tt.wantHealth {
				t.Errorf("Health/Check code = %v, want %v", got, tt.wantHealth)
			}
			_, err = client.EmptyCall(t.Context(), &testpb.Empty{})
			if got := status.Code(err); got != tt.wantEmpty {
				t.Errorf("EmptyCall code = %v, want %v", got, tt.wantEmpty)
			}
			if n := fake.calls.Load(); n != 0 {
				t.Errorf("authsvc calls = %d, want 0 (no call carried a token)", n)
			}
		})
	}
}

// requiresAuthExceptEmpty is true for every method but EmptyCall.
var requiresAuthExceptEmpty = selectorMatch(func(fullMethod string) bool {
	return fullMethod != testpb.TestService_EmptyCall_FullMethodName
})

// TestMisconfigured: neither or both modes fail every authenticated call.
func TestMisconfigured(t *testing.T) {
	t.Parallel()
	fake := &fakeAuth{verify: acceptAll(time.Now().Add(time.Minute))}
	tests := []struct {
		name string
		opts []interceptor.Option
	}{
		{name: "no mode"},
		{name: "both modes", opts: []interceptor.Option{interceptor.WithRemote(startFakeAuth(t, fake)), interceptor.WithLocal(&verifier.Verifier{})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &downstream{}
			client, _ := startDownstream(t, d, tt.opts...)
			_, err := client.EmptyCall(withToken(t.Context(), "tok"), &testpb.Empty{})
			checkStatus(t, err, codes.Internal, interceptor.ReasonMisconfigured)
			if n := d.calls.Load() + fake.calls.Load(); n != 0 {
				t.Errorf("handler or authsvc ran %d times, want 0", n)
			}
		})
	}
}

// TestAuthsvcDown: with authsvc stopped, calls fail closed as outages.
func TestAuthsvcDown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []interceptor.Option
		wantCode codes.Code
	}{
		{name: "default is unavailable", wantCode: codes.Unavailable},
		{name: "configured unauthenticated", opts: []interceptor.Option{interceptor.WithOutageAsUnauthenticated()}, wantCode: codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			gs := grpc.NewServer()
			authsvcv1.RegisterAuthServiceServer(gs, &fakeAuth{verify: acceptAll(time.Now().Add(time.Minute))})
			authConn := grpctest.Serve(t, gs)
			gs.Stop()
			d := &downstream{}
			client, _ := startDownstream(t, d, append(tt.opts, interceptor.WithRemote(authConn))...)
			_, err := client.UnaryCall(withToken(t.Context(), "tok"), &testpb.SimpleRequest{})
			checkStatus(t, err, tt.wantCode, interceptor.ReasonUnavailable)
			if n := d.calls.Load(); n != 0 {
				t.Errorf("handler ran %d times, want 0", n)
			}
		})
	}
}
