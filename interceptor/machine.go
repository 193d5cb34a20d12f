package interceptor

import (
	"context"
	"slices"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// Machine is the identity of a machine caller (an M2M token, an API key or
// an OAuth access token), the same type the verifier returns. Treat it as
// read-only.
type Machine = verifier.Machine

// TokenKind names a kind of token for [WithAcceptedTokens].
type TokenKind = verifier.TokenKind

// The kinds [WithAcceptedTokens] takes.
const (
	TokenSession = verifier.KindSession
	TokenM2M     = verifier.KindM2M
	TokenAPIKey  = verifier.KindAPIKey
	TokenOAuth   = verifier.KindOAuth
)

// WithAcceptedTokens sets the kinds of token the server interceptors
// accept; the default is session tokens only. A kind that is none of the
// four constants below (the zero TokenKind, say) makes every call fail
// with INTERNAL and [ReasonMisconfigured]. A machine caller's identity
// is in the handler's context through [MachineFromContext], and
// [ClaimsFromContext] is then false. Methods named in [RequirePermission]
// or [RequireRole] refuse machine callers (PERMISSION_DENIED): those rules
// read session claims.
//
// In remote mode machine tokens are verified by authsvc's VerifyToken
// (authsvc caches opaque successes for its revocation delay, 10 s by
// default, and the interceptor adds no cache of its own for them); session
// tokens still go through the decision cache first. In local mode machine
// JWTs (M2M, OAuth at+jwt) are verified in-process; opaque tokens (mt_,
// ak_, oat_) need the Backend API and fail as an outage
// (jwk-failed-to-resolve): use remote mode for them.
func WithAcceptedTokens(kinds ...TokenKind) Option {
	return optionFunc(func(c *config) { c.accepts = slices.Clone(kinds) })
}

// unknownKind returns an accepted kind that is none of the four (the zero
// TokenKind, say, from a setting mapped to nothing), which makes the
// interceptor refuse every call rather than guess.
func (c *config) unknownKind() (TokenKind, bool) {
	for _, k := range c.accepts {
		switch k {
		case TokenSession, TokenM2M, TokenAPIKey, TokenOAuth:
		default:
			return k, true
		}
	}
	return 0, false
}

// acceptsMachines reports whether any machine kind is accepted.
func (c *config) acceptsMachines() bool {
	return slices.ContainsFunc(c.accepts, func(k TokenKind) bool { return k != TokenSession })
}

func (c *config) acceptsSession() bool {
	return len(c.accepts) == 0 || slices.Contains(c.accepts, TokenSession)
}

// machineKinds are the accepted kinds other than sessions.
func (c *config) machineKinds() []TokenKind {
	return slices.DeleteFunc(slices.Clone(c.accepts), func(k TokenKind) bool { return k == TokenSession })
}

// machineVerifyFunc verifies a token that may be a machine's: exactly one
// of the results is set on success.
type machineVerifyFunc func(ctx context.Context, token string) (*Claims, *Machine, error)

// withMachines wraps the session verifier: opaque tokens and JWTs that are
// not session tokens go to verifyMachine.
func (a *authenticator) withMachines(verifyMachine func(context.Context, string) (*Machine, error)) machineVerifyFunc {
	cfg := a.cfg
	return func(ctx context.Context, token string) (*Claims, *Machine, error) {
		// A token that is plainly a machine's skips the session attempt
		// (one RPC in remote mode, not two); the machine path decides.
		if verifier.PeekKind(token) == verifier.KindUnknown && cfg.acceptsSession() {
			claims, err := a.verify(ctx, token)
			if err == nil {
				return claims, nil, nil
			}
			switch r := ReasonOf(err); {
			case r == verifier.ReasonTokenTypeMismatch:
			case r == verifier.ReasonTokenInvalid && slices.Contains(cfg.accepts, TokenOAuth):
			default:
				return nil, nil, err
			}
		}
		m, err := verifyMachine(ctx, token)
		return nil, m, err
	}
}

// localMachine verifies machine JWTs in-process.
func localMachine(v *verifier.Verifier, kinds []TokenKind, outage func(verifier.Reason) error) func(context.Context, string) (*Machine, error) {
	return func(ctx context.Context, token string) (*Machine, error) {
		res, err := v.VerifyToken(ctx, token, verifier.VerifyTokenOptions{Accepts: kinds})
		if err == nil {
			return res.Machine, nil
		}
		if st, ok := contextError(err); ok && ctx.Err() != nil {
			return nil, st
		}
		switch reason := verifier.ReasonOf(err); {
		case reason == "":
			return nil, status.Error(codes.Internal, "interceptor: verification failed")
		case reason.KeysUnavailable():
			return nil, outage(reason)
		default:
			return nil, rejected(reason)
		}
	}
}

// remoteMachine verifies through authsvc's VerifyToken, with the session
// path's timeout and status classification.
func (r *remoteVerifier) machine(kinds []TokenKind) func(context.Context, string) (*Machine, error) {
	accepts := make([]authsvcv1.TokenType, 0, len(kinds))
	for _, k := range kinds {
		switch k {
		case TokenM2M:
			accepts = append(accepts, authsvcv1.TokenType_TOKEN_TYPE_M2M)
		case TokenAPIKey:
			accepts = append(accepts, authsvcv1.TokenType_TOKEN_TYPE_API_KEY)
		case TokenOAuth:
			accepts = append(accepts, authsvcv1.TokenType_TOKEN_TYPE_OAUTH)
		}
	}
	return func(ctx context.Context, token string) (*Machine, error) {
		callCtx, cancel := context.WithTimeout(ctx, DefaultRemoteTimeout)
		defer cancel()
		resp, err := r.client.VerifyToken(callCtx, &authsvcv1.VerifyTokenRequest{Token: token, Accepts: accepts})
		if err != nil {
			if st, ok := contextError(err); ok && ctx.Err() != nil {
				return nil, st
			}
			return nil, r.classify(err)
		}
		m := resp.GetMachine()
		if m == nil || m.GetSubject() == "" {
			return nil, r.outage(ReasonUnavailable)
		}
		claims, err := structJSON(m.GetClaims())
		if err != nil {
			return nil, r.outage(ReasonUnavailable)
		}
		return &Machine{ID: m.GetId(), Subject: m.GetSubject(), Name: m.GetName(), Scopes: slices.Clone(m.GetScopes()),
			Claims: claims, Expiration: m.GetExpiration(), ClientID: m.GetClientId(), CreatedAt: m.GetCreatedAt(), JWT: m.GetJwt()}, nil
	}
}

// MachineFromContext returns the machine identity the server interceptor
// put in ctx for a machine caller ([WithAcceptedTokens]); ok is false for a
// session caller, an exempt method or a context that never passed the
// interceptor.
func MachineFromContext(ctx context.Context) (*Machine, bool) {
	id, ok := identityFrom(ctx)
	if !ok || id.machine == nil {
		return nil, false
	}
	return id.machine, true
}
