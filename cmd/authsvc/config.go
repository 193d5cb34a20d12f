package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/authsvc/authsvc/internal/interstitial"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/webhook"
)

// lookupEnv reads one environment variable, telling unset from set to
// empty (os.LookupEnv).
type lookupEnv func(string) (string, bool)

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
	Audiences         []string
	AcceptPending     bool
	GRPCAddr          string
	HTTPAddr          string
	ClockSkew         time.Duration
	PolicyFile        string
	TLSCert           string
	TLSKey            string
	TLSClientCA       string
	DevBackendAddr    string
	CacheSize         int
	WebhookSecret     string
	LogLevel          slog.Level
	ShutdownDelay     time.Duration
	ShutdownTimeout   time.Duration

	// TuneVerifier, when set, adjusts the verifier's configuration before
	// it is built. Not a setting: tests use it to shorten the key-set
	// schedule.
	TuneVerifier     func(*verifier.Config)
	MaxStreams       uint32
	MaxConnections   int
	MaxConnectionAge time.Duration
	MaxRecvBytes     int
	ExtAuthz         bool
	PublicPaths      []string
	PublishableKey   string        // validated by interstitial.ParsePublishableKey; empty when unset
	BackendRateLimit int           // 0: backendapi's default for the key
	BackendMaxWait   time.Duration // longest wait for a Backend API rate-limit slot
	PprofAddr        string
	DevData          string // dev mode: the emulator's --data DIR; empty keeps its state in memory only
	DevAllowRemote   bool   // dev mode: non-loopback listen addresses allowed (devremote.go)

	// HTTPReadTimeout, when set, replaces httpReadTimeout. Not a setting:
	// tests use it to see a stalled request cut off without waiting 30 s.
	HTTPReadTimeout time.Duration

	// WrapHTTP, when set, wraps the HTTP listener's handler. Not a
	// setting: dev mode puts its Host check there.
	WrapHTTP func(http.Handler) http.Handler
}

// setting ties one environment variable to one flag.
type setting struct {
	env, flag, usage, def string
	set                   func(c *config, v string) error
}

