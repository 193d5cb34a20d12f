package interceptor_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/verifier"
)

// Protect a service through authsvc: one option, both interceptors.
func Example_remote() {
	authsvc, err := grpc.NewClient("authsvc.internal:50051", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	defer authsvc.Close()

	auth := interceptor.WithRemote(authsvc)
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(auth)),
		grpc.ChainStreamInterceptor(interceptor.StreamServerInterceptor(auth)),
	)
	_ = srv // register your services, then srv.Serve(listener)
}

// Protect a service without a network hop per call: the verifier fetches
// and caches Clerk's JWKS itself.
func Example_local() {
	v, err := verifier.New(verifier.Config{SecretKey: os.Getenv("CLERK_SECRET_KEY")})
	if err != nil {
		log.Fatal(err)
	}
	defer v.Close()

	auth := interceptor.WithLocal(v)
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(auth)),
		grpc.ChainStreamInterceptor(interceptor.StreamServerInterceptor(auth)),
	)
	_ = srv
}

// Forward the caller's token when a handler calls another protected
// service: install the client interceptors on that connection, and pass the
// handler's context.
func ExampleUnaryClientInterceptor() {
	billing, err := grpc.NewClient("billing.internal:50051",
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(interceptor.UnaryClientInterceptor()),
		grpc.WithChainStreamInterceptor(interceptor.StreamClientInterceptor()),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer billing.Close()
	// In a handler: billingpb.NewBillingClient(billing).GetInvoice(ctx, req)
	// sends "authorization: Bearer <the caller's token>".
}

// Wire the interceptors with a method allow-list: the health check and
// EmptyCall pass without a token; everything else is refused.
func ExampleWithExemptMethods() {
	authsvc, _ := grpc.NewClient("passthrough:///authsvc.invalid", grpc.WithTransportCredentials(insecure.NewCredentials()))
	defer authsvc.Close()
	opts := []interceptor.Option{
		interceptor.WithRemote(authsvc),
		interceptor.WithExemptMethods(append(interceptor.DefaultExemptMethods(), testpb.TestService_EmptyCall_FullMethodName)...),
	}
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(opts...)),
		grpc.ChainStreamInterceptor(interceptor.StreamServerInterceptor(opts...)),
	)
	testpb.RegisterTestServiceServer(srv, &downstream{})
	healthpb.RegisterHealthServer(srv, &healthpb.UnimplementedHealthServer{})
	conn := serveExample(srv)
	defer srv.Stop()
	defer conn.Close()
	ctx := context.Background()

	_, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	fmt.Println("health:", status.Code(err)) // exempt: reaches the (unimplemented) handler
	_, err = testpb.NewTestServiceClient(conn).EmptyCall(ctx, &testpb.Empty{})
	fmt.Println("EmptyCall:", status.Code(err))
	_, err = testpb.NewTestServiceClient(conn).UnaryCall(ctx, &testpb.SimpleRequest{})
	fmt.Println("UnaryCall:", status.Code(err), interceptor.ReasonOf(err))
	// Output:
	// health: Unimplemented
	// EmptyCall: OK
	// UnaryCall: Unauthenticated session-token-missing
}

// Handlers read the caller from their context.
func ExampleHasPermission() {
	handler := func(ctx context.Context) {
		fmt.Println(interceptor.UserID(ctx), interceptor.OrgID(ctx))
		fmt.Println("can read:", interceptor.HasPermission(ctx, "org:invoices:read"))
		fmt.Println("admin:", interceptor.HasRole(ctx, "org:admin"))
	}
	// What the server interceptor does for a verified call:
	ctx := interceptor.NewContext(context.Background(), "<token>", &interceptor.Claims{
		UserID: "user_1", OrgID: "org_1", OrgRole: "org:member", OrgPermissions: []string{"org:invoices:read"},
	})
	handler(ctx)
	// Output:
	// user_1 org_1
	// can read: true
	// admin: false
}

// serveExample serves srv in memory and returns a connection to it.
func serveExample(srv *grpc.Server) *grpc.ClientConn {
	lis := bufconn.Listen(1 << 20)
	go func() { _ = srv.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///example",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	return conn
}
