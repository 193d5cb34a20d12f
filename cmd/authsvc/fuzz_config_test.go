package main

// FuzzParseConfig seeds come from f.Add below and from
// testdata/fuzz/FuzzParseConfig/. Run it with
//
//	go test -run '^$' -fuzz '^FuzzParseConfig$' -fuzztime 1000000x ./cmd/authsvc

import (
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authsvc/authsvc/internal/interstitial"
)

// configEnvNames are the variables the fuzzer sets, in the order of the
// fuzz arguments env0..env7.
var configEnvNames = [8]string{
	"CLERK_API_URL", "CLERK_API_VERSION", "CLERK_ISSUER", "CLERK_AUTHORIZED_PARTIES",
	"AUTHSVC_GRPC_ADDR", "AUTHSVC_HTTP_ADDR", "AUTHSVC_CLOCK_SKEW", "AUTHSVC_TLS_CERT",
}

// configSeed is one fuzz input: the eight environment values and the flag
// arguments joined by NUL.
type configSeed struct {
	env  [8]string
	args string
}

// configSeeds are the config table tests' inputs (TestParseConfigRejects,
// TestParseConfigPrecedence) plus flag-syntax edge cases.
func configSeeds() []configSeed {
	return []configSeed{
		{[8]string{}, ""},
		{[8]string{"https://clerk.internal.example/", "", "https://clerk.a.example, https://clerk.b.example,", "https://app.example", "", "", "2s", ""},
			"--clock-skew\x000s\x00--grpc-addr\x000.0.0.0:6000"},
		{[8]string{"api.clerk.com"}, ""},
		{[8]string{"ftp://api.clerk.com"}, ""},
		{[8]string{"", "v1/../x"}, ""},
		{[8]string{6: "5"}, ""},
		{[8]string{6: "-1s"}, ""},
		{[8]string{6: "5s"}, "--clock-skew\x001h"},
		{[8]string{4: "localhost"}, ""},
		{[8]string{7: "c.pem"}, ""},
		{[8]string{7: "c.pem"}, "--tls-key\x00k.pem\x00--tls-client-ca\x00ca.pem"},
		{[8]string{4: "127.0.0.1:1", 5: "127.0.0.1:1"}, ""},
		{[8]string{4: "127.0.0.1:0", 5: "127.0.0.1:0"}, ""},
		{[8]string{5: " "}, "--http-addr\x00"},
		{[8]string{}, "extra"},
		{[8]string{}, "--cache-size=-1"},
		{[8]string{}, "--cache-size\x001e5"},
		{[8]string{}, "--cache-size\x000\x00--api-version\x00v2"},
		{[8]string{}, "-h"},
		{[8]string{}, "--nope"},
		{[8]string{}, "---x"},
		{[8]string{}, "--grpc-addr"},
		{[8]string{2: " , ,", 3: "a,,b , c"}, "--issuer=https://x.example\t,\u00a0y"},
		{[8]string{"http://[::1]:3000//"}, "--dev-backend-addr\x00[::1]:0"},
		{[8]string{3: "https://app.example.com, http://localhost:3000"}, "--log-level\x00DEBUG\x00--shutdown-delay\x000s"},
		{[8]string{3: "https://app.example.com/"}, "--log-level=verbose"},
		{[8]string{3: "app.example.com"}, "--shutdown-delay\x001h\x00--shutdown-timeout\x00-1s"},
		{[8]string{5: ""}, "--secret-key\x00pk_test_x\x00--http-addr="},
		{[8]string{}, "--secret-key\x00sk_live_a b"},
		{[8]string{}, "--backend-rate-limit\x00250\x00--backend-max-wait\x00500ms"},
		{[8]string{}, "--backend-rate-limit=0\x00--backend-max-wait=-1s"},
		{[8]string{}, "--backend-max-wait\x001h"},
	}
}

