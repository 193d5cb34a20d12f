package interceptor

import (
	"google.golang.org/grpc/codes"

	"github.com/authsvc/authsvc/internal/rpcstatus"
	"github.com/authsvc/authsvc/verifier"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of every status this
// package returns; it is authsvc's own, so clients branch on one domain.
const ErrorDomain = rpcstatus.Domain

// Reasons this package adds to the verifier's (see [verifier.Reason]). Every
// rejection carries one in a google.rpc.ErrorInfo: Reason holds its
// UPPER_SNAKE form and Metadata["reason"] the form written here.
const (
	// ReasonTokenMissing: the call carried no session token (codes.Unauthenticated).
	ReasonTokenMissing verifier.Reason = "session-token-missing"
	// ReasonUnavailable: authsvc could not be reached or answered with
	// something other than a verification result (codes.Unavailable, or
	// codes.Unauthenticated with [WithOutageAsUnauthenticated]).
	ReasonUnavailable verifier.Reason = "authsvc-unavailable"
	// ReasonPermissionMissing: a [RequirePermission] rule denied the call
	// (codes.PermissionDenied).
	ReasonPermissionMissing verifier.Reason = "permission-missing"
	// ReasonRoleMissing: a [RequireRole] rule denied the call (codes.PermissionDenied).
	ReasonRoleMissing verifier.Reason = "role-missing"
	// ReasonMisconfigured: neither or both of [WithRemote] and [WithLocal]
	// were given (codes.Internal).
	ReasonMisconfigured verifier.Reason = "interceptor-misconfigured"
)

// reasonError is a status error with one ErrorInfo. msg goes over the wire:
// it never contains the token.
func reasonError(code codes.Code, reason verifier.Reason, msg string) error {
	return rpcstatus.Error(code, reason, msg)
}

// rejected is the status for a token that failed verification.
func rejected(reason verifier.Reason) error {
	return reasonError(codes.Unauthenticated, reason, "interceptor: session token rejected: "+string(reason))
}

// outage is the status for a verification that could not be made.
func (c *config) outage(reason verifier.Reason) error {
	code := codes.Unavailable
	if c.outageCode {
		code = codes.Unauthenticated
	}
	return reasonError(code, reason, "interceptor: session token could not be verified: "+string(reason))
}

// contextError maps the caller's own cancellation or deadline; ok is false
// when err is neither.
func contextError(err error) (error, bool) {
	if st, ok := rpcstatus.FromContextError(err); ok {
		return st.Err(), true
	}
	return nil, false
}

// ReasonOf returns the reason carried by a status error from this package
// or from authsvc (the ErrorInfo's Metadata["reason"] in [ErrorDomain]), or
// "" when err carries none. Clients of a protected service use it to
// branch on why a call was rejected. authsvc also sends the reason as the
// plain trailer "authsvc-reason", for clients that cannot decode details.
func ReasonOf(err error) verifier.Reason {
	return rpcstatus.ReasonOf(err)
}
