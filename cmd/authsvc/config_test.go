package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/server"
)

// envFrom is a lookupEnv over m: a key present with "" is set to empty.
func envFrom(m map[string]string) lookupEnv {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
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
		{"stray argument", nil, []string{"extra"}, `unexpected argument "extra"`},
		{"stray argument that may be a secret is not shown", nil, []string{"--secret-key=", "sk_live_0123456789"}, "unexpected argument (18 bytes, not shown)"},
		{"undefined flag with a line break (FuzzParseConfig)", nil, []string{"-\rt\nx"}, "flag provided but not defined"},
		{"bad flag syntax with a line break", nil, []string{"---\nx"}, "bad flag syntax"},
		{"same address with a line break", map[string]string{"AUTHSVC_GRPC_ADDR": "a\nb:1", "AUTHSVC_HTTP_ADDR": "a\nb:1"}, nil, "both"},
		{"cache size negative", map[string]string{"AUTHSVC_CACHE_SIZE": "-1"}, nil, "AUTHSVC_CACHE_SIZE"},
		{"cache size not a number", map[string]string{"AUTHSVC_CACHE_SIZE": "1e5"}, nil, "AUTHSVC_CACHE_SIZE"},
		{"webhook secret without whsec_", map[string]string{"CLERK_WEBHOOK_SIGNING_SECRET": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"}, nil, "CLERK_WEBHOOK_SIGNING_SECRET"},
		{"webhook secret not base64", map[string]string{"CLERK_WEBHOOK_SIGNING_SECRET": "whsec_not base64"}, nil, "CLERK_WEBHOOK_SIGNING_SECRET"},
		{"webhook secret flag checked", nil, []string{"--webhook-signing-secret", "whsec_c2hvcnQ="}, "--webhook-signing-secret"},
		{"max streams zero", map[string]string{"AUTHSVC_MAX_STREAMS": "0"}, nil, "AUTHSVC_MAX_STREAMS"},
		{"max streams not a number", nil, []string{"--max-streams", "many"}, "--max-streams"},
		{"max connections negative", map[string]string{"AUTHSVC_MAX_CONNECTIONS": "-1"}, nil, "AUTHSVC_MAX_CONNECTIONS"},
		// A template of unset variables ("${A},${B}") renders ",": an
		// error, never the unset setting that checks nothing.
		{"authorized parties naming none", map[string]string{"CLERK_AUTHORIZED_PARTIES": ","}, nil, "CLERK_AUTHORIZED_PARTIES"},
		{"issuers naming none", map[string]string{"CLERK_ISSUER": " , "}, nil, "CLERK_ISSUER"},
		{"audiences naming none", map[string]string{"CLERK_AUDIENCE": ","}, nil, "CLERK_AUDIENCE"},
		{"max connection age below a second", map[string]string{"AUTHSVC_MAX_CONNECTION_AGE": "10ms"}, nil, "AUTHSVC_MAX_CONNECTION_AGE"},
		{"max connection age not a duration", map[string]string{"AUTHSVC_MAX_CONNECTION_AGE": "30"}, nil, "AUTHSVC_MAX_CONNECTION_AGE"},
		{"max recv bytes below a token", map[string]string{"AUTHSVC_MAX_RECV_BYTES": "1024"}, nil, "AUTHSVC_MAX_RECV_BYTES"},
		{"accept pending not a bool", map[string]string{"AUTHSVC_ACCEPT_PENDING_SESSIONS": "yes"}, nil, "AUTHSVC_ACCEPT_PENDING_SESSIONS"},
		{"accept pending flag not a bool", nil, []string{"--accept-pending-sessions", "on"}, "--accept-pending-sessions"},
		{"backend rate limit zero", map[string]string{"AUTHSVC_BACKEND_RATE_LIMIT": "0"}, nil, "AUTHSVC_BACKEND_RATE_LIMIT"},
		{"backend rate limit not a number", map[string]string{"AUTHSVC_BACKEND_RATE_LIMIT": "100/10s"}, nil, "AUTHSVC_BACKEND_RATE_LIMIT"},
		{"backend rate limit flag is checked", nil, []string{"--backend-rate-limit", "-5"}, "--backend-rate-limit"},
		{"backend max wait not a duration", map[string]string{"AUTHSVC_BACKEND_MAX_WAIT": "2"}, nil, "AUTHSVC_BACKEND_MAX_WAIT"},
		{"backend max wait negative", map[string]string{"AUTHSVC_BACKEND_MAX_WAIT": "-1s"}, nil, "AUTHSVC_BACKEND_MAX_WAIT"},
		{"backend max wait too long", nil, []string{"--backend-max-wait", "1h"}, "--backend-max-wait"},
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
		ShutdownDelay:     5 * time.Second,
		ShutdownTimeout:   25 * time.Second,
		// The documented limits are the server's own defaults.
		MaxStreams:       server.DefaultMaxStreams,
		MaxConnections:   server.DefaultMaxConnections,
		MaxConnectionAge: server.DefaultMaxConnectionAge,
		MaxRecvBytes:     server.DefaultMaxRecvBytes,
		ExtAuthz:         true,
		BackendMaxWait:   2 * time.Second,
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

// TestEmptyValues: DESIGN Configuration. An empty AUTHSVC_HTTP_ADDR, by
// env or flag, disables the HTTP listener; for other settings an empty
// value means the default.
func TestEmptyValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantHTTP string
		wantURL  string
	}{
		{"unset: the default", nil, nil, "127.0.0.1:9090", "https://api.clerk.com"},
		{"env set to empty disables", map[string]string{"AUTHSVC_HTTP_ADDR": ""}, nil, "", "https://api.clerk.com"},
		{"env set to blanks disables", map[string]string{"AUTHSVC_HTTP_ADDR": "  "}, nil, "", "https://api.clerk.com"},
		{"flag set to empty disables", map[string]string{"AUTHSVC_HTTP_ADDR": "127.0.0.1:9999"}, []string{"--http-addr="}, "", "https://api.clerk.com"},
		{"empty api url is the default", map[string]string{"CLERK_API_URL": ""}, nil, "127.0.0.1:9090", "https://api.clerk.com"},
		{"empty api url flag keeps the env value", map[string]string{"CLERK_API_URL": "https://clerk.internal"}, []string{"--api-url="}, "127.0.0.1:9090", "https://clerk.internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := parseConfig("authsvc", tt.args, envFrom(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if c.HTTPAddr != tt.wantHTTP || c.APIURL != tt.wantURL {
				t.Errorf("HTTPAddr = %q, APIURL = %q; want %q, %q", c.HTTPAddr, c.APIURL, tt.wantHTTP, tt.wantURL)
			}
		})
	}
}

