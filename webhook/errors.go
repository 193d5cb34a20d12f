package webhook

import (
	"errors"
	"fmt"
)

// Sentinel errors of [Verifier.Verify] and [New]; callers branch on them
// with errors.Is. No message names the secret, a signature or the body.
var (
	// ErrHeadersMissing: the id, timestamp or signature header is absent
	// or empty, or the timestamp is not Unix seconds
	// ([ErrTimestampMalformed] wraps it). Reason webhook-headers-missing.
	ErrHeadersMissing = errors.New("webhook: signature headers missing or malformed")
	// ErrTimestampMalformed: the timestamp header is not a decimal count
	// of Unix seconds. It wraps [ErrHeadersMissing], so it reports the
	// reason webhook-headers-missing: a timestamp that cannot be read is
	// treated as one that was not sent.
	ErrTimestampMalformed = fmt.Errorf("%w: timestamp is not Unix seconds", ErrHeadersMissing)
	// ErrTimestampOutOfRange: the timestamp is more than [Tolerance]
	// before or after the clock. Reason webhook-timestamp-out-of-range.
	ErrTimestampOutOfRange = errors.New("webhook: timestamp outside the tolerance")
	// ErrSignatureInvalid: no v1 signature in the signature header matches
	// the body under the secret. Reason webhook-signature-invalid.
	ErrSignatureInvalid = errors.New("webhook: no signature matches")
	// ErrBodyTooLarge: the body is longer than [MaxBodyBytes]; nothing was
	// verified. It has no reason of its own: callers treat it as bad input.
	ErrBodyTooLarge = fmt.Errorf("webhook: body longer than %d bytes", MaxBodyBytes)
	// ErrPayloadInvalid: the signature is valid but the body is not a JSON
	// object with a non-empty string "type". It is the sender's bug, not a
	// forgery, and has no verification reason.
	ErrPayloadInvalid = errors.New("webhook: payload is not a JSON object with a string type")
	// ErrSecretInvalid: the secret given to [New] is not whsec_ followed
	// by the standard base64 of 24 to 64 bytes.
	ErrSecretInvalid = errors.New("webhook: signing secret is not whsec_ and base64")
)

// The reasons [ReasonOf] reports, as DESIGN.md and Clerk spell them.
const (
	ReasonHeadersMissing      = "webhook-headers-missing"
	ReasonSignatureInvalid    = "webhook-signature-invalid"
	ReasonTimestampOutOfRange = "webhook-timestamp-out-of-range"
)

// ReasonOf returns the verification reason of an error from
// [Verifier.Verify], or "" when err is nil or not a verification failure
// ([ErrBodyTooLarge], [ErrPayloadInvalid] and foreign errors have none).
func ReasonOf(err error) string {
	switch {
	case errors.Is(err, ErrHeadersMissing):
		return ReasonHeadersMissing
	case errors.Is(err, ErrTimestampOutOfRange):
		return ReasonTimestampOutOfRange
	case errors.Is(err, ErrSignatureInvalid):
		return ReasonSignatureInvalid
	}
	return ""
}
