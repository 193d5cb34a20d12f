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

	"github.com/authsvc/authsvc/internal/policy"
)

// AuthzUnaryInterceptor enforces the caller policy p on unary calls. A
// protected method (every resource proxy RPC; see [policy.Policy.Protected])
// runs only when the call presents a credential that p grants that method:
// an API key as "authorization: Bearer <key>" metadata, or an mTLS client
// certificate that the TLS handshake verified. Otherwise the call ends
// before its handler, so nothing is sent upstream: UNAUTHENTICATED when no
// credential was presented, PERMISSION_DENIED when it was not recognised or
// not granted. Open methods pass untouched. A nil p denies every protected
// method. The granted caller's name is available to handlers through
// [CallerFromContext]. Keys are never logged or echoed. Safe for
// concurrent use; it is built on go-grpc-middleware's auth interceptor.
func AuthzUnaryInterceptor(p *policy.Policy) grpc.UnaryServerInterceptor {
	return auth.UnaryServerInterceptor(authorize(p))
}

// AuthzStreamInterceptor is [AuthzUnaryInterceptor] for streaming calls.
func AuthzStreamInterceptor(p *policy.Policy) grpc.StreamServerInterceptor {
	return auth.StreamServerInterceptor(authorize(p))
}

// callerKey is the context key of the granted caller's name.
type callerKey struct{}

// CallerFromContext returns the name of the policy caller that the authz
// interceptor granted this call, and false for open methods or when the
// interceptor is not installed.
func CallerFromContext(ctx context.Context) (string, bool) {
	name, ok := ctx.Value(callerKey{}).(string)
	return name, ok
}

// authorize is the auth.AuthFunc that applies p.
func authorize(p *policy.Policy) auth.AuthFunc {
	return func(ctx context.Context) (context.Context, error) {
		method, ok := grpc.Method(ctx)
		if !ok {
			return nil, authzStatus(codes.PermissionDenied, "caller-not-allowed", "permission denied: unknown method")
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
		ctx = withBackendBudget(ctx, p, name) // the caller's backend_rate: budget.go
		return context.WithValue(ctx, callerKey{}, name), nil
	}
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
			return creds, authzStatus(codes.Unauthenticated, "caller-credential-malformed", "authorization metadata must be \"Bearer <key>\"")
		}
		creds.APIKey = key
	default:
		return creds, authzStatus(codes.Unauthenticated, "caller-credential-malformed", "more than one authorization metadata value")
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
		return authzStatus(codes.Unauthenticated, "caller-credential-missing",
			"this method needs a caller credential: authorization: Bearer <key> metadata or a client certificate")
	case errors.Is(err, policy.ErrUnknownCredential):
		return authzStatus(codes.PermissionDenied, "caller-unknown", "permission denied: caller credential not recognised")
	default:
		return authzStatus(codes.PermissionDenied, "caller-not-allowed", "permission denied: "+strings.TrimPrefix(err.Error(), "policy: "))
	}
}

// authzStatus is a status with an ErrorInfo naming reason.
func authzStatus(code codes.Code, reason, msg string) error {
	return reasonStatus(code, reason, msg).Err()
}