// badSettings holds, for every setting of the settings table, a value that
// must stop the start. A new setting needs a row here
// (TestEverySettingHasABadValue).
var badSettings = []struct {
	env, value string
	also       map[string]string // other settings the case needs
}{
	{"CLERK_SECRET_KEY", "garbage-not-a-key", nil},
	{"CLERK_SECRET_KEY", "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", nil},
	{"CLERK_JWT_KEY", "garbage", nil},
	{"CLERK_API_URL", "api.clerk.com", nil},
	{"CLERK_API_VERSION", "v1/../x", nil},
	{"CLERK_WEBHOOK_SIGNING_SECRET", "whsec_not base64", nil},
	{"AUTHSVC_MAX_STREAMS", "0", nil},
	{"AUTHSVC_MAX_CONNECTIONS", "-1", nil},
	{"AUTHSVC_MAX_CONNECTION_AGE", "10ms", nil},
	{"AUTHSVC_MAX_RECV_BYTES", "1024", nil},
	{"AUTHSVC_EXT_AUTHZ", "maybe", nil},
	{"AUTHSVC_PUBLIC_PATHS", "public", nil},
	{"CLERK_PUBLISHABLE_KEY", "pk_test_bm90LWEtaG9zdA", nil},
	{"AUTHSVC_BACKEND_RATE_LIMIT", "0", nil},
	{"AUTHSVC_BACKEND_MAX_WAIT", "-1s", nil},
	{"AUTHSVC_PPROF_ADDR", "0.0.0.0:6060", nil},
	{"CLERK_ISSUER", "http://clerk.example.com", nil},
	{"CLERK_AUTHORIZED_PARTIES", "app.example.com", nil},
	{"CLERK_AUDIENCE", " , ", nil},
	{"AUTHSVC_ACCEPT_PENDING_SESSIONS", "yes", nil},
	{"AUTHSVC_GRPC_ADDR", "localhost", nil},
	{"AUTHSVC_HTTP_ADDR", "localhost", nil},
	{"AUTHSVC_CLOCK_SKEW", "5", nil},
	{"AUTHSVC_POLICY", "/nonexistent/policy.yaml", nil},
	{"AUTHSVC_POLICY", "testdata/bad_policy.yaml", nil},
	{"AUTHSVC_TLS_CERT", "/nonexistent/cert.pem", map[string]string{"AUTHSVC_TLS_KEY": "/nonexistent/key.pem"}},
	{"AUTHSVC_TLS_KEY", "key.pem", nil},
	{"AUTHSVC_TLS_CLIENT_CA", "ca.pem", nil},
	{"AUTHSVC_CACHE_SIZE", "-1", nil},
	{"AUTHSVC_LOG_LEVEL", "verbose", nil},
	{"AUTHSVC_SHUTDOWN_DELAY", "1h", nil},
	{"AUTHSVC_SHUTDOWN_TIMEOUT", "soon", nil},
	{"AUTHSVC_DEV_BACKEND_ADDR", "nowhere", nil},
	{"AUTHSVC_DEV_DATA", "testdata/bad_policy.yaml", nil},
	{"AUTHSVC_DEV_ALLOW_REMOTE", "maybe", nil},
}

func TestEverySettingHasABadValue(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{}
	for _, b := range badSettings {
		covered[b.env] = true
	}
	for _, s := range settings {
		if !covered[s.env] {
			t.Errorf("setting %s has no row in badSettings", s.env)
		}
	}
}

