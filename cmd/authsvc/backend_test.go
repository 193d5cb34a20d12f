package main

import (
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/backendapi"
)

// TestBackendSettings: AUTHSVC_BACKEND_RATE_LIMIT and
// AUTHSVC_BACKEND_MAX_WAIT (env, flags win) reach the config, and the
// options built from them make a client.
func TestBackendSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantRate int
		wantWait time.Duration
	}{
		{"defaults: the key's rate, 2 s", nil, nil, 0, 2 * time.Second},
		{"from the environment", map[string]string{"AUTHSVC_BACKEND_RATE_LIMIT": "250", "AUTHSVC_BACKEND_MAX_WAIT": "500ms"}, nil, 250, 500 * time.Millisecond},
		{"flags win", map[string]string{"AUTHSVC_BACKEND_RATE_LIMIT": "250"}, []string{"--backend-rate-limit", "40", "--backend-max-wait", "0s"}, 40, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := parseConfig("authsvc", tt.args, envFrom(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			got := [2]any{c.BackendRateLimit, c.BackendMaxWait}
			if d := cmp.Diff([2]any{tt.wantRate, tt.wantWait}, got); d != "" {
				t.Errorf("rate, max wait (-want +got):\n%s", d)
			}
			if _, err := backendapi.NewClient("sk_live_x", backendOptions(c)...); err != nil {
				t.Errorf("NewClient with the settings' options: %v", err)
			}
		})
	}
}
