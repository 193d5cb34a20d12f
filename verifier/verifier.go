package verifier

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/authsvc/authsvc/internal/noredirect"
)

// Defaults applied by [New] to zero [Config] fields.
const (
	DefaultAPIURL             = "https://api.clerk.com"
	DefaultAPIVersion         = "v1"
	DefaultClockSkew          = 5 * time.Second
	DefaultCacheSize          = 100_000
	DefaultRefreshInterval    = 5 * time.Minute
	DefaultMinRefreshInterval = 5 * time.Second
	DefaultRetryInterval      = 5 * time.Second
	defaultHTTPTimeout        = 10 * time.Second
)

// Config is the verifier's configuration. The zero value is valid: it has no
// key source, so every [Verifier.Verify] fails with [ReasonKeyMissing].
// [New] validates it and applies the documented defaults.
type Config struct {
	// JWTKey is the inline public key (CLERK_JWT_KEY): a full PEM, or the
	// one-line base64 body of its SubjectPublicKeyInfo as Clerk's dashboard
	// shows it. RSA of at least 2048 bits, used for RS256 only. When set, the
	// remote key set is not used. Empty means no inline key.
	JWTKey string
	// SecretKey is the Clerk secret key (CLERK_SECRET_KEY), sent as Bearer
	// when fetching the key set. An "sk_test_" or "test_" prefix marks a
	// development instance. Empty means no remote key set.
	SecretKey string
	// APIURL is the Backend API base URL. Default "https://api.clerk.com".
	APIURL string
	// APIVersion is the API version path segment. Default "v1". The key set is
	// fetched from {APIURL}/{APIVersion}/jwks.
	APIVersion string
	// Issuers lists the exact allowed iss values (https URLs). Empty accepts
	// any Clerk-shaped https issuer: host clerk.<domain> or
	// <slug>.clerk.accounts.dev.
	Issuers []string
	// AuthorizedParties is the default azp allow-list. Empty means no azp
	// check unless a call passes its own list.
	AuthorizedParties []string
	// Audiences (CLERK_AUDIENCE) are the accepted aud values: when set, a
	// token's aud (a string or an array of strings) must be present and
	// contain one of them. Empty means aud is not checked (its type still
	// is: a present aud that is neither a string nor an array of strings is
	// token-invalid).
	Audiences []string
	// AcceptPendingSessions (AUTHSVC_ACCEPT_PENDING_SESSIONS) accepts tokens
	// of pending sessions (sts "pending"), which are otherwise refused with
	// [ReasonSessionPending], as Clerk's SDKs do by default
	// (treatPendingAsSignedOut). False (the default) refuses them unless the
	// call accepts them ([VerifyOptions.AcceptPending]).
	AcceptPendingSessions bool
	// ClockSkew is the tolerance applied to exp, nbf and iat. Zero means 5 s;
	// negative is rejected by New.
	ClockSkew time.Duration
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// HTTPClient fetches the key set. Nil means a client with a 10 s
	// timeout. The fetch carries the secret key, so no redirect is followed:
	// a client without a CheckRedirect of its own is used through a copy
	// that refuses them.
	HTTPClient *http.Client
	// CacheSize bounds the decision cache (verified tokens). Zero means
	// 100 000 entries; negative disables the cache.
	CacheSize int
	// RefreshInterval is the age after which the key set is refreshed in the
	// background while the old keys keep serving. Zero means 5 min.
	RefreshInterval time.Duration
	// MinRefreshInterval is the minimum gap between two key-set fetches, so an
	// unknown kid or a failing Clerk cannot cause a fetch storm. Zero means 5 s.
	MinRefreshInterval time.Duration
	// RetryInterval is the gap between fetch attempts while the remote key
	// set is not usable: not loaded yet, or the secret key rejected. Such
	// attempts also run in the background, without waiting for a call, so
	// a recovery is seen within one interval. Zero means 5 s.
	RetryInterval time.Duration
	// OnKeyEvent, when set, is called after every fetch attempt of the
	// remote key set with its outcome and the resulting [KeyStatus], for
	// logs and metrics. Calls come one at a time, in attempt order, from
	// the goroutine that fetched; the next attempt waits until it returns,
	// so it must be quick, and it must not call [Verifier.Close]. Nil means
	// no callback. Never called for an inline key.
	OnKeyEvent func(KeyEvent)
	// Observer receives key-fetch events for metrics. The zero value
	// observes nothing. See [Observer] and [Verifier.Stats].
	Observer Observer
	// OpaqueCacheTTL is how long a successful verification of an opaque
	// machine token (mt_, ak_, oat_) is reused by [Verifier.VerifyToken]
	// without asking Clerk again: the revocation delay, since a token
	// revoked at Clerk is still accepted until its entry ages out. Zero
	// means 10 s; negative disables the cache. Failures are never cached.
	OpaqueCacheTTL time.Duration
	// OpaqueCacheSize bounds that cache. Zero means 10 000 entries.
	OpaqueCacheSize int
}

