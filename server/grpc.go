package server

import (
	"context"
	"fmt"
	"log/slog"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// GRPCOptions shape the *grpc.Server built by [NewGRPCServer].
type GRPCOptions struct {
	// Logger receives a line per finished call at the level its code
	// deserves (see logging.go: successes and client errors are debug) and
	// every recovered panic. Nil discards.
	Logger *slog.Logger
	// Metrics, when set, records per-method request counts and latencies.
	Metrics *grpcprom.ServerMetrics
	// Observer, when set, is told the outcome of every verification RPC and
	// the decision of every GetAuthState call (server/telemetry.go).
	Observer Observer
	// Unary and Stream run after recovery, metrics, logging and the caller
	// policy, in order; [CallerFromContext] works in them. Envoy's Check
	// reaches a Unary interceptor with its request decoded into an
	// unexported type, not an *authv3.CheckRequest (the hand decoder of
	// checkdecode.go makes no CheckRequest), and its response as an
	// *authv3.CheckResponse.
	Unary  []grpc.UnaryServerInterceptor
	Stream []grpc.StreamServerInterceptor
	// Limits bound streams, connection age and message size; the zero
	// value means the defaults (see [Limits]).
	Limits Limits
	// ServerOptions are passed to grpc.NewServer after the limits
	// (credentials; an option given here wins over the same limit).
	ServerOptions []grpc.ServerOption
}

// NewGRPCServer builds a gRPC server that serves s, the standard health
// service (reporting SERVING for "" and authsvc.v1.AuthService) and server
// reflection, within opts.Limits. The chain is: recovery (outermost, so no
// panic reaches a caller), metrics, logging, s's caller policy with the
// authsvc-reason trailer (always installed; it applies to every service, so
// the policy's protect list can close health too), then opts.Unary /
// opts.Stream.
func NewGRPCServer(s *Server, opts GRPCOptions) (*grpc.Server, *health.Server) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rec := recovery.WithRecoveryHandlerContext(func(ctx context.Context, p any) error {
		// The panic value may hold request data; log only its type.
		log.ErrorContext(ctx, "panic recovered", "panic_type", fmt.Sprintf("%T", p))
		return internalError("")
	})
	unary := []grpc.UnaryServerInterceptor{recovery.UnaryServerInterceptor(rec)}
	stream := []grpc.StreamServerInterceptor{recovery.StreamServerInterceptor(rec)}
	if opts.Metrics != nil {
		unary = append(unary, opts.Metrics.UnaryServerInterceptor())
		stream = append(stream, opts.Metrics.StreamServerInterceptor())
	}
	unary = append(unary, loggingUnary(log))
	stream = append(stream, loggingStream(log))
	unary = append(unary, s.guardUnary)
	stream = append(stream, s.guardStream)
	unary = append(unary, opts.Unary...)
	if opts.Observer != nil {
		unary = append(unary, telemetryUnaryInterceptor(opts.Observer))
	}
	stream = append(stream, opts.Stream...)

	serverOpts := append([]grpc.ServerOption{
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(stream...),
		grpc.ForceServerCodecV2(newMemoCodec(&s.claims)),
		numStreamWorkers(),
	}, opts.Limits.serverOptions()...)
	serverOpts = append(serverOpts, opts.ServerOptions...)
	gs := grpc.NewServer(serverOpts...)
	// The chain above already applies the policy and the trailer to every
	// service, so the AuthService is registered unguarded (each call is
	// checked once).
	authsvcv1.RegisterAuthServiceServer(gs, s)
	s.registerExtAuthz(gs)
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
