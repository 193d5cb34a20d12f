// Command downstream is a tiny gRPC service protected by the interceptor
// package: one method, example.v1.Greeter/Hello, that greets the signed-in
// Clerk user, plus the (exempt) health service. It also holds a client mode
// to call itself.
//
// With `go run ./cmd/authsvc dev` running in another terminal:
//
//	go run ./examples/downstream                      # serve on 127.0.0.1:50061 via authsvc
//	TOKEN=$(go run ./cmd/authsvc dev token --user user_demo_alice)
//	go run ./examples/downstream call -token "$TOKEN" # hello world, you are user_demo_alice
//	go run ./examples/downstream call                 # Unauthenticated session-token-missing
//
// Flags: -addr (listen address, default 127.0.0.1:50061), -authsvc (authsvc
// address, default 127.0.0.1:50051), -local (verify in-process with
// CLERK_SECRET_KEY / CLERK_JWT_KEY, CLERK_API_URL and CLERK_ISSUER instead
// of calling authsvc).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/verifier"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "downstream:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "call" {
		return runCall(ctx, args[1:], stdout)
	}
	fs := flag.NewFlagSet("downstream", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:50061", "listen address")
	authsvc := fs.String("authsvc", "127.0.0.1:50051", "authsvc gRPC address (remote mode)")
	local := fs.Bool("local", false, "verify in-process from CLERK_* variables instead of calling authsvc")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mode, closeMode, err := authMode(*local, *authsvc, getenv)
	if err != nil {
		return err
	}
	defer closeMode()
	return serve(ctx, *addr, mode, stdout)
}

// authMode builds the interceptor's verification mode.
func authMode(local bool, authsvcAddr string, getenv func(string) string) (interceptor.Option, func(), error) {
	if !local {
		conn, err := grpc.NewClient(authsvcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, nil, fmt.Errorf("authsvc client: %w", err)
		}
		return interceptor.WithRemote(conn), func() { _ = conn.Close() }, nil
	}
	cfg := verifier.Config{SecretKey: getenv("CLERK_SECRET_KEY"), JWTKey: getenv("CLERK_JWT_KEY"), APIURL: getenv("CLERK_API_URL")}
	if iss := getenv("CLERK_ISSUER"); iss != "" {
		cfg.Issuers = strings.Split(iss, ",")
	}
	v, err := verifier.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	return interceptor.WithLocal(v), v.Close, nil
}

// serve runs the protected Greeter until ctx ends.
func serve(ctx context.Context, addr string, mode interceptor.Option, stdout io.Writer) error {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(mode)),
		grpc.ChainStreamInterceptor(interceptor.StreamServerInterceptor(mode)),
	)
	srv.RegisterService(&greeterDesc, greeter{})
	healthpb.RegisterHealthServer(srv, health.NewServer())
	go func() {
		<-ctx.Done()
		srv.GracefulStop()
	}()
	fmt.Fprintf(stdout, "downstream: serving example.v1.Greeter/Hello on %s\n", lis.Addr())
	if err := srv.Serve(lis); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	return nil
}

// runCall calls Hello with an optional token and prints the answer or the
// rejection's code and reason.
func runCall(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("downstream call", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:50061", "downstream address")
	token := fs.String("token", "", "Clerk session token to send as authorization: Bearer")
	name := fs.String("name", "world", "who to greet")
	if err := fs.Parse(args); err != nil {
		return err
	}
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if *token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+*token)
	}
	out := new(wrapperspb.StringValue)
	err = conn.Invoke(ctx, helloMethod, wrapperspb.String(*name), out)
	if err != nil {
		fmt.Fprintln(stdout, status.Code(err), interceptor.ReasonOf(err))
		return nil
	}
	fmt.Fprintln(stdout, out.GetValue())
	return nil
}
