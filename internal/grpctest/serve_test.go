package grpctest_test

import (
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/authsvc/authsvc/internal/grpctest"
)

// TestServe: a call over the returned connection reaches the served
// server.
func TestServe(t *testing.T) {
	t.Parallel()
	gs := grpc.NewServer()
	healthpb.RegisterHealthServer(gs, health.NewServer())
	resp, err := healthpb.NewHealthClient(grpctest.Serve(t, gs)).Check(t.Context(), &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if got := resp.GetStatus(); got != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("status = %v, want SERVING", got)
	}
}
