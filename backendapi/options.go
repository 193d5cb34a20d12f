package backendapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authsvc/authsvc/internal/noredirect"
)

// Option configures a [Client] in [NewClient]. The set is sealed: only the
// With… functions of this package make Options. Invalid values are reported
// by NewClient, not by the With… function.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// Clock is the test seam for time: the client reads Now to compare against
// the caller's deadline and waits on After for retry backoff, Retry-After
// and the rate limiter. The default is the real clock. A Clock must be safe
// for concurrent use.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// config holds everything the options set.
type config struct {
	baseURL        string
	apiVersion     string
	httpClient     *http.Client
	maxAttempts    int
	baseBackoff    time.Duration
	attemptTimeout time.Duration
	rateN          int
	ratePer        time.Duration
	maxWait        time.Duration
	clock          Clock
	observer       Observer
}

func defaultConfig(secretKey string) config {
	n := prodRateLimit
	if isDevelopmentKey(secretKey) {
		n = devRateLimit
	}
	return config{
		baseURL:        defaultBaseURL,
		apiVersion:     defaultAPIVersion,
		httpClient:     noredirect.Client(&http.Client{Timeout: defaultHTTPTimeout}, errRedirect),
		maxAttempts:    defaultMaxAttempts,
		baseBackoff:    defaultBaseBackoff,
		attemptTimeout: defaultAttemptTimeout,
		rateN:          n,
		ratePer:        defaultRatePer,
		maxWait:        defaultMaxWait,
		clock:          realClock{},
	}
}

// WithBaseURL sets the Backend API's origin, optionally with a path prefix
// ("http://127.0.0.1:8080/clerk"). Default "https://api.clerk.com". It must be
// an absolute http or https URL without query, fragment or user info.
func WithBaseURL(u string) Option { return optionFunc(func(c *config) { c.baseURL = u }) }

// WithAPIVersion sets the version path segment placed after the base URL.
// Default "v1". It must be one non-empty path segment.
func WithAPIVersion(v string) Option { return optionFunc(func(c *config) { c.apiVersion = v }) }

// WithHTTPClient sets the HTTP client used for every request. Default: a new
// http.Client with a 30 s timeout and the default transport. nil is an error.
// A client with a CheckRedirect of its own keeps it; one without (Go's
// default follows redirects and resends Authorization to the same host,
// https to http included) is used through a copy that follows none, as the
// default client does. Clerk does not redirect.
func WithHTTPClient(hc *http.Client) Option {
	return optionFunc(func(c *config) {
		if hc != nil {
			hc = noredirect.Client(hc, errRedirect)
		}
		c.httpClient = hc
	})
}

// WithRetry sets the maximum number of attempts per call (1 disables
// retries, at most 4) and the base of the exponential backoff between them.
// Default 4 attempts and 100 ms. See the package documentation for which
// calls are retried.
func WithRetry(maxAttempts int, baseBackoff time.Duration) Option {
	return optionFunc(func(c *config) { c.maxAttempts, c.baseBackoff = maxAttempts, baseBackoff })
}

// WithRateLimit sets the client-side limit of n requests per sliding window
// of length per, shared by every call of the client. Default 1000 per 10 s
// (Clerk's production limit), or 100 per 10 s for development keys
// ("sk_test_", "test_"). n and per must be positive. A caller's own share
// is set per call with [WithCallerBudget].
func WithRateLimit(n int, per time.Duration) Option {
	return optionFunc(func(c *config) { c.rateN, c.ratePer = n, per })
}

// WithMaxWait bounds how long one attempt waits for a rate-limit slot; the
// caller's deadline bounds it too, whichever comes first. A call that
// cannot get a slot within that time gets a [*RateLimitError] (at once
// when its turn clearly lies beyond it) and holds no slot. Default 2 s.
// Zero means never wait; negative is an error.
func WithMaxWait(d time.Duration) Option {
	return optionFunc(func(c *config) { c.maxWait = d })
}

// WithAttemptTimeout bounds each HTTP attempt; the caller's context deadline
// still bounds the whole call. Default 10 s. It must be positive.
func WithAttemptTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.attemptTimeout = d })
}

// WithClock replaces the real clock, for tests. Default: the system clock.
// nil is an error.
func WithClock(clk Clock) Option { return optionFunc(func(c *config) { c.clock = clk }) }

// validate checks the configuration and returns the parsed base URL.
func (c *config) validate() (*url.URL, error) {
	u, err := url.Parse(c.baseURL)
	if err != nil {
		return nil, fmt.Errorf("backendapi: invalid base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, errors.New("backendapi: base URL must be an absolute http(s) URL without user info, query or fragment")
	}
	switch {
	case c.apiVersion == "" || strings.ContainsAny(c.apiVersion, "/?#%") || c.apiVersion == "." || c.apiVersion == "..":
		return nil, errors.New("backendapi: API version must be one non-empty path segment")
	case c.httpClient == nil:
		return nil, errors.New("backendapi: HTTP client must not be nil")
	case c.maxAttempts < 1 || c.maxAttempts > defaultMaxAttempts:
		return nil, fmt.Errorf("backendapi: max attempts must be between 1 and %d", defaultMaxAttempts)
	case c.baseBackoff < 0:
		return nil, errors.New("backendapi: base backoff must not be negative")
	case c.rateN < 1 || c.ratePer <= 0:
		return nil, errors.New("backendapi: rate limit must be positive")
	case c.maxWait < 0:
		return nil, errors.New("backendapi: max wait must not be negative")
	case c.attemptTimeout <= 0:
		return nil, errors.New("backendapi: attempt timeout must be positive")
	case c.clock == nil:
		return nil, errors.New("backendapi: clock must not be nil")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}

// errRedirect is what a redirect fails with: every request carries the
// secret key, so none is followed (internal/noredirect).
var errRedirect = errors.New("backendapi: the Backend API answered with a redirect, which is not followed")
