package interceptor

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
	"google.golang.org/grpc"

	"github.com/authsvc/authsvc/verifier"
)

// DefaultMetadataKey is the incoming and outgoing metadata key that carries
// the session token, as "Bearer <token>".
const DefaultMetadataKey = "authorization"

// Remote-mode defaults; see [CacheConfig].
const (
	// DefaultCacheEntries bounds the decision cache: roughly 20 MB with
	// Clerk-sized tokens (about 2 KB per entry, token and claims).
	DefaultCacheEntries = 10_000
	// DefaultCacheSkew is how long before exp a cached decision stops
	// being used.
	DefaultCacheSkew = time.Second
	// DefaultCacheTTL is the longest a cached decision is trusted, however
	// far off the token's exp: after it the token is verified by authsvc
	// again, so a key removed from the JWKS (or a revoked instance) stops
	// being accepted within a minute, as it is by authsvc.
	DefaultCacheTTL = time.Minute
	// DefaultRemoteTimeout bounds one VerifySessionToken call to authsvc.
	// The call is detached from the caller's cancellation, because other
	// callers may be waiting for the same answer; a caller whose deadline
	// comes first stops waiting then, with codes.DeadlineExceeded.
	DefaultRemoteTimeout = 5 * time.Second
)

// DefaultExemptMethods returns the methods that skip authentication when
// [WithExemptMethods] is not given: the gRPC health service and server
// reflection (v1 and v1alpha), so that load balancers, grpcurl and
// grpc_health_probe keep working. A name ending in "/*" covers a whole
// service. The slice is a fresh copy on every call.
func DefaultExemptMethods() []string {
	return []string{
		"/grpc.health.v1.Health/*",
		"/grpc.reflection.v1.ServerReflection/*",
		"/grpc.reflection.v1alpha.ServerReflection/*",
	}
}

// An Option configures the interceptors built by [UnaryServerInterceptor],
// [StreamServerInterceptor], [UnaryClientInterceptor] and
// [StreamClientInterceptor]. Options are sealed: only this package makes
// them. Client interceptors read only [WithMetadataKey].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is the result of applying every Option to the defaults.
type config struct {
	remote     grpc.ClientConnInterface
	shared     *sharedCache // from the WithRemote value; nil without one
	local      *verifier.Verifier
	parties    []string
	mdKey      string
	exempt     methodSet
	matcher    selector.Matcher
	outageCode bool // true: outages are UNAUTHENTICATED instead of UNAVAILABLE
	cache      CacheConfig
	rules      []rule
	accepts    []TokenKind // WithAcceptedTokens; empty: sessions only
}

func newConfig(opts []Option) *config {
	c := &config{
		mdKey:  DefaultMetadataKey,
		exempt: newMethodSet(DefaultExemptMethods()),
	}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	c.cache = c.cache.withDefaults()
	return c
}

// WithRemote verifies tokens by calling authsvc's VerifySessionToken over cc
// (typically a *grpc.ClientConn to authsvc; do not install this package's
// client interceptors on it). Verified tokens are kept in a per-interceptor
// decision cache for at most [DefaultCacheTTL] and never past shortly before
// they expire (see [WithCache]), and
// concurrent calls presenting the same token share one RPC.
//
// Interceptors built from the same WithRemote value share one decision
// cache, so build it once and pass it to both the unary and the stream
// constructor; the first interceptor built sets the cache's [CacheConfig].
//
// Exactly one of WithRemote and [WithLocal] is required; with neither, or
// both, every authenticated call fails with codes.Internal.
func WithRemote(cc grpc.ClientConnInterface) Option {
	shared := &sharedCache{}
	return optionFunc(func(c *config) { c.remote, c.shared = cc, shared })
}

// sharedCache creates one decision cache for every interceptor built from
// one WithRemote value.
type sharedCache struct {
	once  sync.Once
	cache *decisionCache
}

func (s *sharedCache) get(cc CacheConfig) *decisionCache {
	s.once.Do(func() { s.cache = newDecisionCache(cc) })
	return s.cache
}

// WithLocal verifies tokens in-process with v, which fetches and caches the
// JWKS itself, so no network hop is made per call. The interceptor keeps no
// cache of its own in this mode; v has one. See [WithRemote].
func WithLocal(v *verifier.Verifier) Option {
	return optionFunc(func(c *config) { c.local = v })
}

