package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
)

// Sentinels that the errors of the Go API ([Emulator.CreateSession],
// [Emulator.MintSessionToken]) wrap; test them with errors.Is.
var (
	// ErrNotFound: the user or session does not exist.
	ErrNotFound = errors.New("emulator: not found")
	// ErrRejected: the request is not allowed in the current state (a banned
	// user, an inactive session) or has a bad argument.
	ErrRejected = errors.New("emulator: rejected")
)

// apiError is a Backend API error: an HTTP status and one Clerk error item.
// Messages never contain secrets or tokens.
type apiError struct {
	status  int
	code    string
	message string
	long    string
	meta    map[string]any
}

func (e *apiError) Error() string { return "emulator: " + e.code + ": " + e.long }

// Unwrap lets callers of the Go API branch with errors.Is on the sentinels.
func (e *apiError) Unwrap() error {
	if e.status == http.StatusNotFound {
		return ErrNotFound
	}
	return ErrRejected
}

// errorItem is one element of a Clerk error body's "errors" array.
type errorItem struct {
	Code        string         `json:"code"`
	Message     string         `json:"message"`
	LongMessage string         `json:"long_message"`
	Meta        map[string]any `json:"meta"`
}

// errorBody is Clerk's error response body.
type errorBody struct {
	Errors       []errorItem `json:"errors"`
	ClerkTraceID string      `json:"clerk_trace_id"`
}

func errNotFound(what string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "resource_not_found", message: "not found",
		long: what + " not found"}
}

func errParamMissing(param string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "form_param_missing",
		message: param + " must be included", long: param + " must be included",
		meta: map[string]any{"param_name": param}}
}

func errParamInvalid(param, long string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "form_param_format_invalid",
		message: "is invalid", long: long, meta: map[string]any{"param_name": param}}
}

func errParamValue(param, long string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "form_param_value_invalid",
		message: "is invalid", long: long, meta: map[string]any{"param_name": param}}
}

func errParamUnknown(param string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "form_param_unknown",
		message: "is unknown", long: param + " is not a valid parameter for this request",
		meta: map[string]any{"param_name": param}}
}

func errIdentifierExists(param string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "form_identifier_exists",
		message: "That " + param + " is taken. Please try another.",
		long:    "That " + param + " is taken. Please try another.",
		meta:    map[string]any{"param_name": param}}
}

func errDuplicate(long string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: "duplicate_record",
		message: "duplicate record", long: long}
}

func errBadRequest(code, long string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: "bad request", long: long}
}

// writeError writes err as a Clerk error body with a fresh trace id. Errors
// that are not *apiError become a generic 500 that reveals nothing.
func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{status: http.StatusInternalServerError, code: "internal_clerk_error",
			message: "Oops, an unexpected error occurred", long: "an internal error occurred in the emulator"}
	}
	trace := newTraceID()
	meta := ae.meta
	if meta == nil {
		meta = map[string]any{}
	}
	body := errorBody{
		Errors:       []errorItem{{Code: ae.code, Message: ae.message, LongMessage: ae.long, Meta: meta}},
		ClerkTraceID: trace,
	}
	w.Header().Set("Clerk-Trace-Id", trace)
	writeJSON(w, ae.status, body)
}

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError,
			[]byte(`{"errors":[{"code":"internal_clerk_error","message":"internal error","long_message":"response encoding failed","meta":{}}]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
