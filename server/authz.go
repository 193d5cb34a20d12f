package server

import (
	"context"
	"errors"
	"strings"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/auth"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/authsvc/authsvc/internal/policy"
	"github.com/authsvc/authsvc/internal/rpcstatus"
	"github.com/authsvc/authsvc/verifier"
)

// The caller policy. A protected method (every resource proxy RPC, plus
// what the policy's protect list names) runs only when the call presents a
// credential that the policy in force grants that method: an API key as
// "authorization: Bearer <key>" metadata, or an mTLS client certificate
// that the TLS handshake verified. Otherwise the call ends before its
// handler, so nothing is sent upstream: UNAUTHENTICATED when no credential
// was presented, PERMISSION_DENIED when it was not recognised or not
// granted. Open methods pass untouched. Keys are never logged or echoed.

// authzUnary enforces the policy in force on unary calls.
func (s *Server) authzUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, err := s.authorize(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

// authzStream is authzUnary for streams.
func (s *Server) authzStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx, err := s.authorize(ss.Context(), info.FullMethod)
	if err != nil {
		return err
	}
	if ctx != ss.Context() {
		ss = &contextStream{ServerStream: ss, ctx: ctx}
	}
	return handler(srv, ss)
}

// contextStream is a ServerStream with a replaced context.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (c *contextStream) Context() context.Context { return c.ctx }

// authorize applies the policy in force to a call of method and reports a
// denial to the PolicyDenied hook.
func (s *Server) authorize(ctx context.Context, method string) (context.Context, error) {
	out, err := authorize(s.currentPolicy(), ctx, method)
	if err != nil {
		if h := s.cfg.Hooks.PolicyDenied; h != nil {
			h(method, status.Code(err))
		}
	}
	return out, err
}

// callerKey is the context key of the granted caller's name.
type callerKey struct{}

// CallerFromContext returns the name of the policy caller that was granted
// this call, and false for open methods.
func CallerFromContext(ctx context.Context) (string, bool) {
	name, ok := ctx.Value(callerKey{}).(string)
	return name, ok
}

// authorize decides a call of method under p (nil denies every protected
// method) and returns ctx with the granted caller's name.
func authorize(p *policy.Policy, ctx context.Context, method string) (context.Context, error) {
	if method == "" {
		return nil, authzStatus(codes.PermissionDenied, rpcstatus.ReasonCallerNotAllowed, "permission denied: unknown method")
	}
	if !p.Protected(method) {
		return ctx, nil
	}
	creds, err := callCredentials(ctx)
	if err != nil {
		return nil, err
	}
	name, err := p.Authorize(method, creds)
	if err != nil {
		return nil, policyStatus(err)
	}
	noteCaller(ctx, name)                 // for the call's log line (logging.go)
	ctx = withBackendBudget(ctx, p, name) // the caller's backend_rate (budget.go)
	return context.WithValue(ctx, callerKey{}, name), nil
}

// callCredentials collects the API key and the verified client certificate
// of the call. A malformed authorization header is UNAUTHENTICATED.
func callCredentials(ctx context.Context) (policy.Credentials, error) {
	var creds policy.Credentials
	switch vals := metadata.ValueFromIncomingContext(ctx, "authorization"); len(vals) {
	case 0:
	case 1:
		key, err := auth.AuthFromMD(ctx, "bearer")
		if err != nil || key == "" {
			return creds, authzStatus(codes.Unauthenticated, rpcstatus.ReasonCallerCredentialMalformed, "authorization metadata must be \"Bearer <key>\"")
		}
		creds.APIKey = key
	default:
		return creds, authzStatus(codes.Unauthenticated, rpcstatus.ReasonCallerCredentialMalformed, "more than one authorization metadata value")
	}
	if pr, ok := peer.FromContext(ctx); ok {
		if ti, ok := pr.AuthInfo.(credentials.TLSInfo); ok && len(ti.State.VerifiedChains) > 0 && len(ti.State.VerifiedChains[0]) > 0 {
			creds.Cert = ti.State.VerifiedChains[0][0]
		}
	}
	return creds, nil
}

// policyStatus maps the errors of policy.Authorize. The messages name the
// method and the caller, never the credential.
func policyStatus(err error) error {
	switch {
	case errors.Is(err, policy.ErrNoCredential):
		return authzStatus(codes.Unauthenticated, rpcstatus.ReasonCallerCredentialMissing,
			"this method needs a caller credential: authorization: Bearer <key> metadata or a client certificate")
	case errors.Is(err, policy.ErrUnknownCredential):
		return authzStatus(codes.PermissionDenied, rpcstatus.ReasonCallerUnknown, "permission denied: caller credential not recognised")
	default:
		return authzStatus(codes.PermissionDenied, rpcstatus.ReasonCallerNotAllowed, "permission denied: "+strings.TrimPrefix(err.Error(), "policy: "))
	}
}

// authzStatus is a status with an ErrorInfo naming reason.
func authzStatus(code codes.Code, reason verifier.Reason, msg string) error {
	return reasonStatus(code, reason, msg).Err()
}
