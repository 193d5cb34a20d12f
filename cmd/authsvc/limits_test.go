package main

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/server"
)

// TestGRPCOptionsLimits: the AUTHSVC_MAX_* settings reach server.Limits,
// and a zero connection age means no limit (not the default).
func TestGRPCOptionsLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want server.Limits
	}{
		{"defaults", nil, server.Limits{MaxStreams: server.DefaultMaxStreams, MaxConnectionAge: server.DefaultMaxConnectionAge, MaxRecvBytes: server.DefaultMaxRecvBytes}},
		{"set", map[string]string{"AUTHSVC_MAX_STREAMS": "7", "AUTHSVC_MAX_CONNECTION_AGE": "1h", "AUTHSVC_MAX_RECV_BYTES": "65536"},
			server.Limits{MaxStreams: 7, MaxConnectionAge: time.Hour, MaxRecvBytes: 65536}},
		{"age 0 is no limit", map[string]string{"AUTHSVC_MAX_CONNECTION_AGE": "0"},
			server.Limits{MaxStreams: server.DefaultMaxStreams, MaxConnectionAge: -1, MaxRecvBytes: server.DefaultMaxRecvBytes}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseConfig("authsvc", nil, envFrom(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			opts, certs, err := grpcOptions(cfg, slog.New(slog.DiscardHandler))
			if err != nil || certs != nil {
				t.Fatalf("grpcOptions: %v, certs %v", err, certs)
			}
			if diff := cmp.Diff(tt.want, opts.Limits); diff != "" {
				t.Errorf("Limits (-want +got):\n%s", diff)
			}
		})
	}
}
