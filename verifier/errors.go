package verifier

import (
	"errors"
	"strings"
)

// Reason names why a token failed verification. The values are the reason
// strings of Clerk's current SDKs, so callers in any language can branch on
// them; [Reason.Code] gives the UPPER_SNAKE form used in gRPC ErrorInfo.
type Reason string

// The verification reasons, in the order the checks run.
const (
	// ReasonTokenInvalid: not three base64url parts of JSON objects, a crit
	// header, a typ other than JWT, a payload that is not strict I-JSON
	// (duplicate member names, numbers outside float64, lone surrogates), a
	// missing or non-integer exp, a claim of the wrong JSON type, or a
	// missing sub.
	ReasonTokenInvalid Reason = "token-invalid"
	// ReasonInvalidAlgorithm: alg is not RS256/RS384/RS512 or does not match the key.
	ReasonInvalidAlgorithm Reason = "token-invalid-algorithm"
	// ReasonKeyMissing: no key source is configured (no inline key, no secret key).
	ReasonKeyMissing Reason = "jwk-failed-to-resolve"
	// ReasonKeyInvalid: the inline key could not be parsed as an RSA public key.
	ReasonKeyInvalid Reason = "jwk-local-invalid"
	// ReasonKeyFetch: the remote key set could not be loaded and no cached copy exists.
	ReasonKeyFetch Reason = "jwk-remote-failed-to-load"
	// ReasonSecretKeyInvalid: Clerk rejected the secret key while fetching the key set.
	ReasonSecretKeyInvalid Reason = "secret-key-invalid"
	// ReasonKidMismatch: no key in the (refreshed) key set has the token's kid.
	ReasonKidMismatch Reason = "jwk-kid-mismatch"
	// ReasonInvalidSignature: the signature does not verify with the key.
	ReasonInvalidSignature Reason = "token-invalid-signature"
	// ReasonTokenTypeMismatch: the token is not a session token: its
	// protected header's cat names another category (a JWT template, a
	// machine token) or its sub is a machine's (mch_…). From
	// [Verifier.VerifyToken]: the token's kind is not one the call accepts.
	ReasonTokenTypeMismatch Reason = "token-type-mismatch"
	// ReasonExpired: now - skew >= exp.
	ReasonExpired Reason = "token-expired"
	// ReasonNotActiveYet: now + skew < nbf.
	ReasonNotActiveYet Reason = "token-not-active-yet"
	// ReasonIatInFuture: iat > now + skew.
	ReasonIatInFuture Reason = "token-iat-in-the-future"
	// ReasonInvalidAudience: audiences are configured and aud is missing or
	// names none of them.
	ReasonInvalidAudience Reason = "token-invalid-audience"
	// ReasonInvalidIssuer: iss is not an allowed https Clerk issuer.
	ReasonInvalidIssuer Reason = "token-invalid-issuer"
	// ReasonUnauthorizedParty: an authorized-party list applies and azp is missing or not in it.
	ReasonUnauthorizedParty Reason = "token-invalid-authorized-parties"
	// ReasonSessionPending: sts is "pending" (the session has tasks left)
	// and neither the configuration nor the call accepts pending sessions.
	ReasonSessionPending Reason = "session-pending"
)

// Code returns the reason in UPPER_SNAKE form: token-expired → TOKEN_EXPIRED.
func (r Reason) Code() string {
	return strings.ToUpper(strings.ReplaceAll(string(r), "-", "_"))
}

// KeysUnavailable reports whether r means that no verification key could be
// had (Clerk unreachable, the secret key rejected, no or an unusable key
// configured) rather than that the token is bad. Services answer these as
// an outage (gRPC UNAVAILABLE), never as UNAUTHENTICATED.
func (r Reason) KeysUnavailable() bool {
	switch r {
	case ReasonKeyFetch, ReasonSecretKeyInvalid, ReasonKeyMissing, ReasonKeyInvalid:
		return true
	}
	return false
}

// Error is the error returned by [Verifier.Verify] for every verification
// failure. Its message names the reason and never contains the token.
type Error struct {
	Reason Reason
	// Detail is a short, token-free explanation ("exp 1700000000 is before now").
	Detail string
	// Err is the underlying cause, if any (a fetch error, say). It never
	// carries the token or the secret key.
	Err error
}

func (e *Error) Error() string {
	msg := "verifier: " + string(e.Reason)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel for e's category, so that
// errors.Is(err, verifier.ErrExpired) works.
func (e *Error) Is(target error) bool {
	s, ok := target.(*sentinel)
	return ok && s.matches(e.Reason)
}

// ReasonOf returns the verification reason carried by err, or "" when err is
// not (and does not wrap) an [*Error].
func ReasonOf(err error) Reason {
	var ve *Error
	if errors.As(err, &ve) {
		return ve.Reason
	}
	return ""
}

type sentinel struct {
	name    string
	reasons []Reason
}

func (s *sentinel) Error() string { return "verifier: " + s.name }

func (s *sentinel) matches(r Reason) bool {
	for _, x := range s.reasons {
		if x == r {
			return true
		}
	}
	return false
}

// Sentinels for the categories callers branch on; match with errors.Is.
var (
	ErrMalformed         error = &sentinel{"malformed token", []Reason{ReasonTokenInvalid, ReasonInvalidAlgorithm}}
	ErrInvalidSignature  error = &sentinel{"invalid signature", []Reason{ReasonInvalidSignature}}
	ErrExpired           error = &sentinel{"token expired", []Reason{ReasonExpired}}
	ErrNotActiveYet      error = &sentinel{"token not active yet", []Reason{ReasonNotActiveYet, ReasonIatInFuture}}
	ErrInvalidIssuer     error = &sentinel{"invalid issuer", []Reason{ReasonInvalidIssuer}}
	ErrUnauthorizedParty error = &sentinel{"unauthorized party", []Reason{ReasonUnauthorizedParty}}
	ErrTokenTypeMismatch error = &sentinel{"not a session token", []Reason{ReasonTokenTypeMismatch}}
	ErrInvalidAudience   error = &sentinel{"invalid audience", []Reason{ReasonInvalidAudience}}
	ErrSessionPending    error = &sentinel{"session pending", []Reason{ReasonSessionPending}}
	ErrKeyFetch          error = &sentinel{"key fetch failed", []Reason{ReasonKeyFetch, ReasonSecretKeyInvalid, ReasonKidMismatch}}
	ErrKeyMissing        error = &sentinel{"key missing", []Reason{ReasonKeyMissing, ReasonKeyInvalid}}
)