// FuzzParseConfig runs parseConfig with eight real variables set to fuzzed
// values and fuzzed flag arguments. It never panics; a failure is one
// non-empty line; a success satisfies every documented constraint.
func FuzzParseConfig(f *testing.F) {
	for _, s := range configSeeds() {
		f.Add(s.env[0], s.env[1], s.env[2], s.env[3], s.env[4], s.env[5], s.env[6], s.env[7], s.args)
	}
	f.Fuzz(func(t *testing.T, e0, e1, e2, e3, e4, e5, e6, e7, args string) {
		env := map[string]string{}
		for i, v := range [8]string{e0, e1, e2, e3, e4, e5, e6, e7} {
			env[configEnvNames[i]] = v
		}
		var argv []string
		if args != "" {
			argv = strings.Split(args, "\x00")
		}
		c, err := parseConfig("authsvc", argv, envFrom(env), io.Discard)
		if err != nil {
			// On a cross-field failure c is returned too; callers ignore it.
			if err.Error() == "" || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("parseConfig error %q, want one line", err)
			}
			return
		}
		checkConfig(t, c)
	})
}

// checkConfig asserts the documented constraint of every field.
func checkConfig(t *testing.T, c *config) {
	t.Helper()
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.HasSuffix(c.APIURL, "/") {
		t.Fatalf("APIURL %q is not an absolute http(s) URL without a trailing slash", c.APIURL)
	}
	if c.APIVersion == "" || strings.ContainsAny(c.APIVersion, "/?#% ") {
		t.Fatalf("APIVersion %q", c.APIVersion)
	}
	if c.ClockSkew < 0 || c.ClockSkew > 10*time.Minute {
		t.Fatalf("ClockSkew %v outside 0..10m", c.ClockSkew)
	}
	if c.CacheSize < 0 || c.CacheSize > 10_000_000 {
		t.Fatalf("CacheSize %d", c.CacheSize)
	}
	if c.BackendRateLimit < 0 || c.BackendRateLimit > 1_000_000 || c.BackendMaxWait < 0 || c.BackendMaxWait > time.Minute {
		t.Fatalf("BackendRateLimit %d, BackendMaxWait %v", c.BackendRateLimit, c.BackendMaxWait)
	}
	for name, addr := range map[string]string{"GRPCAddr": c.GRPCAddr, "DevBackendAddr": c.DevBackendAddr, "HTTPAddr": c.HTTPAddr} {
		if name == "HTTPAddr" && addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			t.Fatalf("%s %q is not host:port", name, addr)
		}
	}
	if c.GRPCAddr == c.HTTPAddr && !strings.HasSuffix(c.GRPCAddr, ":0") {
		t.Fatalf("gRPC and HTTP both on %q", c.GRPCAddr)
	}
	for _, list := range [][]string{c.Issuers, c.AuthorizedParties} {
		for _, item := range list {
			if item == "" || item != strings.TrimSpace(item) || strings.Contains(item, ",") {
				t.Fatalf("list item %q is empty, padded or holds a comma", item)
			}
		}
	}
	for _, p := range c.AuthorizedParties {
		if u, err := url.Parse(p); err != nil || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("authorized party %q is not an origin", p)
		}
	}
	if c.LogLevel != slog.LevelDebug && c.LogLevel != slog.LevelInfo && c.LogLevel != slog.LevelWarn && c.LogLevel != slog.LevelError {
		t.Fatalf("LogLevel %v", c.LogLevel)
	}
	if c.ShutdownDelay < 0 || c.ShutdownDelay > 5*time.Minute || c.ShutdownTimeout < 0 || c.ShutdownTimeout > 10*time.Minute {
		t.Fatalf("shutdown delay %v / timeout %v out of range", c.ShutdownDelay, c.ShutdownTimeout)
	}
	if c.SecretKey != "" && !strings.HasPrefix(c.SecretKey, "sk_live_") && !strings.HasPrefix(c.SecretKey, "sk_test_") {
		t.Fatalf("secret key without sk_live_/sk_test_ accepted")
	}
	for _, p := range c.PublicPaths {
		if !strings.HasPrefix(p, "/") || p != strings.TrimSpace(p) || strings.Contains(p, ",") {
			t.Fatalf("public path %q", p)
		}
	}
	if c.PublishableKey != "" {
		if _, err := interstitial.ParsePublishableKey(c.PublishableKey); err != nil {
			t.Fatalf("publishable key accepted but does not parse: %v", err)
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") || (c.TLSClientCA != "" && c.TLSCert == "") {
		t.Fatalf("TLS files cert %q key %q ca %q do not go together", c.TLSCert, c.TLSKey, c.TLSClientCA)
	}
}
