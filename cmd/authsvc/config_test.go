package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// TestParseConfigRejects: every bad or contradictory setting stops the start
// with one line naming the setting.
func TestParseConfigRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
	}{
		{"api url not absolute", map[string]string{"CLERK_API_URL": "api.clerk.com"}, nil, "CLERK_API_URL"},
		{"api url bad scheme", map[string]string{"CLERK_API_URL": "ftp://api.clerk.com"}, nil, "CLERK_API_URL"},
		{"api version with a slash", map[string]string{"CLERK_API_VERSION": "v1/../x"}, nil, "CLERK_API_VERSION"},
		{"skew not a duration", map[string]string{"AUTHSVC_CLOCK_SKEW": "5"}, nil, "AUTHSVC_CLOCK_SKEW"},
		{"skew negative", map[string]string{"AUTHSVC_CLOCK_SKEW": "-1s"}, nil, "AUTHSVC_CLOCK_SKEW"},
		{"skew flag wins and is checked", map[string]string{"AUTHSVC_CLOCK_SKEW": "5s"}, []string{"--clock-skew", "1h"}, "--clock-skew"},
		{"grpc addr without port", map[string]string{"AUTHSVC_GRPC_ADDR": "localhost"}, nil, "AUTHSVC_GRPC_ADDR"},
		{"tls cert without key", map[string]string{"AUTHSVC_TLS_CERT": "c.pem"}, nil, "AUTHSVC_TLS_KEY"},
		{"client CA without server cert", map[string]string{"AUTHSVC_TLS_CLIENT_CA": "ca.pem"}, nil, "AUTHSVC_TLS_CLIENT_CA"},
		{"same address twice", map[string]string{"AUTHSVC_GRPC_ADDR": "127.0.0.1:1", "AUTHSVC_HTTP_ADDR": "127.0.0.1:1"}, nil, "both"},
		{"stray argument", nil, []string{"extra"}, "unexpected argument"},
		{"undefined flag with a line break (FuzzParseConfig)", nil, []string{"-\rt\nx"}, "flag provided but not defined"},
		{"bad flag syntax with a line break", nil, []string{"---\nx"}, "bad flag syntax"},
		{"same address with a line break", map[string]string{"AUTHSVC_GRPC_ADDR": "a\nb:1", "AUTHSVC_HTTP_ADDR": "a\nb:1"}, nil, "both"},
		{"cache size negative", map[string]string{"AUTHSVC_CACHE_SIZE": "-1"}, nil, "AUTHSVC_CACHE_SIZE"},
		{"cache size not a number", map[string]string{"AUTHSVC_CACHE_SIZE": "1e5"}, nil, "AUTHSVC_CACHE_SIZE"},
		{"pprof on a public address", map[string]string{"AUTHSVC_PPROF_ADDR": "0.0.0.0:6060"}, nil, "AUTHSVC_PPROF_ADDR"},
		{"pprof without a port", map[string]string{"AUTHSVC_PPROF_ADDR": "127.0.0.1"}, nil, "AUTHSVC_PPROF_ADDR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseConfig("authsvc", tt.args, envFrom(tt.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one naming %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestParseConfigServeNeedsAKeySource(t *testing.T) {
	t.Parallel()
	c, err := parseConfig("authsvc", nil, envFrom(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.validateServe(); err == nil || !strings.Contains(err.Error(), "CLERK_SECRET_KEY") {
		t.Fatalf("validateServe = %v, want a line naming CLERK_SECRET_KEY", err)
	}
}

// TestParseConfigPrecedence: defaults, then the environment, then flags.
func TestParseConfigPrecedence(t *testing.T) {
	t.Parallel()
	env := envFrom(map[string]string{
		"CLERK_SECRET_KEY":         "sk_live_env",
		"CLERK_API_URL":            "https://clerk.internal.example/",
		"CLERK_ISSUER":             "https://clerk.a.example, https://clerk.b.example,",
		"CLERK_AUTHORIZED_PARTIES": "https://app.example",
		"AUTHSVC_CLOCK_SKEW":       "2s",
	})
	c, err := parseConfig("authsvc", []string{"--clock-skew", "0s", "--grpc-addr", "0.0.0.0:6000"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := &config{
		SecretKey:         "sk_live_env",
		APIURL:            "https://clerk.internal.example",
		APIVersion:        "v1",
		Issuers:           []string{"https://clerk.a.example", "https://clerk.b.example"},
		AuthorizedParties: []string{"https://app.example"},
		GRPCAddr:          "0.0.0.0:6000",
		HTTPAddr:          "127.0.0.1:9090",
		ClockSkew:         0,
		DevBackendAddr:    "127.0.0.1:50052",
		CacheSize:         100000,
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if got := verifierConfig(c).ClockSkew; got <= 0 || got > time.Nanosecond {
		t.Errorf("an explicit 0s skew became %v in the verifier config, want the smallest positive skew", got)
	}
	if got := verifierConfig(c).CacheSize; got != 100000 {
		t.Errorf("cache size = %d, want 100000", got)
	}
	c.CacheSize = 0
	if got := verifierConfig(c).CacheSize; got >= 0 {
		t.Errorf("AUTHSVC_CACHE_SIZE=0 became %d in the verifier config, want the cache off (< 0)", got)
	}
}