var settings = []setting{
	{"CLERK_SECRET_KEY", "secret-key", "Clerk secret key (sk_live_… / sk_test_…); prefer the environment variable", "", setSecretKey},
	{"CLERK_JWT_KEY", "jwt-key", "Clerk JWT public key (PEM or its one-line body) for networkless verification", "", setJWTKey},
	{"CLERK_API_URL", "api-url", "Clerk Backend API base URL", "https://api.clerk.com", setURL},
	{"CLERK_API_VERSION", "api-version", "Clerk Backend API version", "v1", setVersion},
	{"CLERK_WEBHOOK_SIGNING_SECRET", "webhook-signing-secret", "Clerk webhook signing secret (whsec_…) for VerifyWebhook; prefer the environment variable", "", setWebhookSecret},
	{"CLERK_ISSUER", "issuer", "comma list of exact allowed token issuers (default: any Clerk-shaped https issuer)", "", setIssuers},
	{"CLERK_AUTHORIZED_PARTIES", "authorized-parties", "comma list of allowed azp origins such as https://app.example.com (default: no azp check)", "", setAuthorizedParties},
	{"CLERK_AUDIENCE", "audience", "comma list of accepted aud values; a token must name one (default: no aud check)", "", setAudiences},
	{"AUTHSVC_ACCEPT_PENDING_SESSIONS", "accept-pending-sessions", "true accepts tokens of pending sessions (sts pending), refused by default; a request's accept_pending also accepts them", "false", setAcceptPending},
	{"AUTHSVC_GRPC_ADDR", "grpc-addr", "gRPC listen address", "127.0.0.1:50051", func(c *config, v string) error { c.GRPCAddr = v; return checkAddr(v) }},
	{"AUTHSVC_HTTP_ADDR", "http-addr", "metrics and health HTTP listen address (empty disables)", "127.0.0.1:9090", setHTTPAddr},
	{"AUTHSVC_CLOCK_SKEW", "clock-skew", "allowed clock skew for exp/nbf/iat (Go duration)", "5s", setSkew},
	{"AUTHSVC_POLICY", "policy", "caller policy file (YAML or JSON) for the Backend API proxy RPCs", "", func(c *config, v string) error { c.PolicyFile = v; return nil }},
	{"AUTHSVC_TLS_CERT", "tls-cert", "server certificate (PEM) for the gRPC listener", "", func(c *config, v string) error { c.TLSCert = v; return nil }},
	{"AUTHSVC_TLS_KEY", "tls-key", "server private key (PEM) for the gRPC listener", "", func(c *config, v string) error { c.TLSKey = v; return nil }},
	{"AUTHSVC_TLS_CLIENT_CA", "tls-client-ca", "CA bundle (PEM) that client certificates must chain to (enables mTLS)", "", func(c *config, v string) error { c.TLSClientCA = v; return nil }},
	{"AUTHSVC_CACHE_SIZE", "cache-size", "verified tokens remembered (about 2.3 KB each); 0 disables the decision cache", "100000", setCacheSize},
	{"AUTHSVC_LOG_LEVEL", "log-level", "log level: debug (every call), info, warn or error", "info", setLogLevel},
	{"AUTHSVC_SHUTDOWN_DELAY", "shutdown-delay", "on SIGTERM, how long to report NOT_SERVING while still serving, so load balancers stop routing (dev mode: 0s)", "5s", setShutdownDelay},
	{"AUTHSVC_SHUTDOWN_TIMEOUT", "shutdown-timeout", "then how long in-flight calls may take to finish before a hard stop", "25s", setShutdownTimeout},
	{"AUTHSVC_MAX_STREAMS", "max-streams", "concurrent streams per client connection (more wait for a free one)", "100", setMaxStreams},
	{"AUTHSVC_MAX_CONNECTIONS", "max-connections", "open client connections on the gRPC port; more are closed at once (0: no limit)", "1000", setMaxConnections},
	{"AUTHSVC_MAX_CONNECTION_AGE", "max-connection-age", "a connection is asked to reconnect after this long, so replicas rebalance (Go duration; 0: never)", "30m", setMaxConnectionAge},
	{"AUTHSVC_MAX_RECV_BYTES", "max-recv-bytes", "largest request message in bytes", "1048576", setMaxRecvBytes},
	{"AUTHSVC_EXT_AUTHZ", "ext-authz", "serve Envoy's ext_authz Check (envoy.service.auth.v3.Authorization) on the gRPC port", "true", setExtAuthz},
	{"AUTHSVC_PUBLIC_PATHS", "public-paths", "comma list of path prefixes (each starting with /) that Check and /forward-auth allow with no identity", "", setPublicPaths},
	{"CLERK_PUBLISHABLE_KEY", "publishable-key", "Clerk publishable key (pk_live_… / pk_test_…): render the interstitial page locally, with no Backend API call", "", setPublishableKey},
	{"AUTHSVC_BACKEND_RATE_LIMIT", "backend-rate-limit", "Backend API requests per 10 s for this replica: its share of the instance budget (default: 1000 for live keys, 100 for test keys)", "", setBackendRateLimit},
	{"AUTHSVC_BACKEND_MAX_WAIT", "backend-max-wait", "longest a Backend API call waits for a rate-limit slot, within its deadline (Go duration; 0s never waits)", "2s", setBackendMaxWait},
	{"AUTHSVC_DEV_BACKEND_ADDR", "dev-backend-addr", "dev mode only: where the embedded Clerk emulator listens", "127.0.0.1:50052", func(c *config, v string) error { c.DevBackendAddr = v; return checkAddr(v) }},
	{"AUTHSVC_DEV_DATA", "data", "dev mode and authsvc emulator: directory (0700) where the emulator keeps its state and signing key across restarts (default: memory only)", "", setDevData},
	{"AUTHSVC_DEV_ALLOW_REMOTE", "dev-allow-remote", "dev mode and authsvc emulator: allow non-loopback listen addresses, and Host values that are IP literals or this machine's names", "false", setDevAllowRemote},
	{"AUTHSVC_PPROF_ADDR", "pprof-addr", "loopback address for Go's /debug/pprof profiles (empty, the default, disables)", "", setPprofAddr},
}

// emptyDisables lists the settings where an empty value, from the
// environment or a flag, turns the feature off. For every other setting an
// empty value means its default.
var emptyDisables = map[string]bool{"AUTHSVC_HTTP_ADDR": true}

// boolFlags lists the settings whose flag may be given alone
// (--dev-allow-remote means --dev-allow-remote=true).
var boolFlags = map[string]bool{"AUTHSVC_DEV_ALLOW_REMOTE": true}

