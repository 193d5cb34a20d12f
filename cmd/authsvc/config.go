package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// config is every setting of the service, from the environment and flags
// (flags win). Secrets are held here only to be handed to the packages that
// use them; String never prints them.
type config struct {
	SecretKey         string
	JWTKey            string
	APIURL            string
	APIVersion        string
	Issuers           []string
	AuthorizedParties []string
	GRPCAddr          string
	HTTPAddr          string
	ClockSkew         time.Duration
	PolicyFile        string
	TLSCert           string
	TLSKey            string
	TLSClientCA       string
	DevBackendAddr    string
	CacheSize         int
	PprofAddr         string
}

// setting ties one environment variable to one flag.
type setting struct {
	env, flag, usage, def string
	set                   func(c *config, v string) error
}

var settings = []setting{
	{"CLERK_SECRET_KEY", "secret-key", "Clerk secret key (sk_live_… / sk_test_…); prefer the environment variable", "", func(c *config, v string) error { c.SecretKey = v; return nil }},
	{"CLERK_JWT_KEY", "jwt-key", "Clerk JWT public key (PEM or its one-line body) for networkless verification", "", func(c *config, v string) error { c.JWTKey = v; return nil }},
	{"CLERK_API_URL", "api-url", "Clerk Backend API base URL", "https://api.clerk.com", setURL},
	{"CLERK_API_VERSION", "api-version", "Clerk Backend API version", "v1", setVersion},
	{"CLERK_ISSUER", "issuer", "comma list of exact allowed token issuers (default: any Clerk-shaped https issuer)", "", func(c *config, v string) error { c.Issuers = splitList(v); return nil }},
	{"CLERK_AUTHORIZED_PARTIES", "authorized-parties", "comma list of allowed azp values (default: no azp check)", "", func(c *config, v string) error { c.AuthorizedParties = splitList(v); return nil }},
	{"AUTHSVC_GRPC_ADDR", "grpc-addr", "gRPC listen address", "127.0.0.1:50051", func(c *config, v string) error { c.GRPCAddr = v; return checkAddr(v) }},
	{"AUTHSVC_HTTP_ADDR", "http-addr", "metrics and health HTTP listen address (empty disables)", "127.0.0.1:9090", setHTTPAddr},
	{"AUTHSVC_CLOCK_SKEW", "clock-skew", "allowed clock skew for exp/nbf/iat (Go duration)", "5s", setSkew},
	{"AUTHSVC_POLICY", "policy", "caller policy file (YAML or JSON) for the Backend API proxy RPCs", "", func(c *config, v string) error { c.PolicyFile = v; return nil }},
	{"AUTHSVC_TLS_CERT", "tls-cert", "server certificate (PEM) for the gRPC listener", "", func(c *config, v string) error { c.TLSCert = v; return nil }},
	{"AUTHSVC_TLS_KEY", "tls-key", "server private key (PEM) for the gRPC listener", "", func(c *config, v string) error { c.TLSKey = v; return nil }},
	{"AUTHSVC_TLS_CLIENT_CA", "tls-client-ca", "CA bundle (PEM) that client certificates must chain to (enables mTLS)", "", func(c *config, v string) error { c.TLSClientCA = v; return nil }},
	{"AUTHSVC_CACHE_SIZE", "cache-size", "verified tokens remembered (about 2.3 KB each); 0 disables the decision cache", "100000", setCacheSize},
	{"AUTHSVC_DEV_BACKEND_ADDR", "dev-backend-addr", "dev mode only: where the embedded Clerk emulator listens", "127.0.0.1:50052", func(c *config, v string) error { c.DevBackendAddr = v; return checkAddr(v) }},
	{"AUTHSVC_PPROF_ADDR", "pprof-addr", "loopback address for Go's /debug/pprof profiles (empty, the default, disables)", "", setPprofAddr},
}

// parseConfig reads the environment through getenv, then the flags in args,
// and validates the result. The error is one line, fit to print and exit on.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	flagVals := make([]*string, len(settings))
	for i, s := range settings {
		flagVals[i] = fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, s.def))
	}
	if err := fs.Parse(args); err != nil {
		return nil, oneLine(err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	c := &config{}
	for i, s := range settings {
		v, from := s.def, ""
		if e := getenv(s.env); e != "" {
			v, from = e, s.env
		}
		if given[s.flag] {
			v, from = *flagVals[i], "--"+s.flag
		}
		if err := s.set(c, strings.TrimSpace(v)); err != nil {
			if from == "" {
				from = s.env
			}
			return nil, fmt.Errorf("%s: %w", from, err)
		}
	}
	return c, c.validate()
}

// oneLine keeps a flag error (flag.ErrHelp included) unless the argument it
// quotes raw holds a line break or another unprintable rune; then the
// message is escaped, so it stays one line.
func oneLine(err error) error {
	msg := err.Error()
	if strconv.CanBackquote(msg) {
		return err
	}
	q := strconv.Quote(msg)
	return errors.New(q[1 : len(q)-1])
}

// validate checks the settings that depend on one another.
func (c *config) validate() error {
	if c.TLSCert != "" && c.TLSKey == "" || c.TLSCert == "" && c.TLSKey != "" {
		return errors.New("AUTHSVC_TLS_CERT and AUTHSVC_TLS_KEY must be set together")
	}
	if c.TLSClientCA != "" && c.TLSCert == "" {
		return errors.New("AUTHSVC_TLS_CLIENT_CA (mTLS) needs AUTHSVC_TLS_CERT and AUTHSVC_TLS_KEY")
	}
	if c.GRPCAddr == c.HTTPAddr && !strings.HasSuffix(c.GRPCAddr, ":0") {
		return fmt.Errorf("AUTHSVC_GRPC_ADDR and AUTHSVC_HTTP_ADDR are both %q", c.GRPCAddr)
	}
	return nil
}

// validateServe adds what serve mode needs on top of validate: a way to get
// verification keys.
func (c *config) validateServe() error {
	if c.SecretKey == "" && c.JWTKey == "" {
		return errors.New("set CLERK_SECRET_KEY (keys fetched from Clerk) or CLERK_JWT_KEY (networkless), or run `authsvc dev`")
	}
	return nil
}

func setURL(c *config, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", v)
	}
	c.APIURL = strings.TrimRight(v, "/")
	return nil
}

func setVersion(c *config, v string) error {
	if v == "" || strings.ContainsAny(v, "/?#% ") {
		return fmt.Errorf("%q is not an API version such as v1", v)
	}
	c.APIVersion = v
	return nil
}

func setHTTPAddr(c *config, v string) error {
	c.HTTPAddr = v
	if v == "" {
		return nil
	}
	return checkAddr(v)
}

func setSkew(c *config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a Go duration such as 5s", v)
	}
	if d < 0 || d > 10*time.Minute {
		return fmt.Errorf("%s is outside 0s..10m", d)
	}
	c.ClockSkew = d
	return nil
}

func setCacheSize(c *config, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 10_000_000 {
		return fmt.Errorf("%q is not a whole number from 0 to 10000000", v)
	}
	c.CacheSize = n
	return nil
}

func checkAddr(v string) error {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("%q is not a host:port address", v)
	}
	return nil
}

// splitList splits a comma list, trimming blanks and dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
