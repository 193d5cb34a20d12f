package rpcstatus

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/authsvc/authsvc/verifier"
)

// Domain is the google.rpc.ErrorInfo domain of every status authsvc and the
// interceptor package produce.
const Domain = "authsvc.v1"

// MaxTokenBytes is the largest session token accepted, by VerifySessionToken
// and by the interceptor reading metadata. Clerk's tokens are well under
// 2 KiB; 8 KiB leaves room for custom claims.
const MaxTokenBytes = 8 << 10

// TrailerKey is the trailer that repeats the reason of a failed call
// ("authsvc-reason: token-expired"), for clients that read trailers but
// cannot decode status details.
const TrailerKey = "authsvc-reason"

// metadataReason is the ErrorInfo metadata key holding the reason as written.
const metadataReason = "reason"

// New returns a status with code, msg and one ErrorInfo in [Domain] naming
// reason. msg goes over the wire: it must not contain tokens or secrets. An
// empty reason gives a status without details.
func New(code codes.Code, reason verifier.Reason, msg string) *status.Status {
	st := status.New(code, msg)
	if reason == "" {
		return st
	}
	info := &errdetails.ErrorInfo{
		Domain:   Domain,
		Reason:   reason.Code(),
		Metadata: map[string]string{metadataReason: string(reason)},
	}
	if withInfo, err := st.WithDetails(info); err == nil {
		return withInfo
	}
	return st
}

// Error is [New] as an error.
func Error(code codes.Code, reason verifier.Reason, msg string) error {
	return New(code, reason, msg).Err()
}

// ReasonOf returns the reason of the first ErrorInfo in [Domain] that err's
// status carries, or "" when err is not a status error or carries none.
func ReasonOf(err error) verifier.Reason {
	st, ok := status.FromError(err)
	if !ok {
		return ""
	}
	return ReasonOfStatus(st)
}

// ReasonOfStatus is [ReasonOf] for a status; a nil st has no reason.
func ReasonOfStatus(st *status.Status) verifier.Reason {
	if st == nil {
		return ""
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == Domain {
			return verifier.Reason(info.GetMetadata()[metadataReason])
		}
	}
	return ""
}

// Trailer is the trailer metadata carrying reason, or nil for "".
func Trailer(reason verifier.Reason) metadata.MD {
	if reason == "" {
		return nil
	}
	return metadata.Pairs(TrailerKey, string(reason))
}

// FromContextError maps a context error to Canceled or DeadlineExceeded; ok
// is false when err is neither. It does not ask whose context ended: call it
// only for the caller's own (check ctx.Err() first), since a deadline inside
// the service is an outage, not the caller's.
func FromContextError(err error) (*status.Status, bool) {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return status.New(codes.DeadlineExceeded, "deadline exceeded"), true
	case errors.Is(err, context.Canceled):
		return status.New(codes.Canceled, "request canceled"), true
	}
	return nil, false
}
