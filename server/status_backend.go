package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/authsvc/authsvc/backendapi"
)

// ClerkErrorDomain is the ErrorInfo domain of the details that carry Clerk's
// own error entries.
const ClerkErrorDomain = "clerk.com"

// maxErrorDetails bounds how many of Clerk's error entries become details
// (Clerk sends one to a few; the status must fit a trailer, see clip).
const maxErrorDetails = 10

// errBackendNotConfigured answers the proxy RPCs when Config.Backend is nil.
var errBackendNotConfigured = status.Error(codes.FailedPrecondition, "backend api not configured")

// backendStatus turns an error of a backendapi call into the status the
// contract documents (see common.proto): the HTTP status picks the code
// and Clerk's errors[] and trace id travel as ErrorInfo details. Messages
// carry Clerk's code and message, never the secret key or a token.
func backendStatus(err error) error {
	if st, ok := contextStatus(err); ok {
		return st.Err()
	}
	var rl *backendapi.RateLimitError
	var apiErr *backendapi.APIError
	switch {
	case errors.Is(err, backendapi.ErrMissingID), errors.Is(err, backendapi.ErrInvalidID):
		return status.Error(codes.InvalidArgument, "a resource id is missing, is a dot segment or names another route")
	case errors.As(err, &rl):
		return rateLimitStatus(rl)
	case errors.As(err, &apiErr):
		return apiErrorStatus(apiErr, nil).Err()
	case errors.Is(err, backendapi.ErrUnavailable):
		return reasonStatus(codes.Unavailable, "backend-unavailable", "backend api unavailable").Err()
	}
	return status.Error(codes.Internal, "internal error")
}

// rateLimitStatus is RESOURCE_EXHAUSTED with a RetryInfo, plus Clerk's
// details when Clerk sent the 429 (rather than the client-side limiter).
func rateLimitStatus(rl *backendapi.RateLimitError) error {
	retry := &errdetails.RetryInfo{RetryDelay: durationpb.New(rl.RetryAfter)}
	if rl.APIError == nil {
		st := status.New(codes.ResourceExhausted, "backend api rate limit: no request slot within the deadline or max wait")
		return withDetails(st, retry).Err()
	}
	return apiErrorStatus(rl.APIError, retry).Err()
}

// apiErrorStatus builds the status for a Clerk error response.
func apiErrorStatus(e *backendapi.APIError, extra protoadapt.MessageV1) *status.Status {
	st := status.New(httpCode(e.StatusCode), apiErrorMessage(e))
	details := errorInfos(e)
	if extra != nil {
		details = append(details, extra)
	}
	return withDetails(st, details...)
}

// httpCode maps a Backend API HTTP status to a gRPC code.
func httpCode(httpStatus int) codes.Code {
	switch httpStatus {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return codes.InvalidArgument
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusForbidden:
		return codes.PermissionDenied
	case http.StatusNotFound:
		return codes.NotFound
	case http.StatusConflict:
		return codes.AlreadyExists
	case http.StatusTooManyRequests:
		return codes.ResourceExhausted
	}
	switch {
	case httpStatus >= 500:
		return codes.Unavailable
	case httpStatus >= 400:
		return codes.FailedPrecondition
	}
	return codes.Unknown
}

// apiErrorMessage is "backend api: 404 not found: resource_not_found: ..."
// from the status and Clerk's first error.
func apiErrorMessage(e *backendapi.APIError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "backend api: %d %s", e.StatusCode, strings.ToLower(http.StatusText(e.StatusCode)))
	if len(e.Errors) > 0 {
		it := e.Errors[0]
		for _, s := range []string{it.Code, it.Message} {
			if s != "" {
				b.WriteString(": " + clip(s))
			}
		}
	}
	return b.String()
}

// errorInfos is one ErrorInfo per Clerk error entry, or one generic
// ErrorInfo when Clerk sent none.
func errorInfos(e *backendapi.APIError) []protoadapt.MessageV1 {
	base := map[string]string{"http_status": strconv.Itoa(e.StatusCode)}
	if e.TraceID != "" {
		// Clerk's trace ids are 32 hex digits; cut a longer one short.
		base["trace_id"] = clipTo(e.TraceID, maxTraceIDBytes)
	}
	if len(e.Errors) == 0 {
		return []protoadapt.MessageV1{&errdetails.ErrorInfo{Domain: ErrorDomain, Reason: "BACKEND_API_ERROR", Metadata: base}}
	}
	var out []protoadapt.MessageV1
	for _, it := range e.Errors[:min(len(e.Errors), maxErrorDetails)] {
		md := map[string]string{"message": clip(it.Message)}
		for k, v := range base {
			md[k] = v
		}
		if it.LongMessage != "" {
			md["long_message"] = clip(it.LongMessage)
		}
		if len(it.Meta) > 0 {
			if b, err := json.Marshal(it.Meta); err == nil {
				md["meta"] = clip(string(b))
			}
		}
		out = append(out, &errdetails.ErrorInfo{Domain: ClerkErrorDomain, Reason: clip(it.Code), Metadata: md})
	}
	return out
}

// withDetails attaches details to st, or returns st unchanged if they
// cannot be attached.
func withDetails(st *status.Status, details ...protoadapt.MessageV1) *status.Status {
	if withD, err := st.WithDetails(details...); err == nil {
		return withD
	}
	return st
}

// maxDetailValue bounds each string of an upstream error in the status
// details. Clerk's are a sentence or two; a hostile or broken upstream
// could send a 1 MiB error body, whose status would travel in the
// grpc-status-details-bin trailer, past what Envoy and most clients
// accept (Envoy: 60 KiB of headers), so the caller would see a transport
// error instead of the status. With maxErrorDetails entries of four such
// strings and a trace id of maxTraceIDBytes, the status stays under 32 KiB
// even base64-encoded.
const maxDetailValue = 512

// maxTraceIDBytes bounds the trace id every ErrorInfo of a status repeats.
const maxTraceIDBytes = 64

// clip is s cut to maxDetailValue bytes (see clipTo).
func clip(s string) string { return clipTo(s, maxDetailValue) }

// clipTo is s cut to n bytes, at a UTF-8 boundary, with "…" marking a cut.
func clipTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