// parseConfig reads the environment through lookup, then the flags in
// args, and validates the result. The error is one line that names the
// variable and flag to fix, fit to print and exit on. On -h/--help it
// writes the help to out and returns flag.ErrHelp.
func parseConfig(name string, args []string, lookup lookupEnv, out io.Writer) (*config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	flagVals := make([]*string, len(settings))
	for i, s := range settings {
		if boolFlags[s.env] {
			flagVals[i] = new(string)
			fs.Var((*boolString)(flagVals[i]), s.flag, s.usage)
			continue
		}
		flagVals[i] = fs.String(s.flag, "", s.usage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(out, name)
			return nil, err
		}
		return nil, fmt.Errorf("%w (%s --help lists the flags)", oneLine(err), name)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %s (%s --help lists the commands and flags)", strayArg(fs.Arg(0)), name)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	c := &config{}
	for i, s := range settings {
		v, fromFlag := s.def, false
		if e, ok := lookup(s.env); ok && (strings.TrimSpace(e) != "" || emptyDisables[s.env]) {
			v = e
		}
		if f := *flagVals[i]; given[s.flag] && (strings.TrimSpace(f) != "" || emptyDisables[s.env]) {
			v, fromFlag = f, true
		}
		if err := s.set(c, strings.TrimSpace(v)); err != nil {
			return nil, fmt.Errorf("%s: %w", s.name(fromFlag), err)
		}
	}
	return c, c.validate()
}

// name names the setting for an error: the flag first when the bad value
// came from it, else the variable.
func (s setting) name(fromFlag bool) string {
	if fromFlag {
		return fmt.Sprintf("--%s (%s)", s.flag, s.env)
	}
	return fmt.Sprintf("%s (--%s)", s.env, s.flag)
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
		return errors.New("AUTHSVC_TLS_CERT (--tls-cert) and AUTHSVC_TLS_KEY (--tls-key) must be set together")
	}
	if c.TLSClientCA != "" && c.TLSCert == "" {
		return errors.New("AUTHSVC_TLS_CLIENT_CA (--tls-client-ca, mTLS) needs AUTHSVC_TLS_CERT and AUTHSVC_TLS_KEY")
	}
	if c.GRPCAddr == c.HTTPAddr && !strings.HasSuffix(c.GRPCAddr, ":0") {
		return fmt.Errorf("AUTHSVC_GRPC_ADDR (--grpc-addr) and AUTHSVC_HTTP_ADDR (--http-addr) are both %q", c.GRPCAddr)
	}
	return nil
}

// validateServe adds what serve mode needs on top of validate: a way to get
// verification keys.
func (c *config) validateServe() error {
	if c.SecretKey == "" && c.JWTKey == "" {
		return errors.New("set CLERK_SECRET_KEY (--secret-key: keys fetched from Clerk) or CLERK_JWT_KEY (--jwt-key: networkless), or run authsvc dev")
	}
	return nil
}

func setSecretKey(c *config, v string) error {
	// The value is never quoted: it is a secret.
	if v != "" && !strings.HasPrefix(v, "sk_live_") && !strings.HasPrefix(v, "sk_test_") {
		if strings.HasPrefix(v, "pk_") {
			return errors.New("that is a publishable key (pk_…); use the secret key (sk_live_… or sk_test_…) from the Clerk dashboard")
		}
		return errors.New("not a Clerk secret key: it must start with sk_live_ or sk_test_")
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return errors.New("the secret key holds a space or control character")
	}
	c.SecretKey = v
	return nil
}

// setJWTKey checks the key the way the verifier will use it.
func setJWTKey(c *config, v string) error {
	if v != "" {
		if _, err := verifier.New(verifier.Config{JWTKey: v}); err != nil {
			return err
		}
	}
	c.JWTKey = v
	return nil
}

// setIssuers checks each issuer the way the verifier will.
func setIssuers(c *config, v string) error {
	list, err := namedList(v, "issuer")
	if err != nil {
		return err
	}
	if _, err := verifier.New(verifier.Config{Issuers: list}); err != nil {
		return err
	}
	c.Issuers = list
	return nil
}

// setAuthorizedParties accepts origins: azp is the Origin of the frontend
// that requested the token, so anything else would never match.
func setAuthorizedParties(c *config, v string) error {
	list, err := namedList(v, "authorized party")
	if err != nil {
		return err
	}
	for _, p := range list {
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(p, "?") || strings.HasSuffix(p, "#") {
			return fmt.Errorf("%q is not an origin such as https://app.example.com", p)
		}
	}
	c.AuthorizedParties = list
	return nil
}

func setLogLevel(c *config, v string) error {
	levels := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}
	l, ok := levels[strings.ToLower(v)]
	if !ok {
		return fmt.Errorf("%q is not one of debug, info, warn, error", v)
	}
	c.LogLevel = l
	return nil
}

func setShutdownDelay(c *config, v string) (err error) {
	c.ShutdownDelay, err = parseDuration(v, 0, 5*time.Minute)
	return err
}

func setShutdownTimeout(c *config, v string) (err error) {
	c.ShutdownTimeout, err = parseDuration(v, 0, 10*time.Minute)
	return err
}

// parseDuration reads a Go duration within lo..hi.
func parseDuration(v string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a Go duration such as 5s", v)
	}
	if d < lo || d > hi {
		return 0, fmt.Errorf("%s is outside %s..%s", d, lo, hi)
	}
	return d, nil
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

func setAcceptPending(c *config, v string) (err error) {
	c.AcceptPending, err = parseBool(v)
	return err
}