// TestBadSettingStopsTheStart: DESIGN Configuration. Every bad setting, by
// env and by flag, stops `authsvc` (serve) with one line naming the
// variable and its flag, before anything listens, and a bad secret key is
// never echoed.
func TestBadSettingStopsTheStart(t *testing.T) {
	t.Parallel()
	flagOf := map[string]string{}
	for _, s := range settings {
		flagOf[s.env] = s.flag
	}
	for _, b := range badSettings {
		for _, byFlag := range []bool{false, true} {
			name := b.env + "=" + b.value
			if byFlag {
				name = "--" + flagOf[b.env] + "=" + b.value
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				env := map[string]string{
					"CLERK_SECRET_KEY": "sk_test_abc", "AUTHSVC_GRPC_ADDR": "127.0.0.1:0", "AUTHSVC_HTTP_ADDR": "127.0.0.1:0",
					"AUTHSVC_SHUTDOWN_DELAY": "0s", "CLERK_API_URL": "http://127.0.0.1:1",
				}
				for k, v := range b.also {
					env[k] = v
				}
				var args []string
				if byFlag {
					args = []string{"--" + flagOf[b.env] + "=" + b.value}
				} else {
					env[b.env] = b.value
				}
				ctx, cancel := context.WithCancel(context.Background())
				cancel() // should it start after all, it stops at once
				err := run(ctx, args, envFrom(env), io.Discard, io.Discard)
				if err == nil {
					t.Fatal("started; want an error naming the setting")
				}
				msg := err.Error()
				if !strings.Contains(msg, b.env) || !strings.Contains(msg, "--"+flagOf[b.env]) {
					t.Errorf("error %q does not name both %s and --%s", msg, b.env, flagOf[b.env])
				}
				if strings.ContainsAny(msg, "\r\n") {
					t.Errorf("error spans lines: %q", msg)
				}
				if strings.Contains(msg, "callerFile") || strings.Contains(msg, "policy.file") {
					t.Errorf("error names a Go type: %q", msg)
				}
				if b.env == "CLERK_SECRET_KEY" && strings.Contains(msg, b.value) {
					t.Errorf("error echoes the secret key: %q", msg)
				}
			})
		}
	}
}

// TestHelp: DESIGN CLI. --help, -h and help succeed (main exits 0 on
// flag.ErrHelp) and list every subcommand and every setting with its flag;
// dev token's help names its flags whole.
func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"--help", []string{"--help"}, nil},
		{"-h", []string{"-h"}, nil},
		{"help", []string{"help"}, nil},
		{"serve --help", []string{"serve", "--help"}, nil},
		{"dev --help", []string{"dev", "--help"}, nil},
		{"dev token --help", []string{"dev", "token", "--help"}, []string{"--user=ID", "--dev-backend-addr=ADDR", "AUTHSVC_DEV_BACKEND_ADDR", "--data=DIR"}},
		{"emulator --help", []string{"emulator", "--help"}, []string{"--addr=ADDR", "AUTHSVC_EMULATOR_ADDR", defaultEmulatorAddr, "--data=DIR", "--empty", "--dev-allow-remote"}},
		{"emulator secret --help", []string{"emulator", "secret", "--help"}, []string{"--addr=ADDR", "--data=DIR"}},
	}
	var full []string
	for _, c := range commands() {
		full = append(full, "authsvc "+c.name)
	}
	for _, s := range settings {
		full = append(full, "--"+s.flag+"=", s.env)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			err := run(context.Background(), tt.args, envFrom(nil), &out, io.Discard)
			if err != nil && !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("run = %v, want help", err)
			}
			want := tt.want
			if want == nil {
				want = full
			}
			for _, w := range want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("help lacks %q:\n%s", w, out.String())
				}
			}
			if strings.Contains(out.String(), "authsvc dev`") || strings.Contains(out.String(), "-dev-backend-addr authsvc") {
				t.Errorf("help garbles a flag:\n%s", out.String())
			}
		})
	}
}

// TestParseConfigAudienceAndPending: CLERK_AUDIENCE and
// AUTHSVC_ACCEPT_PENDING_SESSIONS reach the verifier configuration; flags
// win.
func TestParseConfigAudienceAndPending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		env         map[string]string
		args        []string
		wantAud     []string
		wantPending bool
	}{
		{"defaults", nil, nil, nil, false},
		{"environment", map[string]string{"CLERK_AUDIENCE": "https://api.example.com, billing,", "AUTHSVC_ACCEPT_PENDING_SESSIONS": "true"}, nil,
			[]string{"https://api.example.com", "billing"}, true},
		{"flags win", map[string]string{"CLERK_AUDIENCE": "a", "AUTHSVC_ACCEPT_PENDING_SESSIONS": "true"},
			[]string{"--audience", "b", "--accept-pending-sessions", "false"}, []string{"b"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := parseConfig("authsvc", tt.args, envFrom(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			vc := verifierConfig(c)
			if diff := cmp.Diff(tt.wantAud, vc.Audiences); diff != "" || vc.AcceptPendingSessions != tt.wantPending {
				t.Errorf("audiences (-want +got):\n%s\naccept pending = %v, want %v", diff, vc.AcceptPendingSessions, tt.wantPending)
			}
		})
	}
}
