package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/authsvc/authsvc/internal/buildinfo"
)

// TestHealthcheck runs `authsvc healthcheck` against real services on
// loopback: a running dev service is SERVING (exit 0), a server that says
// NOT_SERVING and a closed port fail with one line naming the address.
func TestHealthcheck(t *testing.T) {
	t.Parallel()
	devAddr := startDev(t, nil).grpcAddr
	notServing := startHealthServer(t, healthpb.HealthCheckResponse_NOT_SERVING)
	closed := closedPort(t)

	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantOut string
		wantErr string // substring of the error; "" means success
	}{
		{"dev service is serving", []string{"--addr", devAddr}, nil, "SERVING\n", ""},
		{"dev service, AuthService by name", []string{"--addr", devAddr, "--service", "authsvc.v1.AuthService"}, nil, "SERVING\n", ""},
		{"address from AUTHSVC_GRPC_ADDR", nil, map[string]string{"AUTHSVC_GRPC_ADDR": devAddr}, "SERVING\n", ""},
		{"wildcard AUTHSVC_GRPC_ADDR is dialled on loopback", nil, map[string]string{"AUTHSVC_GRPC_ADDR": "0.0.0.0:" + port(t, devAddr)}, "SERVING\n", ""},
		{"unknown health service", []string{"--addr", devAddr, "--service", "no.such.Service"}, nil, "", devAddr + ": NotFound"},
		{"server says NOT_SERVING", []string{"--addr", notServing}, nil, "", notServing + ": NOT_SERVING"},
		{"nothing listens", []string{"--addr", closed, "--timeout", "2s"}, nil, "", closed + ": Unavailable"},
		{"stray argument", []string{"--addr", devAddr, "extra"}, nil, "", "usage: authsvc healthcheck"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			args := append([]string{"healthcheck"}, tt.args...)
			if !slices.Contains(args, "--timeout") && !slices.Contains(args, "extra") {
				// The 3 s default is for probes; a loaded -race run can take longer
				// to dial and answer, and a timeout here would fail the row for the
				// wrong reason.
				args = append(args, "--timeout", "30s")
			}
			err := run(context.Background(), args, envFrom(tt.env), &out, io.Discard)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("healthcheck failed: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("healthcheck error = %v, want one containing %q", err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Errorf("healthcheck error spans lines: %q", err)
			}
			if got := out.String(); got != tt.wantOut {
				t.Errorf("stdout = %q, want %q", got, tt.wantOut)
			}
		})
	}
}

func TestLoopbackFor(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, listen, want string }{
		{"IPv4 wildcard", "0.0.0.0:50051", "127.0.0.1:50051"},
		{"empty host", ":50051", "127.0.0.1:50051"},
		{"IPv6 wildcard", "[::]:50051", "[::1]:50051"},
		{"loopback kept", "127.0.0.1:50051", "127.0.0.1:50051"},
		{"named host kept", "authsvc.internal:50051", "authsvc.internal:50051"},
		{"not host:port kept", "authsvc", "authsvc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := loopbackFor(tt.listen); got != tt.want {
				t.Errorf("loopbackFor(%q) = %q, want %q", tt.listen, got, tt.want)
			}
		})
	}
}

// TestVersion: both spellings print the build's one line and succeed.
func TestVersion(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"version", "--version"} {
		t.Run(arg, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if err := run(context.Background(), []string{arg}, envFrom(nil), &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			want := buildinfo.Read().String() + "\n"
			if out.String() != want {
				t.Errorf("stdout = %q, want %q", out.String(), want)
			}
			if !strings.HasPrefix(want, "authsvc ") || !strings.Contains(want, "crypto ") {
				t.Errorf("version line %q lacks the name or the crypto", want)
			}
		})
	}
}

// startHealthServer serves only the standard health service on loopback,
// reporting st for the whole server.
func startHealthServer(t *testing.T, st healthpb.HealthCheckResponse_ServingStatus) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	hs := health.NewServer()
	hs.SetServingStatus("", st)
	healthpb.RegisterHealthServer(gs, hs)
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)
	return lis.Addr().String()
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	return addr
}

func port(t *testing.T, addr string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
