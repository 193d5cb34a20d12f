package interceptor

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// UnaryServerInterceptor authenticates every unary call that is not exempt
// (see [WithExemptMethods], [WithAuthMatcher]): it reads the session token
// from the incoming metadata ([DefaultMetadataKey], "Bearer <token>"),
// verifies it in the mode chosen by [WithRemote] or [WithLocal], applies
// [RequirePermission] and [RequireRole], and calls the handler with the
// claims in its context ([ClaimsFromContext]).
//
// It fails closed: a missing token, a token that fails verification, or a
// verification that cannot be made returns a status error with a
// google.rpc.ErrorInfo (see [ReasonOf]) and the handler is never called.
// The returned function is safe for concurrent use. In remote mode it
// shares its decision cache with every interceptor built from the same
// [WithRemote] value.
func UnaryServerInterceptor(opts ...Option) grpc.UnaryServerInterceptor {
	a := newAuthenticator(opts)
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if !a.cfg.requiresAuth(ctx, info.FullMethod, nil, req) {
			return handler(ctx, req)
		}
		ctx, err := a.authenticate(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

// StreamServerInterceptor is [UnaryServerInterceptor] for streams. A stream
// is authenticated once, when it opens; the handler's stream.Context()
// carries the claims for the whole stream, even if the token expires while
// the stream is open.
func StreamServerInterceptor(opts ...Option) grpc.StreamServerInterceptor {
	a := newAuthenticator(opts)
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if !a.cfg.requiresAuth(ss.Context(), info.FullMethod, info, nil) {
			return handler(srv, ss)
		}
		ctx, err := a.authenticate(ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		return handler(srv, &authedStream{ServerStream: ss, ctx: ctx})
	}
}

// authedStream is a ServerStream whose context carries the caller.
type authedStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *authedStream) Context() context.Context { return s.ctx }

// authenticator holds one interceptor's configuration and verifier.
type authenticator struct {
	cfg       *config
	verify    verifyFunc
	machine   machineVerifyFunc // nil unless WithAcceptedTokens names a machine kind
	misconfig error             // non-nil: every authenticated call fails with it
}

func newAuthenticator(opts []Option) *authenticator {
	cfg := newConfig(opts)
	a := &authenticator{cfg: cfg}
	if k, ok := cfg.unknownKind(); ok {
		a.misconfig = reasonError(codes.Internal, ReasonMisconfigured,
			"interceptor: WithAcceptedTokens names a token kind it does not know: "+k.String())
		return a
	}
	switch {
	case cfg.remote != nil && cfg.local == nil:
		r := &remoteVerifier{
			client:  authsvcv1.NewAuthServiceClient(cfg.remote),
			parties: cfg.parties,
			key:     partiesKey(cfg.parties),
			cache:   cfg.shared.get(cfg.cache),
			outage:  cfg.outage,
		}
		a.verify = r.verify
		if cfg.acceptsMachines() {
			a.machine = a.withMachines(r.machine(cfg.machineKinds()))
		}
	case cfg.local != nil && cfg.remote == nil:
		a.verify = localVerify(cfg.local, cfg.parties, cfg.outage)
		if cfg.acceptsMachines() {
			a.machine = a.withMachines(localMachine(cfg.local, cfg.machineKinds(), cfg.outage))
		}
	default:
		a.misconfig = reasonError(codes.Internal, ReasonMisconfigured,
			"interceptor: configure exactly one of WithRemote and WithLocal")
	}
	return a
}

// authenticate returns a child of ctx carrying the verified caller, or the
// status error to return instead of calling the handler.
func (a *authenticator) authenticate(ctx context.Context, fullMethod string) (context.Context, error) {
	if a.misconfig != nil {
		return nil, a.misconfig
	}
	token, reason := tokenFromValues(metadata.ValueFromIncomingContext(ctx, a.cfg.mdKey))
	switch reason {
	case "":
	case ReasonTokenMissing:
		return nil, reasonError(codes.Unauthenticated, reason, "interceptor: session token missing")
	default:
		return nil, rejected(reason)
	}
	if a.machine != nil {
		return a.authenticateMachine(ctx, fullMethod, token)
	}
	if !a.cfg.acceptsSession() {
		return nil, rejected(verifier.ReasonTokenTypeMismatch)
	}
	claims, err := a.verify(ctx, token)
	if err != nil {
		return nil, err
	}
	if claims == nil { // never expected; fail closed rather than panic
		return nil, status.Error(codes.Internal, "interceptor: verification returned no claims")
	}
	if err := a.cfg.authorize(fullMethod, claims); err != nil {
		return nil, err
	}
	return NewContext(ctx, token, claims), nil
}

// authenticateMachine is authenticate when machine callers are accepted.
// A machine caller meets no RequirePermission or RequireRole rule: the
// rules run against empty claims, so they refuse it.
func (a *authenticator) authenticateMachine(ctx context.Context, fullMethod, token string) (context.Context, error) {
	claims, m, err := a.machine(ctx, token)
	switch {
	case err != nil:
		return nil, err
	case claims != nil:
		if err := a.cfg.authorize(fullMethod, claims); err != nil {
			return nil, err
		}
		return NewContext(ctx, token, claims), nil
	case m != nil:
		if err := a.cfg.authorize(fullMethod, &Claims{}); err != nil {
			return nil, err
		}
		// A machine's token is not kept: the client interceptors forward a
		// context's token, and a machine's (an API key, an opaque M2M
		// token) lives until it is revoked, where a session token lives a
		// minute. A service that calls on with a machine's authority sets
		// its own credential.
		return context.WithValue(ctx, identityKey{}, identity{machine: m}), nil
	}
	return nil, status.Error(codes.Internal, "interceptor: verification returned no identity")
}
