package telemetry_test

import (
	"context"
	"testing"

	"google.golang.org/grpc"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/telemetry"
)

// BenchmarkRecording is the per-call cost of the metrics on the hot path:
// the middleware's grpc_server_* interceptor (five labelled lookups a call)
// and the verification recorder (pre-resolved for a valid token).
//
//	go test ./internal/telemetry -run '^$' -bench Recording
func BenchmarkRecording(b *testing.B) {
	m := telemetry.New()
	info := &grpc.UnaryServerInfo{FullMethod: authsvcv1.AuthService_VerifySessionToken_FullMethodName}
	handler := func(context.Context, any) (any, error) { return nil, nil }
	b.Run("grpc_server_interceptor", func(b *testing.B) {
		icpt := m.GRPC().UnaryServerInterceptor()
		b.ReportAllocs()
		for b.Loop() {
			_, _ = icpt(b.Context(), nil, info, handler)
		}
	})
	b.Run("verification_valid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.Verification(info.FullMethod, telemetry.OutcomeValid, "")
		}
	})
	b.Run("verification_rejected", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.Verification(info.FullMethod, telemetry.OutcomeInvalid, "token-expired")
		}
	})
}
