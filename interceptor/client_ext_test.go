package interceptor_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"

	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/internal/grpctest"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// TestTokenPropagation: front verifies the caller, its handler calls back
// through a connection with the client interceptors, and back sees the
// same user without the handler touching metadata. Both use a real
// authsvc.
func TestTokenPropagation(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	authConn, calls := startAuthsvc(t, iss)

	propagate := []grpc.DialOption{
		grpc.WithChainUnaryInterceptor(interceptor.UnaryClientInterceptor()),
		grpc.WithChainStreamInterceptor(interceptor.StreamClientInterceptor()),
	}
	back := &downstream{}
	backClient, _ := startDownstreamDial(t, back, propagate, interceptor.WithRemote(authConn))
	front := &downstream{next: backClient}
	frontClient, _ := startDownstream(t, front, interceptor.WithRemote(authConn))

	tok := iss.Mint(t, map[string]any{"sub": "user_front"})
	resp, err := frontClient.CacheableUnaryCall(withToken(t.Context(), tok), &testpb.SimpleRequest{})
	if err != nil {
		t.Fatalf("CacheableUnaryCall: %v", err)
	}
	if got := resp.GetUsername(); got != "user_front" {
		t.Errorf("back saw user %q, want user_front", got)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("VerifySessionToken calls = %d, want 2 (front and back each verify)", n)
	}
}

// recordingServer serves TestService and records the authorization and
// x-session values every call arrives with.
type recordingServer struct {
	testpb.UnimplementedTestServiceServer
	mu  sync.Mutex
	got [][]string
}

func (s *recordingServer) record(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	var got []string
	for _, key := range []string{"authorization", "x-session"} {
		for _, v := range md.Get(key) {
			got = append(got, key+": "+v)
		}
	}
	s.got = append(s.got, got)
}

func (s *recordingServer) EmptyCall(ctx context.Context, _ *testpb.Empty) (*testpb.Empty, error) {
	s.record(ctx)
	return &testpb.Empty{}, nil
}

func (s *recordingServer) FullDuplexCall(ss grpc.BidiStreamingServer[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]) error {
	s.record(ss.Context())
	return nil
}

// TestClientInterceptors pins what the client interceptors send, unary and
// stream.
func TestClientInterceptors(t *testing.T) {
	t.Parallel()
	claims := &interceptor.Claims{UserID: "user_1", ExpiresAt: time.Now().Add(time.Minute).Unix()}
	tests := []struct {
		name string
		opts []interceptor.Option
		ctx  func(context.Context) context.Context
		want []string
	}{
		{name: "forwards the context token", ctx: func(ctx context.Context) context.Context {
			return interceptor.NewContext(ctx, "tok1", claims)
		}, want: []string{"authorization: Bearer tok1"}},
		{name: "no token sends nothing", ctx: func(ctx context.Context) context.Context { return ctx }, want: nil},
		{name: "existing credential is kept", ctx: func(ctx context.Context) context.Context {
			ctx = interceptor.NewContext(ctx, "tok1", claims)
			return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer service-key")
		}, want: []string{"authorization: Bearer service-key"}},
		{name: "custom key", opts: []interceptor.Option{interceptor.WithMetadataKey("X-Session")}, ctx: func(ctx context.Context) context.Context {
			return interceptor.NewContext(ctx, "tok1", claims)
		}, want: []string{"x-session: Bearer tok1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recordingServer{}
			gs := grpc.NewServer()
			testpb.RegisterTestServiceServer(gs, rec)
			conn := grpctest.Serve(t, gs,
				grpc.WithChainUnaryInterceptor(interceptor.UnaryClientInterceptor(tt.opts...)),
				grpc.WithChainStreamInterceptor(interceptor.StreamClientInterceptor(tt.opts...)),
			)
			client := testpb.NewTestServiceClient(conn)
			ctx := tt.ctx(t.Context())
			if _, err := client.EmptyCall(ctx, &testpb.Empty{}); err != nil {
				t.Fatalf("EmptyCall: %v", err)
			}
			stream, err := client.FullDuplexCall(ctx)
			if err != nil {
				t.Fatalf("FullDuplexCall: %v", err)
			}
			_ = stream.CloseSend()
			_, _ = stream.Recv()
			want := [][]string{tt.want, tt.want}
			if diff := cmp.Diff(want, rec.got, cmp.Comparer(func(a, b []string) bool { return cmp.Equal(emptyNil(a), emptyNil(b)) })); diff != "" {
				t.Errorf("metadata received, unary then stream (-want +got):\n%s", diff)
			}
		})
	}
}

func emptyNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