// Verifier verifies Clerk session tokens. It is safe for concurrent use by
// multiple goroutines. Create it with [New] and stop it with [Verifier.Close].
type Verifier struct {
	cfg     Config
	keys    keySource // nil when no key source is configured
	remote  *remoteKeySet
	cache   *decisionCache // nil when disabled
	issuers map[string]struct{}
	hdrMemo atomic.Pointer[headerMemo]

	// The machine-token path (machine.go): machineCache holds verified
	// machine JWTs, apart from cache so that no path is served what
	// another verified; opaque holds opaque-token successes
	// (machine_opaque.go); both nil when disabled. machineHdrMemo is
	// hdrMemo for machine headers (their cat and typ differ).
	machineCache   *decisionCache
	opaque         *opaqueCache
	machineHdrMemo atomic.Pointer[headerMemo]
}

// New validates cfg, applies its defaults and returns a ready Verifier. It
// fails on an unparsable or weak inline key, a bad API URL or issuer, and
// negative durations. It does not fetch the key set: [Verifier.Preload] or
// the first Verify does.
func New(cfg Config) (*Verifier, error) {
	if err := applyDefaults(&cfg); err != nil {
		return nil, err
	}
	v := &Verifier{cfg: cfg}
	if len(cfg.Issuers) > 0 {
		v.issuers = make(map[string]struct{}, len(cfg.Issuers))
		for _, iss := range cfg.Issuers {
			if err := checkIssuerURL(iss); err != nil {
				return nil, fmt.Errorf("verifier: issuer %q: %w", iss, err)
			}
			v.issuers[iss] = struct{}{}
		}
	}
	switch {
	case cfg.JWTKey != "":
		k, err := parseInlineKey(cfg.JWTKey)
		if err != nil {
			return nil, err
		}
		v.keys = staticKeySet{k: k}
	case cfg.SecretKey != "":
		jwksURL, err := url.JoinPath(cfg.APIURL, cfg.APIVersion, "jwks")
		if err != nil {
			return nil, fmt.Errorf("verifier: api url: %w", err)
		}
		v.remote = newRemoteKeySet(remoteConfig{
			url: jwksURL, secretKey: cfg.SecretKey, client: cfg.HTTPClient, now: cfg.Now,
			refresh: cfg.RefreshInterval, minGap: cfg.MinRefreshInterval,
			retry: cfg.RetryInterval, onEvent: cfg.OnKeyEvent, observer: cfg.Observer,
		})
		v.keys = v.remote
	}
	if cfg.CacheSize > 0 {
		v.cache = newDecisionCache(cfg.CacheSize)
		v.machineCache = newDecisionCache(machineCacheSize(cfg.CacheSize))
	}
	v.opaque = newOpaqueCache(cfg.OpaqueCacheTTL, cfg.OpaqueCacheSize)
	return v, nil
}

func applyDefaults(cfg *Config) error {
	if cfg.ClockSkew < 0 || cfg.RefreshInterval < 0 || cfg.MinRefreshInterval < 0 || cfg.RetryInterval < 0 {
		return errors.New("verifier: durations must not be negative")
	}
	setDefault(&cfg.ClockSkew, DefaultClockSkew)
	setDefault(&cfg.RefreshInterval, DefaultRefreshInterval)
	setDefault(&cfg.MinRefreshInterval, DefaultMinRefreshInterval)
	setDefault(&cfg.RetryInterval, DefaultRetryInterval)
	setDefault(&cfg.APIURL, DefaultAPIURL)
	setDefault(&cfg.APIVersion, DefaultAPIVersion)
	setDefault(&cfg.CacheSize, DefaultCacheSize)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: defaultHTTPTimeout}
	}
	cfg.HTTPClient = noredirect.Client(cfg.HTTPClient, errRedirect)
	u, err := url.Parse(cfg.APIURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return errors.New("verifier: api url must be an absolute http(s) url without credentials")
	}
	if strings.ContainsAny(cfg.APIVersion, "/?#%") {
		return errors.New("verifier: api version must be a single path segment")
	}
	for _, p := range cfg.AuthorizedParties {
		if p == "" {
			return errors.New("verifier: authorized parties must not contain an empty entry")
		}
	}
	for _, a := range cfg.Audiences {
		if a == "" {
			return errors.New("verifier: audiences must not contain an empty entry")
		}
	}
	return nil
}

