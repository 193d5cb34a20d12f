package server

import (
	"errors"
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/authsvc/authsvc/internal/rpcstatus"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/webhook"
)

// ErrorDomain is the ErrorInfo domain of every status authsvc produces. It
// is the one the interceptor package reads (interceptor.ErrorDomain).
const ErrorDomain = rpcstatus.Domain

// reasonStatus builds a status with one google.rpc.ErrorInfo whose reason is
// the UPPER_SNAKE form of reason and whose metadata["reason"] is reason as
// written. msg goes over the wire: it must not contain tokens or secrets.
// The reason also travels as the authsvc-reason trailer (see trailer.go).
func reasonStatus(code codes.Code, reason verifier.Reason, msg string) *status.Status {
	return rpcstatus.New(code, reason, msg)
}

// contextStatus maps a context error to Canceled or DeadlineExceeded; ok is
// false when err is not a context error.
func contextStatus(err error) (*status.Status, bool) {
	return rpcstatus.FromContextError(err)
}

// verifyStatus turns an error from the verifier into the status the contract
// documents: UNAUTHENTICATED for a token that fails, UNAVAILABLE when no key
// can be had, Canceled/DeadlineExceeded for the caller's context, and
// Internal, with a generic message, for anything else.
func verifyStatus(err error) error {
	if st, ok := contextStatus(err); ok {
		return st.Err()
	}
	reason := verifier.ReasonOf(err)
	switch {
	case reason == "":
		return internalError("")
	case reason.KeysUnavailable():
		return reasonStatus(codes.Unavailable, reason, fmt.Sprintf("verification keys unavailable: %s", reason)).Err()
	default:
		return reasonStatus(codes.Unauthenticated, reason, fmt.Sprintf("session token rejected: %s", reason)).Err()
	}
}

// internalError is the INTERNAL status of a bug or an unexpected answer:
// "internal error", followed by what failed when it names no request data.
func internalError(what string) error {
	if what == "" {
		return status.Error(codes.Internal, "internal error")
	}
	return status.Error(codes.Internal, "internal error: "+what)
}

// invalidArgument is an INVALID_ARGUMENT status naming the bad field.
func invalidArgument(field, problem string) error {
	st := status.New(codes.InvalidArgument, fmt.Sprintf("%s: %s", field, problem))
	br := &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: problem}}}
	if withBR, err := st.WithDetails(br); err == nil {
		return withBR.Err()
	}
	return st.Err()
}

// webhookStatus turns an error of webhook.Verifier into the status the
// contract documents: UNAUTHENTICATED with the reason for a delivery that
// fails verification, INVALID_ARGUMENT for a body too large or a signed
// body that is not an event, Internal for anything else. The message names
// the reason only, never a header value or the body.
func webhookStatus(err error) error {
	if reason := webhook.ReasonOf(err); reason != "" {
		return reasonStatus(codes.Unauthenticated, verifier.Reason(reason), "webhook rejected: "+reason).Err()
	}
	switch {
	case errors.Is(err, webhook.ErrBodyTooLarge):
		return invalidArgument("body", fmt.Sprintf("longer than %d bytes", webhook.MaxBodyBytes))
	case errors.Is(err, webhook.ErrPayloadInvalid):
		return invalidArgument("body", "signed, but not a JSON object with a string type")
	}
	return internalError("webhook verification")
}
