package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInContainer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		env   map[string]string
		files []string
		want  bool
	}{
		{"bare host", nil, nil, false},
		{"docker marker file", nil, []string{"/.dockerenv"}, true},
		{"podman marker file", nil, []string{"/run/.containerenv"}, true},
		{"kubernetes service env", map[string]string{"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			exists := func(p string) bool {
				for _, f := range tt.files {
					if f == p {
						return true
					}
				}
				return false
			}
			if got := inContainer(envFrom(tt.env), exists); got != tt.want {
				t.Errorf("inContainer = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:50051", true},
		{"127.3.2.1:50051", true},
		{"[::1]:50051", true},
		{"localhost:9090", true},
		{"0.0.0.0:50051", false},
		{"[::]:50051", false},
		{"10.1.2.3:50051", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			t.Parallel()
			if got := isLoopback(tt.addr); got != tt.want {
				t.Errorf("isLoopback(%q) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}

// TestWarnLoopback: one warning per loopback listener, naming the variable
// to set, and only inside a container.
func TestWarnLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		at        listening
		contained bool
		want      []string // variables named, in order
	}{
		{"container, both on loopback", listening{GRPCAddr: "127.0.0.1:50051", HTTPAddr: "127.0.0.1:9090"}, true, []string{"AUTHSVC_GRPC_ADDR", "AUTHSVC_HTTP_ADDR"}},
		{"container, grpc on loopback, http off", listening{GRPCAddr: "[::1]:50051"}, true, []string{"AUTHSVC_GRPC_ADDR"}},
		{"container, both on the wildcard", listening{GRPCAddr: "[::]:50051", HTTPAddr: "0.0.0.0:9090"}, true, nil},
		{"no container, loopback", listening{GRPCAddr: "127.0.0.1:50051", HTTPAddr: "127.0.0.1:9090"}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			warnLoopback(slog.New(slog.NewTextHandler(&buf, nil)), tt.at, tt.contained)
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				for _, v := range []string{"AUTHSVC_GRPC_ADDR", "AUTHSVC_HTTP_ADDR"} {
					if strings.Contains(line, v) && strings.Contains(line, "level=WARN") {
						got = append(got, v)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("warned variables (-want +got):\n%s\nlog:\n%s", diff, buf.String())
			}
		})
	}
}