func setDefault[T comparable](field *T, def T) {
	var zero T
	if *field == zero {
		*field = def
	}
}

// Verify verifies token with the configured authorized parties. It returns
// the claims, shared and read-only, or an [*Error] naming the first rule the
// token breaks. It blocks only while the key set is being fetched, and leaves
// early with a [ReasonKeyFetch] error wrapping ctx.Err() when ctx ends.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	return v.VerifyWithParties(ctx, token, nil)
}

// VerifyWithParties is [Verifier.Verify] with a per-call azp allow-list; an
// empty list means the configured [Config.AuthorizedParties].
func (v *Verifier) VerifyWithParties(ctx context.Context, token string, authorizedParties []string) (*Claims, error) {
	return v.VerifyWithOptions(ctx, token, VerifyOptions{AuthorizedParties: authorizedParties})
}

// VerifyOptions are the per-call settings of [Verifier.VerifyWithOptions].
// The zero value means the configuration's settings.
type VerifyOptions struct {
	// AuthorizedParties, when non-empty, replaces the configured
	// [Config.AuthorizedParties] for this call.
	AuthorizedParties []string
	// AcceptPending accepts a pending session (sts "pending") for this
	// call. It only widens: false means the configured
	// [Config.AcceptPendingSessions], so a call cannot refuse what the
	// configuration accepts (check [Claims.SessionStatus] for that).
	AcceptPending bool
}

// VerifyWithOptions is [Verifier.Verify] with per-call settings.
func (v *Verifier) VerifyWithOptions(ctx context.Context, token string, opts VerifyOptions) (*Claims, error) {
	parties := opts.AuthorizedParties
	if len(parties) == 0 {
		parties = v.cfg.AuthorizedParties
	}
	acceptPending := opts.AcceptPending || v.cfg.AcceptPendingSessions
	if ctx == nil {
		ctx = context.Background()
	}
	if v.keys == nil {
		return nil, &Error{Reason: ReasonKeyMissing, Detail: "no inline key and no secret key configured"}
	}
	now := v.cfg.Now()
	if v.cache != nil {
		if e := v.cache.get(token); e != nil && v.keys.current(e.kid) == e.key {
			if err := v.checkVerified(e.claims, now, parties, acceptPending); err != nil {
				return nil, err
			}
			return e.claims, nil
		}
	}
	c, key, kid, err := v.verifyFull(ctx, token, now, parties)
	if err != nil {
		return nil, err
	}
	// Cached before rule 10: the claims are verified whatever this call
	// accepts, and every hit re-runs rule 10 for its own call.
	if v.cache != nil {
		v.cache.put(token, &cacheEntry{claims: c, key: key, kid: kid})
	}
	// 10. Session status, the last rule.
	if err := checkSessionStatus(c.SessionStatus, acceptPending); err != nil {
		return nil, err
	}
	return c, nil
}

// Development reports whether the configured secret key belongs to a
// development instance: it starts with "sk_test_" or "test_" (case-sensitive).
// An empty key is production, as in Clerk's SDKs.
func (v *Verifier) Development() bool {
	return strings.HasPrefix(v.cfg.SecretKey, "sk_test_") || strings.HasPrefix(v.cfg.SecretKey, "test_")
}

// Close stops background key-set refreshes and waits for an in-flight fetch
// to end. Verify keeps working with the keys already loaded; anything that
// would need a fetch fails with [ReasonKeyFetch]. Close is idempotent.
func (v *Verifier) Close() {
	if v.remote != nil {
		v.remote.close()
	}
}

// errRedirect is what a redirect of the JWKS fetch fails with: the request
// carries the secret key, so none is followed (internal/noredirect), and a
// redirect is a fetch error.
var errRedirect = errors.New("verifier: the JWKS endpoint answered with a redirect, which is not followed")
