package telemetry_test

import (
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// BenchmarkTracingOff measures a warm VerifySessionToken over bufconn with
// no stats handler (what authsvc installs when tracing is off) and with
// otelgrpc's handler on the global no-op provider (what installing it
// unconditionally would cost):
//
//	go test ./internal/telemetry -run '^$' -bench TracingOff -benchtime 20000x
func BenchmarkTracingOff(b *testing.B) {
	iss := verifiertest.NewIssuer(b)
	v, err := verifier.New(verifier.Config{JWTKey: iss.PublicKeyPEM()})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Verifier: v})
	if err != nil {
		b.Fatal(err)
	}
	token := iss.Mint(b, nil)
	for _, bc := range []struct {
		name string
		opts []grpc.ServerOption
	}{
		{"none", nil},
		{"otelgrpc-noop", []grpc.ServerOption{grpc.StatsHandler(otelgrpc.NewServerHandler())}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			client := authsvcv1.NewAuthServiceClient(serve(b, srv, server.GRPCOptions{ServerOptions: bc.opts}))
			req := &authsvcv1.VerifySessionTokenRequest{Token: token}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := client.VerifySessionToken(b.Context(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
