package rpcstatus

import (
	"google.golang.org/grpc/codes"

	"github.com/authsvc/authsvc/verifier"
)

// Row is one status of the contract: the code and reason authsvc answers
// with, for the situation Name describes.
type Row struct {
	Name   string
	Code   codes.Code
	Reason verifier.Reason
}

// Table is every reason status authsvc's server sends, in one list that the
// server's tests (it writes them) and the interceptor's tests (it reads
// them) both run, so that the two cannot drift apart. A new reason is added
// here first.
var Table = []Row{
	{"token malformed", codes.Unauthenticated, verifier.ReasonTokenInvalid},
	{"algorithm refused", codes.Unauthenticated, verifier.ReasonInvalidAlgorithm},
	{"no kid match", codes.Unauthenticated, verifier.ReasonKidMismatch},
	{"bad signature", codes.Unauthenticated, verifier.ReasonInvalidSignature},
	{"expired", codes.Unauthenticated, verifier.ReasonExpired},
	{"not active yet", codes.Unauthenticated, verifier.ReasonNotActiveYet},
	{"iat in the future", codes.Unauthenticated, verifier.ReasonIatInFuture},
	{"issuer refused", codes.Unauthenticated, verifier.ReasonInvalidIssuer},
	{"azp refused", codes.Unauthenticated, verifier.ReasonUnauthorizedParty},
	{"no key source", codes.Unavailable, verifier.ReasonKeyMissing},
	{"inline key unusable", codes.Unavailable, verifier.ReasonKeyInvalid},
	{"jwks unreachable", codes.Unavailable, verifier.ReasonKeyFetch},
	{"secret key rejected", codes.Unavailable, verifier.ReasonSecretKeyInvalid},
	{"caller credential missing", codes.Unauthenticated, ReasonCallerCredentialMissing},
	{"caller credential malformed", codes.Unauthenticated, ReasonCallerCredentialMalformed},
	{"caller unknown", codes.PermissionDenied, ReasonCallerUnknown},
	{"caller not allowed", codes.PermissionDenied, ReasonCallerNotAllowed},
}

// The caller-policy reasons of the server's proxy RPCs.
const (
	// ReasonCallerCredentialMissing: a protected method was called with no
	// API key and no client certificate (codes.Unauthenticated).
	ReasonCallerCredentialMissing verifier.Reason = "caller-credential-missing"
	// ReasonCallerCredentialMalformed: the authorization metadata is not
	// one "Bearer <key>" value (codes.Unauthenticated).
	ReasonCallerCredentialMalformed verifier.Reason = "caller-credential-malformed"
	// ReasonCallerUnknown: the credential belongs to no caller of the
	// policy (codes.PermissionDenied).
	ReasonCallerUnknown verifier.Reason = "caller-unknown"
	// ReasonCallerNotAllowed: the caller is not granted the method, or no
	// policy is configured (codes.PermissionDenied).
	ReasonCallerNotAllowed verifier.Reason = "caller-not-allowed"
)

// IsCallerReason reports whether r is one of the caller-policy reasons: a
// refusal of the calling service's own credential, never a verdict on a
// session token.
func IsCallerReason(r verifier.Reason) bool {
	switch r {
	case ReasonCallerCredentialMissing, ReasonCallerCredentialMalformed, ReasonCallerUnknown, ReasonCallerNotAllowed:
		return true
	}
	return false
}
