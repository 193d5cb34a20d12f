package server

import (
	"context"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// startBufconn serves s over an in-memory listener with the production
// interceptor chain and returns a client connection to it; both are closed
// by t.Cleanup.
func startBufconn(t testing.TB, s *Server, opts GRPCOptions) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	gs, _ := NewGRPCServer(s, opts)
	go func() { _ = gs.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
	)
	if err != nil {
		t.Fatalf("dial bufconn: %v", err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		gs.Stop()
	})
	return conn
}

// newTestClient is startBufconn returning an AuthService client.
func newTestClient(t testing.TB, s *Server, opts GRPCOptions) authsvcv1.AuthServiceClient {
	t.Helper()
	return authsvcv1.NewAuthServiceClient(startBufconn(t, s, opts))
}
