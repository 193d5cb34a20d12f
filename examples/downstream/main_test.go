package main

import (
	"context"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// TestGreeter serves the hand-written Greeter behind the interceptor (local
// mode) and calls it with and without a token.
func TestGreeter(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v, err := verifier.New(iss.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(interceptor.WithLocal(v))))
	srv.RegisterService(&greeterDesc, greeter{})
	lis := bufconn.Listen(1 << 20)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///greeter",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })

	tests := []struct {
		name       string
		token      string
		want       string
		wantReason string
	}{
		{name: "signed in", token: iss.Mint(t, map[string]any{"org_id": "org_1"}), want: "hello world, you are user_test (session sess_test) in org_1"},
		{name: "no token", wantReason: string(interceptor.ReasonTokenMissing)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			if tt.token != "" {
				ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tt.token)
			}
			out := new(wrapperspb.StringValue)
			err := conn.Invoke(ctx, helloMethod, wrapperspb.String("world"), out)
			if got := string(interceptor.ReasonOf(err)); got != tt.wantReason {
				t.Fatalf("reason = %q, want %q (err %v)", got, tt.wantReason, err)
			}
			if got := out.GetValue(); got != tt.want {
				t.Errorf("reply = %q, want %q", got, tt.want)
			}
		})
	}
}
