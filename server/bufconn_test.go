package server

import (
	"testing"

	"google.golang.org/grpc"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/grpctest"
)

// startBufconn serves s over an in-memory listener with the production
// interceptor chain and returns a client connection to it; both are closed
// by t.Cleanup.
func startBufconn(t testing.TB, s *Server, opts GRPCOptions) *grpc.ClientConn {
	t.Helper()
	gs, _ := NewGRPCServer(s, opts)
	return grpctest.Serve(t, gs)
}

// newTestClient is startBufconn returning an AuthService client.
func newTestClient(t testing.TB, s *Server, opts GRPCOptions) authsvcv1.AuthServiceClient {
	t.Helper()
	return authsvcv1.NewAuthServiceClient(startBufconn(t, s, opts))
}
