// Package interceptor protects a Go gRPC service with Clerk session tokens:
// its server interceptors authenticate every incoming call, through authsvc
// or in-process, and hand the caller's claims to the handler; its client
// interceptors forward the caller's token on outgoing calls.
//
// Protect a service with authsvc (remote mode):
//
//	conn, err := grpc.NewClient("authsvc:50051", grpc.WithTransportCredentials(insecure.NewCredentials()))
//	if err != nil { … }
//	auth := interceptor.WithRemote(conn) // both interceptors share its decision cache
//	srv := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(auth)),
//		grpc.ChainStreamInterceptor(interceptor.StreamServerInterceptor(auth)),
//	)
//
// Clients send "authorization: Bearer <session token>". In a handler:
//
//	userID := interceptor.UserID(ctx)              // "user_2a…"
//	claims, ok := interceptor.ClaimsFromContext(ctx)
//
// To verify without a network hop per call, pass [WithLocal] with a
// *verifier.Verifier instead of [WithRemote]; it fetches Clerk's JWKS and
// caches the keys itself.
//
// # Failing closed
//
// The handler runs only for a verified caller. Everything else is a status
// error carrying a google.rpc.ErrorInfo in [ErrorDomain] whose
// Metadata["reason"] says why ([ReasonOf] reads it):
//
//	no token                              Unauthenticated  session-token-missing
//	token fails verification              Unauthenticated  the verifier's reason (token-expired, …)
//	authsvc unreachable, keys unavailable Unavailable      authsvc-unavailable, jwk-remote-failed-to-load
//	authsvc's caller policy refuses you   Unavailable      authsvc-unavailable (never a token verdict)
//	a RequirePermission/RequireRole rule  PermissionDenied permission-missing, role-missing
//
// [WithOutageAsUnauthenticated] turns the outage row into Unauthenticated.
// Unlike Clerk's Go HTTP middleware, a missing or undecodable token never
// reaches the handler.
//
// # Exempt methods
//
// The gRPC health service and server reflection are exempt by default
// ([DefaultExemptMethods]) so that probes and grpcurl keep working.
// [WithExemptMethods] replaces that list; [WithAuthMatcher] takes a
// go-grpc-middleware selector.Matcher for anything a list cannot say.
// Exempt calls reach the handler with no claims.
//
// # Decision cache
//
// In remote mode the interceptors built from one [WithRemote] value keep the
// tokens they have verified in one cache, keyed by the whole token and the
// authorized-party list, for at most [DefaultCacheTTL] (a minute) after the
// verification and never later than [DefaultCacheSkew] before the token's
// exp; at most [DefaultCacheEntries] tokens. The TTL bounds how long a token
// that authsvc has started to refuse (its signing key removed from the
// JWKS, say) is still accepted here: authsvc is asked again once it passes.
// Concurrent calls with the same token share one VerifySessionToken RPC.
// Failures are not cached. See [WithCache].
//
// # Machine callers
//
// By default only session tokens are accepted. [WithAcceptedTokens] widens
// that to M2M tokens, API keys and OAuth access tokens:
//
//	interceptor.WithAcceptedTokens(interceptor.TokenSession, interceptor.TokenM2M, interceptor.TokenAPIKey)
//
// A machine caller's identity (subject mch_…, user_… or org_…, scopes,
// claims) is in the handler's context through [MachineFromContext];
// [ClaimsFromContext] is false for it, and RequirePermission/RequireRole
// rules refuse it. A token of a kind not accepted is Unauthenticated with
// token-type-mismatch. In remote mode machine tokens are verified by
// authsvc's VerifyToken, which caches opaque successes for its revocation
// delay (10 s by default); session tokens go through the decision cache
// first, except opaque tokens and JWTs whose header marks a machine token
// (the M2M category, typ at+jwt), which go straight to VerifyToken. In local mode machine JWTs are verified
// in-process; opaque tokens (mt_, ak_, oat_) need Clerk's Backend API and
// fail as an outage (jwk-failed-to-resolve).
//
// # Token propagation
//
// Install [UnaryClientInterceptor] and [StreamClientInterceptor] on the
// connections a handler uses to call other protected services, and the
// token the server interceptor verified is forwarded without the handler
// touching metadata.
//
// # What it does not do
//
// It does not read cookies, refresh tokens, log, or export metrics; it does
// not re-check a stream's token after the stream opened. Unlike
// go-grpc-middleware's auth package it honours no per-service override: a
// registered service cannot opt itself out, only [WithExemptMethods] and
// [WithAuthMatcher] can. It is not a policy
// engine: [RequirePermission] and [RequireRole] cover per-method organization
// checks, and handlers can use [HasPermission] and [HasRole] for the rest.
package interceptor
