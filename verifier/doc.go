// Package verifier verifies Clerk session tokens and decides a request's
// auth state. It is a pure library: no gRPC, no HTTP server, no logging.
//
// [New] takes a [Config] (the inline key or the secret key, issuers,
// authorized parties, clock skew, clock) and returns a [Verifier] whose
// [Verifier.Verify] turns a token into [Claims] or an [*Error] with the
// [Reason] of the first rule the token breaks, in this order: three
// base64url JSON parts; typ JWT, alg RS256/RS384/RS512 matching the key, no
// crit; the key; the signature; the token type; strict claims, exp (required),
// nbf and iat with the skew, sub; the audience; the issuer; the authorized
// party; the session status. Header jku, x5u and jwk are never followed.
// [Verifier.VerifyWithOptions] takes the per-call settings ([VerifyOptions]).
//
// # Token types
//
// Clerk signs session tokens, JWT-template tokens and machine (M2M) JWTs
// with the same key; the protected header's cat tells them apart. Verify
// accepts a cat that is absent, the session category or the marker of
// instances that omit categories (exactly what @clerk/backend's
// hasNonSessionJwtCategory accepts). Any other cat, null and non-strings
// included, or a sub starting "mch_", is [ReasonTokenTypeMismatch].
//
// # Strict claims
//
// The payload must be I-JSON (RFC 7493): a duplicate member name in any
// object, a number outside float64 or an escaped lone surrogate makes the
// token [ReasonTokenInvalid], as do invalid UTF-8 and a claim of the wrong
// type: exp missing, or exp, nbf or iat (when present) not a JSON integer
// literal, null included; act or o not an object; aud not a string or an
// array of strings; fva not two integers; a string claim that is not a
// string (null leaves a string claim absent). Claim names are matched
// exactly (encoding/json would also accept "SUB" for "sub"). All of this is
// reported only once the signature has verified, and it is checked in the
// one pass that decodes the payload, so every caller (the gRPC service, the
// interceptor's local mode) sees exactly the claims that were verified.
//
// # Pending sessions
//
// A token with sts "pending" (a session with tasks left, such as choosing
// an organization) is [ReasonSessionPending] unless
// [Config.AcceptPendingSessions] or the call's [VerifyOptions.AcceptPending]
// accepts it; a call can widen the configuration, never narrow it.
//
// It is not a general JWT library: it accepts only RSA PKCS#1 v1.5 session
// tokens as Clerk issues them, and it does not call the Backend API beyond
// fetching the key set.
//
// # Key sources
//
// With [Config.JWTKey] set, the inline RSA key (PEM or its one-line body) is
// the only key, pinned to RS256, and nothing is fetched. Otherwise, with
// [Config.SecretKey] set, the key set is fetched from
// {APIURL}/{APIVersion}/jwks and the token's kid selects the key. With
// neither, every verification fails with [ReasonKeyMissing].
//
// # Key rotation
//
// The remote key set is cached. A kid that is not in the cache triggers one
// fetch, shared by every concurrent caller and never more often than
// [Config.MinRefreshInterval] (5 s); the kid is then found or the token
// fails with [ReasonKidMismatch]. Keys older than [Config.RefreshInterval]
// (5 min) are refreshed in the background while they keep serving. When a
// refresh fails, the old keys stay in use, so a Clerk outage does not sign
// anyone out; repeated failures back off towards the refresh interval.
//
// # Readiness
//
// Until the key set first loads, and while Clerk rejects the secret key
// ([ReasonSecretKeyInvalid]), a failed fetch is retried every
// [Config.RetryInterval] (5 s), never at the slower refresh cadence, and in
// the background as well as on calls, so that a recovery is seen within one
// retry. [Verifier.Preload] starts the first fetch without waiting for a
// call. [Verifier.KeyStatus] tells whether verification can work and why
// not, and [Config.OnKeyEvent] hears every attempt; the package itself
// never logs.
//
// A fetch runs on the key set's own context, bounded by its own 10 s
// timeout and [Config.HTTPClient]'s. A fetch that times out is
// [ReasonKeyFetch] with a detail saying so, and it never wraps a context
// error, on the call that waited for it or on later calls that get the
// cached failure: no caller's deadline passed, so services answer it as an
// outage. Only a caller whose own context ends while it waits gets an
// error wrapping that context's error.
//
// # Auth state
//
// [Verifier.AuthState] decides whether one web request, described by a
// [Request] (the __session and __client_uat cookies, the Authorization
// header, Origin, Host, the X-Forwarded-* headers, Referer and User-Agent),
// is signed in, signed out or must load the interstitial page so that
// Clerk's browser library can refresh the session. It returns a [State]: a
// [Status], the [AuthReason] for it (byte for byte the original's reason
// strings; [AuthReason.Status] gives the status each reason goes with) and,
// when signed in, the token's [Claims]. The rules are the original
// getAuthState decision table with the fixes listed in DESIGN.md. AuthState
// never returns an error and never panics: a bad token, an unparsable header,
// a key-fetch failure and a cancelled context all become a state with a
// reason. A [Config.SecretKey] starting "sk_test_" or "test_" makes the
// verifier a development instance ([Verifier.Development]), which signs out
// non-browser requests without a header token and asks for the interstitial
// when __client_uat is missing or the Referer is cross-origin; any other key,
// or none, is production. AuthState does not fetch the interstitial page.
//
// # Decision cache
//
// Verified tokens are remembered (by their exact bytes, with the key that
// verified them) in a bounded LRU of [Config.CacheSize] entries, so a token
// presented again skips the RSA work. The clock, audience, authorized-party
// and session-status checks run again on every hit (so a cached pending
// token is still refused by a call that does not accept it), and a hit whose key has left the key set does not
// count. Only successes are cached. Each entry holds the token and its
// claims, about 2.3 KB for a typical 850-byte token, so the default 100 000
// entries can reach about 230 MB: lower [Config.CacheSize] where memory is
// tight.
//
// # Machine tokens
//
// [Verifier.VerifyToken] verifies the kinds a call accepts
// ([VerifyTokenOptions.Accepts]; empty means sessions only): session
// tokens as [Verifier.VerifyWithOptions] does, machine JWTs locally (M2M:
// the M2M category or an mch_ subject, never the session category; OAuth:
// typ at+jwt, accepted on this path only), and opaque tokens, told apart
// by prefix ([OpaqueKind]: mt_, ak_, oat_), through an [OpaqueVerifier]
// that asks Clerk. A kind not accepted is [ReasonTokenTypeMismatch].
// Machine JWTs have their own decision cache, so nothing verified on one
// path is served to another, and a hit checks the kind against the call.
// Opaque successes are cached for [Config.OpaqueCacheTTL] (10 s), keyed by
// the token's SHA-256: that TTL is how long a token revoked at Clerk is
// still accepted. Failures are never cached.
package verifier
