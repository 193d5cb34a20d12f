package server

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/authsvc/authsvc/verifier"
)

// ErrorDomain is the ErrorInfo domain of every status authsvc produces.
const ErrorDomain = "authsvc.v1"

// reasonStatus builds a status with one google.rpc.ErrorInfo whose reason is
// the UPPER_SNAKE form of reason and whose metadata["reason"] is reason as
// written. msg goes over the wire: it must not contain tokens or secrets.
func reasonStatus(code codes.Code, reason, msg string) *status.Status {
	st := status.New(code, msg)
	info := &errdetails.ErrorInfo{
		Domain:   ErrorDomain,
		Reason:   verifier.Reason(reason).Code(),
		Metadata: map[string]string{"reason": reason},
	}
	if withInfo, err := st.WithDetails(info); err == nil {
		return withInfo
	}
	return st
}

// contextStatus maps a context error to Canceled or DeadlineExceeded; ok is
// false when err is not a context error.
func contextStatus(err error) (*status.Status, bool) {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return status.New(codes.DeadlineExceeded, "deadline exceeded"), true
	case errors.Is(err, context.Canceled):
		return status.New(codes.Canceled, "request canceled"), true
	}
	return nil, false
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
		return status.Error(codes.Internal, "internal error")
	case reason.KeysUnavailable():
		return reasonStatus(codes.Unavailable, string(reason), fmt.Sprintf("verification keys unavailable: %s", reason)).Err()
	default:
		return reasonStatus(codes.Unauthenticated, string(reason), fmt.Sprintf("session token rejected: %s", reason)).Err()
	}
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