func setCacheSize(c *config, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 10_000_000 {
		return fmt.Errorf("%q is not a whole number from 0 to 10000000", v)
	}
	c.CacheSize = n
	return nil
}

// setWebhookSecret accepts an empty secret (VerifyWebhook then answers
// FAILED_PRECONDITION) or a valid whsec_ one; the error never quotes it.
func setWebhookSecret(c *config, v string) error {
	if v != "" {
		if _, err := webhook.New(webhook.Config{Secret: v}); err != nil {
			return err
		}
	}
	c.WebhookSecret = v
	return nil
}

func setMaxStreams(c *config, v string) error {
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n < 1 || n > 1_000_000 {
		return fmt.Errorf("%q is not a whole number from 1 to 1000000", v)
	}
	c.MaxStreams = uint32(n)
	return nil
}

func setMaxConnections(c *config, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1_000_000 {
		return fmt.Errorf("%q is not a whole number from 0 to 1000000", v)
	}
	c.MaxConnections = n
	return nil
}

func setMaxConnectionAge(c *config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || (d > 0 && d < time.Second) {
		return fmt.Errorf("%q is not 0 or a Go duration of at least 1s such as 30m", v)
	}
	c.MaxConnectionAge = d
	return nil
}

func setMaxRecvBytes(c *config, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 16<<10 || n > 64<<20 {
		return fmt.Errorf("%q is not a byte count from 16384 to 67108864", v)
	}
	c.MaxRecvBytes = n
	return nil
}

func setExtAuthz(c *config, v string) (err error) {
	c.ExtAuthz, err = parseBool(v)
	return err
}

func setPublicPaths(c *config, v string) error {
	c.PublicPaths = splitList(v)
	for _, p := range c.PublicPaths {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("path prefix %q does not start with /", p)
		}
	}
	return nil
}

func setPublishableKey(c *config, v string) error {
	c.PublishableKey = v
	if v == "" {
		return nil
	}
	if _, err := interstitial.ParsePublishableKey(v); err != nil {
		// The parser's message names no key; drop its package prefix, as
		// the variable's name leads the line.
		return errors.New(strings.TrimPrefix(err.Error(), "interstitial: "))
	}
	return nil
}

func setBackendRateLimit(c *config, v string) error {
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1_000_000 {
		return fmt.Errorf("%q is not a whole number of requests per 10 s from 1 to 1000000", v)
	}
	c.BackendRateLimit = n
	return nil
}

func setBackendMaxWait(c *config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a Go duration such as 2s", v)
	}
	if d < 0 || d > time.Minute {
		return fmt.Errorf("%s is outside 0s..1m", d)
	}
	c.BackendMaxWait = d
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

// setAudiences takes a comma list; one that is set but names nothing
// (" , ") is a mistake, not "no audience check".
func setAudiences(c *config, v string) (err error) {
	c.Audiences, err = namedList(v, "audience")
	return err
}

// namedList is splitList for a setting whose entries each add a check
// (issuers, authorized parties, audiences): one that is set but names
// nothing ("," or " , ", as a template of unset variables renders) is an
// error rather than the unset setting, which checks nothing.
func namedList(v, what string) ([]string, error) {
	list := splitList(v)
	if len(list) == 0 && strings.TrimSpace(v) != "" {
		return nil, fmt.Errorf("%q lists no %s", v, what)
	}
	return list, nil
}

// boolString is a string flag that may be given alone, as a bool flag:
// "--x" stores "true"; "--x=false" stores "false".
type boolString string

func (b *boolString) String() string     { return string(*b) }
func (b *boolString) Set(v string) error { *b = boolString(v); return nil }
func (b *boolString) IsBoolFlag() bool   { return true }

func setDevAllowRemote(c *config, v string) (err error) {
	c.DevAllowRemote, err = parseBool(v)
	return err
}

// parseBool reads true or false (and strconv.ParseBool's other spellings).
func parseBool(v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%q is not true or false", v)
	}
	return b, nil
}

// setDevData refuses a path that exists and is not a directory; the rest
// (created 0700, closed to others) is checked when dev mode starts.
func setDevData(c *config, v string) error {
	if fi, err := os.Stat(v); v != "" && err == nil && !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", v)
	}
	c.DevData = v
	return nil
}

// strayArg names a stray command-line argument: quoted when it reads like
// a mistyped command (lower-case letters and dashes, short), else only by
// its length, since it may be a secret that lost its flag
// ("--secret-key= sk_live_…").
func strayArg(a string) string {
	word := len(a) > 0 && len(a) <= 24
	for i := 0; i < len(a) && word; i++ {
		word = a[i] >= 'a' && a[i] <= 'z' || a[i] == '-'
	}
	if word {
		return strconv.Quote(a)
	}
	return fmt.Sprintf("(%d bytes, not shown)", len(a))
}
