package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// runHealthcheck asks a running authsvc for its gRPC health and returns nil
// only when the answer is SERVING. It exists for container HEALTHCHECKs in
// an image without a shell or grpcurl: the exit code is the verdict, and a
// failure is one line naming the address and what went wrong.
//
// The address defaults to AUTHSVC_GRPC_ADDR (what the service in the same
// container binds), with a wildcard host (0.0.0.0, ::, empty) dialled on
// loopback. With AUTHSVC_TLS_CERT set, the check speaks TLS without
// verifying the certificate: it sends no credential and only reads a
// status, and the certificate rarely names the loopback address.
func runHealthcheck(ctx context.Context, args []string, env lookupEnv, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("authsvc healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", loopbackFor(envOr(env, "AUTHSVC_GRPC_ADDR", "127.0.0.1:50051")), "gRPC address of the authsvc to check")
	service := fs.String("service", "", "health service name; empty asks about the whole server")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	useTLS := fs.Bool("tls", envOr(env, "AUTHSVC_TLS_CERT", "") != "", "speak TLS (unverified) instead of plaintext; on when AUTHSVC_TLS_CERT is set")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: authsvc healthcheck [--addr host:port] [--service name] [--timeout 3s] [--tls]")
	}
	creds := insecure.NewCredentials()
	if *useTLS {
		creds = credentials.NewTLS(&tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}) //nolint:gosec // a local status probe: sends nothing secret, see the doc comment
	}
	conn, err := grpc.NewClient("passthrough:///"+*addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		return fmt.Errorf("healthcheck: %s: %w", *addr, err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: *service})
	if err != nil {
		st := status.Convert(err)
		return fmt.Errorf("healthcheck: %s: %s: %s", *addr, st.Code(), st.Message())
	}
	if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("healthcheck: %s: %s", *addr, resp.GetStatus())
	}
	_, err = fmt.Fprintln(stdout, resp.GetStatus())
	return err
}

// loopbackFor turns a listen address into one to dial from the same host:
// a wildcard or empty host becomes the loopback address of its family.
func loopbackFor(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