// WithAuthorizedParties makes every verification require the token's azp to
// be one of parties (for example "https://app.example.com"). By default the
// list configured in authsvc (remote mode) or in the verifier (local mode)
// applies. The list is part of the decision-cache key, and cached claims are
// checked against it again on every hit.
func WithAuthorizedParties(parties ...string) Option {
	return optionFunc(func(c *config) { c.parties = append([]string(nil), parties...) })
}

// WithMetadataKey reads (server) and writes (client) the token under key
// instead of [DefaultMetadataKey]. The key is lower-cased, as gRPC metadata
// keys are. An empty key keeps the default.
func WithMetadataKey(key string) Option {
	return optionFunc(func(c *config) {
		if key != "" {
			c.mdKey = strings.ToLower(key)
		}
	})
}

// WithExemptMethods replaces [DefaultExemptMethods]: exactly these full
// method names ("/pkg.Service/Method", or "/pkg.Service/*" for every method
// of a service) skip authentication and reach the handler with no claims.
// Pass nothing to authenticate every method, health included. A method named
// in [RequirePermission] or [RequireRole] is never exempt.
func WithExemptMethods(methods ...string) Option {
	return optionFunc(func(c *config) { c.exempt = newMethodSet(methods) })
}

// WithAuthMatcher adds a go-grpc-middleware selector: a call is
// authenticated only when m.Match returns true for it ("true" means "this
// call requires authentication"), in addition to the exempt list. By default
// every non-exempt call is authenticated. A method named in
// [RequirePermission] or [RequireRole] is authenticated whatever m says.
func WithAuthMatcher(m selector.Matcher) Option {
	return optionFunc(func(c *config) { c.matcher = m })
}

// WithOutageAsUnauthenticated reports an unreachable or failing authsvc (or,
// in local mode, keys that cannot be loaded) as codes.Unauthenticated
// instead of the default codes.Unavailable. Either way the call fails closed
// and the handler is not called; Unavailable tells clients the failure is
// transient and worth retrying.
func WithOutageAsUnauthenticated() Option {
	return optionFunc(func(c *config) { c.outageCode = true })
}

// CacheConfig tunes the remote-mode decision cache. The zero value means
// the defaults.
type CacheConfig struct {
	// MaxEntries bounds the number of cached tokens. Zero means
	// [DefaultCacheEntries]; a negative value disables the cache (concurrent
	// calls with one token still share one RPC).
	MaxEntries int
	// Skew is how long before the token's exp a cached entry stops being
	// trusted, to absorb clock differences with authsvc. Zero means
	// [DefaultCacheSkew]; a cached entry is never used at or after exp.
	Skew time.Duration
	// TTL caps how long a verified token is trusted from the moment it
	// was verified, whatever its exp. Zero (or negative) means
	// [DefaultCacheTTL]. A longer TTL saves RPCs but delays the effect of
	// a key removal or an instance change on authsvc's side by as much.
	TTL time.Duration
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

func (cc CacheConfig) withDefaults() CacheConfig {
	if cc.MaxEntries == 0 {
		cc.MaxEntries = DefaultCacheEntries
	}
	if cc.Skew <= 0 {
		cc.Skew = DefaultCacheSkew
	}
	if cc.TTL <= 0 {
		cc.TTL = DefaultCacheTTL
	}
	if cc.Now == nil {
		cc.Now = time.Now
	}
	return cc
}

// WithCache tunes the remote-mode decision cache; see [CacheConfig] for the
// defaults. Failed verifications are never cached. It has no effect in
// local mode.
func WithCache(cc CacheConfig) Option {
	return optionFunc(func(c *config) { c.cache = cc })
}

// requiresAuth reports whether the call to fullMethod must be authenticated.
func (c *config) requiresAuth(ctx context.Context, fullMethod string, info *grpc.StreamServerInfo, req any) bool {
	if c.hasRule(fullMethod) {
		return true
	}
	if c.exempt.contains(fullMethod) {
		return false
	}
	if c.matcher != nil {
		return c.matcher.Match(ctx, interceptors.NewServerCallMeta(fullMethod, info, req))
	}
	return true
}
