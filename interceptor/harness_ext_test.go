package interceptor_test

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/internal/grpctest"
	"github.com/authsvc/authsvc/verifier"
)

// fakeAuth is an AuthService whose VerifySessionToken is a function field;
// it counts the calls that reach it.
type fakeAuth struct {
	authsvcv1.UnimplementedAuthServiceServer
	verify func(ctx context.Context, req *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error)
	calls  atomic.Int64
}

func (f *fakeAuth) VerifySessionToken(ctx context.Context, req *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
	f.calls.Add(1)
	return f.verify(ctx, req)
}

// startFakeAuth serves f and returns a connection to it.
func startFakeAuth(t testing.TB, f *fakeAuth) *grpc.ClientConn {
	t.Helper()
	gs := grpc.NewServer()
	authsvcv1.RegisterAuthServiceServer(gs, f)
	return grpctest.Serve(t, gs)
}

// acceptAll is a fakeAuth verify that accepts every token as user
// "user_"+token of party https://app.example.com, expiring at exp.
func acceptAll(exp time.Time) func(context.Context, *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
	return func(_ context.Context, req *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
		return &authsvcv1.VerifySessionTokenResponse{Claims: &authsvcv1.Claims{
			UserId:          "user_" + req.GetToken(),
			SessionId:       "sess_" + req.GetToken(),
			ExpiresAt:       exp.Unix(),
			OrgRole:         "org:admin",
			AuthorizedParty: "https://app.example.com",
		}}, nil
	}
}

// reasonStatus builds an authsvc-style status with an ErrorInfo.
func reasonStatus(code codes.Code, reason verifier.Reason) error {
	st, err := status.New(code, "x").WithDetails(&errdetails.ErrorInfo{
		Domain: interceptor.ErrorDomain, Reason: reason.Code(), Metadata: map[string]string{"reason": string(reason)},
	})
	if err != nil {
		panic(err)
	}
	return st.Err()
}

// downstream is the protected test service. Handlers report the caller's
// identity back, and count how often they run.
type downstream struct {
	testpb.UnimplementedTestServiceServer
	calls atomic.Int64
	next  testpb.TestServiceClient // CacheableUnaryCall forwards here
}

func (d *downstream) EmptyCall(context.Context, *testpb.Empty) (*testpb.Empty, error) {
	d.calls.Add(1)
	return &testpb.Empty{}, nil
}

func (d *downstream) UnaryCall(ctx context.Context, _ *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	d.calls.Add(1)
	_, ok := interceptor.ClaimsFromContext(ctx)
	role := "no-claims"
	if ok {
		role = "claims"
	}
	return &testpb.SimpleResponse{Username: interceptor.UserID(ctx), ServerId: interceptor.SessionID(ctx), OauthScope: role}, nil
}

func (d *downstream) CacheableUnaryCall(ctx context.Context, req *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	d.calls.Add(1)
	return d.next.UnaryCall(ctx, req)
}

func (d *downstream) StreamingOutputCall(req *testpb.StreamingOutputCallRequest, ss grpc.ServerStreamingServer[testpb.StreamingOutputCallResponse]) error {
	d.calls.Add(1)
	for range req.GetResponseParameters() {
		body := []byte(interceptor.UserID(ss.Context()))
		if err := ss.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: body}}); err != nil {
			return err
		}
	}
	return nil
}

func (d *downstream) FullDuplexCall(ss grpc.BidiStreamingServer[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]) error {
	d.calls.Add(1)
	for {
		if _, err := ss.Recv(); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		body := []byte(interceptor.UserID(ss.Context()))
		if err := ss.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: body}}); err != nil {
			return err
		}
	}
}

// startDownstream serves a downstream (and the health service) protected by
// the interceptors built from opts, and returns a client for it.
func startDownstream(t testing.TB, d *downstream, opts ...interceptor.Option) (testpb.TestServiceClient, *grpc.ClientConn) {
	t.Helper()
	return startDownstreamDial(t, d, nil, opts...)
}

// startDownstreamDial is startDownstream with options for the client
// connection it returns.
func startDownstreamDial(t testing.TB, d *downstream, dialOpts []grpc.DialOption, opts ...interceptor.Option) (testpb.TestServiceClient, *grpc.ClientConn) {
	t.Helper()
	gs := grpc.NewServer(
		grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(opts...)),
		grpc.ChainStreamInterceptor(interceptor.StreamServerInterceptor(opts...)),
	)
	testpb.RegisterTestServiceServer(gs, d)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	conn := grpctest.Serve(t, gs, dialOpts...)
	return testpb.NewTestServiceClient(conn), conn
}

// withToken returns a context that sends "authorization: Bearer token".
func withToken(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

// checkStatus fails unless err is a status with code and, when reason is
// not empty, that ErrorInfo reason.
func checkStatus(t *testing.T, err error, code codes.Code, reason verifier.Reason) {
	t.Helper()
	if got := status.Code(err); got != code {
		t.Fatalf("code = %v, want %v (err %v)", got, code, err)
	}
	if got := interceptor.ReasonOf(err); got != reason {
		t.Fatalf("reason = %q, want %q (err %v)", got, reason, err)
	}
}

// selectorMatch adapts a predicate on the full method name to a Matcher.
func selectorMatch(f func(fullMethod string) bool) selector.Matcher {
	return selector.MatchFunc(func(_ context.Context, cm interceptors.CallMeta) bool { return f(cm.FullMethod()) })
}

// waitFor polls cond until it holds, failing the test after 30 s. It is
// synchronisation, not a timing assertion.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 30 s")
		}
		time.Sleep(time.Millisecond)
	}
}
