package server

import (
	"context"
	"fmt"
	"log/slog"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/telemetry"
)

// GRPCOptions shape the *grpc.Server built by [NewGRPCServer].
type GRPCOptions struct {
	// Logger receives one JSON line per finished call (method, code,
	// duration; never payloads or metadata) and every recovered panic.
	// Nil discards.
	Logger *slog.Logger
	// Metrics, when set, records per-method request counts and latencies.
	Metrics *grpcprom.ServerMetrics
	// Telemetry, when set, records verifications and auth-state decisions
	// (server/telemetry.go).
	Telemetry *telemetry.Metrics
	// Unary and Stream run after recovery, metrics and logging, in order:
	// the caller-policy interceptors go here.
	Unary  []grpc.UnaryServerInterceptor
	Stream []grpc.StreamServerInterceptor
	// ServerOptions are passed to grpc.NewServer (credentials, limits).
	ServerOptions []grpc.ServerOption
}

// NewGRPCServer builds a gRPC server that serves s, the standard health
// service (reporting SERVING for "" and authsvc.v1.AuthService) and server
// reflection. The chain is: recovery (outermost, so no panic reaches a
// caller), metrics, logging, then opts.Unary / opts.Stream.
func NewGRPCServer(s *Server, opts GRPCOptions) (*grpc.Server, *health.Server) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rec := recovery.WithRecoveryHandlerContext(func(ctx context.Context, p any) error {
		// The panic value may hold request data; log only its type.
		log.ErrorContext(ctx, "panic recovered", "panic_type", fmt.Sprintf("%T", p))
		return status.Error(codes.Internal, "internal error")
	})
	logOpts := []logging.Option{logging.WithLogOnEvents(logging.FinishCall)}
	unary := []grpc.UnaryServerInterceptor{recovery.UnaryServerInterceptor(rec)}
	stream := []grpc.StreamServerInterceptor{recovery.StreamServerInterceptor(rec)}
	if opts.Metrics != nil {
		unary = append(unary, opts.Metrics.UnaryServerInterceptor())
		stream = append(stream, opts.Metrics.StreamServerInterceptor())
	}
	unary = append(unary, logging.UnaryServerInterceptor(slogAdapter(log), logOpts...))
	stream = append(stream, logging.StreamServerInterceptor(slogAdapter(log), logOpts...))
	unary = append(unary, opts.Unary...)
	if opts.Telemetry != nil {
		unary = append(unary, telemetryUnaryInterceptor(opts.Telemetry))
	}
	stream = append(stream, opts.Stream...)

	serverOpts := append([]grpc.ServerOption{
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(stream...),
		grpc.ForceServerCodecV2(newMemoCodec(&s.claims)),
		numStreamWorkers(),
	}, opts.ServerOptions...)
	gs := grpc.NewServer(serverOpts...)
	s.Register(gs)
	hs := health.NewServer()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(authsvcv1.AuthService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(gs, hs)
	// The metrics are not pre-initialised (InitializeMetrics): 17 codes ×
	// 60-odd methods of zero series were 300 KB a scrape; series appear on
	// a method's first call instead.
	reflection.Register(gs)
	return gs, hs
}

// slogAdapter lets the middleware's logging interceptor write through slog.
func slogAdapter(l *slog.Logger) logging.Logger {
	return logging.LoggerFunc(func(ctx context.Context, lvl logging.Level, msg string, fields ...any) {
		l.Log(ctx, slog.Level(lvl), msg, fields...)
	})
}
