package backendapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxErrorBodySize is the most of an error response body that is read.
const maxErrorBodySize = 1 << 20

// Sentinel errors for failures detected before or around a request.
var (
	// ErrMissingID is returned, without sending a request, when a path id
	// (user id, session id, organization id or slug, …) is empty.
	ErrMissingID = errors.New("backendapi: a resource id is required")
	// ErrInvalidID is returned, without sending a request, when a path id is
	// "." or "..", which servers would treat as a path traversal, or names
	// another route where it stands (the user id "count": GET /users/count).
	ErrInvalidID = errors.New("backendapi: a resource id must not be a dot segment or name another route")
	// ErrUnavailable wraps transport failures (connection refused, reset,
	// per-attempt timeout, an unreadable or undecodable response) that
	// remained after the retries this call allowed. The cause is wrapped too.
	// When the caller's own context ended, the context error is returned
	// instead, so errors.Is(err, context.DeadlineExceeded) holds.
	ErrUnavailable = errors.New("backendapi: backend unavailable")
)

// ErrorItem is one element of the errors array of a Clerk error response.
// Meta is passed through as decoded JSON (param_name, session_id,
// email_addresses, …); it is nil when Clerk sent none.
type ErrorItem struct {
	Code        string         `json:"code"`
	Message     string         `json:"message"`
	LongMessage string         `json:"long_message,omitempty"`
	Meta        map[string]any `json:"meta,omitempty"`
}

// APIError is a non-2xx response of the Backend API. Errors holds Clerk's
// errors array, empty when the body was not a Clerk error object. TraceID is
// the body's clerk_trace_id, else the cf-ray response header, else "".
//
// Error() names the status and the first error's code and message; it never
// contains the secret key, the request body or tokens sent with the request
// (they are redacted from the response before it is parsed).
type APIError struct {
	StatusCode int
	Errors     []ErrorItem
	TraceID    string
}

// Error returns "backendapi: <status> <status text>[: <code>][: <message>]
// [(and n more)] [(trace <id>)]", built from the first error item.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "backendapi: %d %s", e.StatusCode, strings.ToLower(http.StatusText(e.StatusCode)))
	if len(e.Errors) > 0 {
		it := e.Errors[0]
		if it.Code != "" {
			b.WriteString(": " + it.Code)
		}
		if it.Message != "" {
			b.WriteString(": " + it.Message)
		}
		if len(e.Errors) > 1 {
			fmt.Fprintf(&b, " (and %d more)", len(e.Errors)-1)
		}
	}
	if e.TraceID != "" {
		b.WriteString(" (trace " + e.TraceID + ")")
	}
	return b.String()
}

// RateLimitError reports a call refused for rate limiting. When Clerk
// answered 429 and the call could not be retried within the caller's
// deadline (or the attempts ran out), APIError is that response and
// RetryAfter its Retry-After. When the client-side limiter refused because
// no slot (of the shared budget or the caller's own, see [WithCallerBudget])
// frees up before the caller's deadline or the max wait ([WithMaxWait]),
// APIError is nil, RetryAfter is the wait that would have been needed, and
// no request was sent. errors.As(err, *APIError) finds APIError when set.
type RateLimitError struct {
	RetryAfter time.Duration
	APIError   *APIError
}

// Error names the 429 and the Retry-After, or the client-side limiter's wait.
func (e *RateLimitError) Error() string {
	if e.APIError == nil {
		return fmt.Sprintf("backendapi: client-side rate limit: next slot in %s is past the deadline or max wait", e.RetryAfter)
	}
	return fmt.Sprintf("%s (retry after %s)", e.APIError.Error(), e.RetryAfter)
}

// Unwrap returns the 429 response's APIError, or nil for the client-side limiter.
func (e *RateLimitError) Unwrap() error {
	if e.APIError == nil {
		return nil
	}
	return e.APIError
}

// errorBody is the wire form of a Clerk error response.
type errorBody struct {
	Errors  []ErrorItem `json:"errors"`
	TraceID any         `json:"clerk_trace_id"`
}

// checkResponse returns nil for a 2xx response and otherwise an *APIError
// (or *RateLimitError for 429) built from at most 1 MiB of the body, with
// every string in redact removed first. It does not close the body.
func checkResponse(resp *http.Response, redact []string, now time.Time) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodySize))
	apiErr := decodeError(resp.StatusCode, resp.Header, body)
	redactError(apiErr, redact)
	if resp.StatusCode == http.StatusTooManyRequests {
		ra, _ := parseRetryAfter(resp.Header.Get("Retry-After"), now)
		return &RateLimitError{RetryAfter: ra, APIError: apiErr}
	}
	return apiErr
}

// decodeError parses a Clerk error body. A body that is not a Clerk error
// object still yields an APIError, with no Errors.
func decodeError(status int, h http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		e.Errors = eb.Errors
		if s, ok := eb.TraceID.(string); ok {
			e.TraceID = s
		}
	}
	if e.TraceID == "" {
		e.TraceID = h.Get("Cf-Ray")
	}
	return e
}

// redactError replaces every non-empty secret in the decoded strings of e
// (after JSON decoding, so escaped forms such as \u0026 are caught too).
func redactError(e *APIError, secrets []string) {
	r := func(s string) string { return redact(s, secrets) }
	e.TraceID = r(e.TraceID)
	for i := range e.Errors {
		it := &e.Errors[i]
		it.Code, it.Message, it.LongMessage = r(it.Code), r(it.Message), r(it.LongMessage)
		if it.Meta != nil {
			it.Meta = redactValue(it.Meta, secrets).(map[string]any)
		}
	}
}

// redactValue redacts the strings inside a decoded JSON value, keys included.
func redactValue(v any, secrets []string) any {
	switch x := v.(type) {
	case string:
		return redact(x, secrets)
	case []any:
		for i := range x {
			x[i] = redactValue(x[i], secrets)
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[redact(k, secrets)] = redactValue(val, secrets)
		}
		return out
	default:
		return v
	}
}

func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return s
}

// parseRetryAfter reads a Retry-After header: delay seconds, or an HTTP date
// relative to now (when now is the zero time, dates give 0). ok is false for
// a missing or unparsable value. Negative delays are 0; delays past int64
// (ParseInt saturates them) are capped like any other long delay.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if err == nil || errors.Is(err, strconv.ErrRange) && isDigits(strings.TrimLeft(v, "+-")) {
		if secs < 0 {
			return 0, true
		}
		if secs > int64(time.Hour/time.Second) {
			secs = int64(time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if now.IsZero() || !t.After(now) {
		return 0, true
	}
	return min(t.Sub(now), time.Hour), true
}

// isDigits reports whether s is one or more ASCII digits. ParseInt reports
// an overflow before it reads the rest, so "99…9x" is ErrRange too.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
