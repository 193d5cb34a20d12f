package backendapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/internal/redirecttest"
)

func TestErrorStatusMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		rateLimit bool
	}{
		{"400 bad request", 400, false},
		{"401 unauthenticated", 401, false},
		{"403 forbidden", 403, false},
		{"404 not found", 404, false},
		{"409 conflict", 409, false},
		{"422 unprocessable", 422, false},
		{"429 too many requests", 429, true},
		{"500 internal", 500, false},
		{"502 bad gateway", 502, false},
		{"503 unavailable", 503, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := `{"errors":[{"code":"c","message":"m","long_message":"lm","meta":{"param_name":"p","session_id":"sess_1","email_addresses":["a@b.c"]}}]}`
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) { replyJSON(w, tt.status, []byte(body)) })
			_, err := api.client(t, WithRetry(1, 0)).Users.Get(t.Context(), "user_1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v is not an *APIError", err)
			}
			want := &APIError{StatusCode: tt.status, Errors: []ErrorItem{{Code: "c", Message: "m", LongMessage: "lm",
				Meta: map[string]any{"param_name": "p", "session_id": "sess_1", "email_addresses": []any{"a@b.c"}}}}}
			if d := cmp.Diff(want, apiErr); d != "" {
				t.Errorf("APIError (-want +got):\n%s", d)
			}
			var rl *RateLimitError
			if errors.As(err, &rl) != tt.rateLimit {
				t.Errorf("errors.As(*RateLimitError) = %v, want %v", !tt.rateLimit, tt.rateLimit)
			}
			if errors.Is(err, ErrUnavailable) {
				t.Errorf("an HTTP error response must not wrap ErrUnavailable")
			}
		})
	}
}

func TestErrorTraceID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		cfRay string
		want  string
	}{
		{"body clerk_trace_id wins", `{"errors":[],"clerk_trace_id":"trace_body"}`, "ray-1", "trace_body"},
		{"cf-ray when the body has none", `{"errors":[]}`, "ray-2", "ray-2"},
		{"cf-ray when clerk_trace_id is not a string", `{"errors":[],"clerk_trace_id":42}`, "ray-3", "ray-3"},
		{"cf-ray for a non-JSON body", `<html>bad gateway</html>`, "ray-4", "ray-4"},
		{"empty when neither", `{"errors":[]}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
				if tt.cfRay != "" {
					w.Header().Set("CF-Ray", tt.cfRay)
				}
				replyJSON(w, 400, []byte(tt.body))
			})
			_, err := api.client(t).Sessions.Get(t.Context(), "sess_1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v is not an *APIError", err)
			}
			if apiErr.TraceID != tt.want {
				t.Errorf("TraceID = %q, want %q", apiErr.TraceID, tt.want)
			}
		})
	}
}

func TestErrorNonClerkBody(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "<html>denied</html>")
	})
	_, err := api.client(t).Users.Get(t.Context(), "user_1")
	want := &APIError{StatusCode: 403}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v is not an *APIError", err)
	}
	if d := cmp.Diff(want, apiErr); d != "" {
		t.Errorf("APIError (-want +got):\n%s", d)
	}
	if got := err.Error(); got != "backendapi: 403 forbidden" {
		t.Errorf("Error() = %q", got)
	}
}

func TestAPIErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"code, message and trace", &APIError{StatusCode: 404, TraceID: "t1", Errors: []ErrorItem{{Code: "resource_not_found", Message: "not found"}}},
			"backendapi: 404 not found: resource_not_found: not found (trace t1)"},
		{"more than one error", &APIError{StatusCode: 422, Errors: []ErrorItem{{Code: "a", Message: "x"}, {Code: "b"}, {Code: "c"}}},
			"backendapi: 422 unprocessable entity: a: x (and 2 more)"},
		{"429 from Clerk", &RateLimitError{RetryAfter: 2 * time.Second, APIError: &APIError{StatusCode: 429}},
			"backendapi: 429 too many requests (retry after 2s)"},
		{"client-side limiter", &RateLimitError{RetryAfter: 3 * time.Second},
			"backendapi: client-side rate limit: next slot in 3s is past the deadline or max wait"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRateLimitErrorUnwrap(t *testing.T) {
	t.Parallel()
	var apiErr *APIError
	local := error(&RateLimitError{RetryAfter: time.Second})
	if errors.As(local, &apiErr) {
		t.Errorf("a client-side RateLimitError must not unwrap to an APIError")
	}
	remote := error(&RateLimitError{APIError: &APIError{StatusCode: 429}})
	if !errors.As(remote, &apiErr) || apiErr.StatusCode != 429 {
		t.Errorf("a 429 RateLimitError must unwrap to its APIError")
	}
}

// TestErrorRedaction has the server echo the request's credentials into
// its error body: none of them may reach Error() or the APIError fields.
func TestErrorRedaction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		secret string
		call   func(c *Client) error
	}{
		{"secret key", testSecret, func(c *Client) error { _, err := c.Users.Get(t.Context(), "user_1"); return err }},
		{"client token", "eyJclient.token.sig", func(c *Client) error { _, err := c.Clients.Verify(t.Context(), "eyJclient.token.sig"); return err }},
		{"session token", "eyJsession.token.sig", func(c *Client) error {
			_, err := c.Sessions.Verify(t.Context(), "sess_1", "eyJsession.token.sig")
			return err
		}},
		{"password", "hunter2-hunter2", func(c *Client) error {
			_, err := c.Users.VerifyPassword(t.Context(), "user_1", "hunter2-hunter2")
			return err
		}},
		{"new password", "Tr0ub4dor&3", func(c *Client) error {
			_, err := c.Users.Update(t.Context(), "user_1", &UpdateUserParams{Password: Ptr("Tr0ub4dor&3")})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				var fields map[string]any
				_ = json.NewDecoder(r.Body).Decode(&fields)
				echo := r.Header.Get("Authorization")
				for _, v := range fields {
					if s, ok := v.(string); ok {
						echo += " " + s
					}
				}
				item := map[string]any{"code": "echo", "message": echo, "long_message": echo, "meta": map[string]any{"x": echo}}
				b, _ := json.Marshal(map[string]any{"errors": []any{item}, "clerk_trace_id": echo})
				replyJSON(w, 400, b)
			})
			err := tt.call(api.client(t))
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v is not an *APIError", err)
			}
			all := err.Error() + apiErr.TraceID
			for _, it := range apiErr.Errors {
				all += it.Message + it.LongMessage + it.Meta["x"].(string)
			}
			if strings.Contains(all, tt.secret) {
				t.Errorf("error leaks the %s: %s", tt.name, all)
			}
			if !strings.Contains(err.Error(), "[REDACTED]") {
				t.Errorf("Error() = %q, want the echo with [REDACTED]", err.Error())
			}
		})
	}
}

// countingReader counts how much of an error body checkResponse reads.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func (c *countingReader) Close() error { return nil }

func TestCheckResponseReadsAtMostOneMiB(t *testing.T) {
	t.Parallel()
	huge := `{"errors":[{"code":"big","message":"` + strings.Repeat("a", 3<<20) + `"}]}`
	body := &countingReader{r: strings.NewReader(huge)}
	resp := &http.Response{StatusCode: 500, Header: http.Header{}, Body: body}
	err := checkResponse(resp, nil, time.Time{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || len(apiErr.Errors) != 0 {
		t.Fatalf("error = %#v, want a 500 APIError without items (the body is cut)", err)
	}
	if body.n > maxErrorBodySize {
		t.Errorf("read %d bytes of the error body, want at most %d", body.n, maxErrorBodySize)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"seconds", "3", 3 * time.Second, true},
		{"zero", "0", 0, true},
		{"negative is zero", "-5", 0, true},
		{"huge is capped at an hour", "999999999999", time.Hour, true},
		{"past int64 is capped at an hour (FuzzParseRetryAfter)", "99999999999999999999", time.Hour, true},
		{"past int64 negative is zero", "-99999999999999999999", 0, true},
		{"past int64 then junk is garbage (FuzzParseRetryAfter)", "99999999999999999999=", 0, false},
		{"HTTP date in the future", now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{"HTTP date in the past", now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"missing", "", 0, false},
		{"garbage", "soon", 0, false},
		{"fraction", "1.5", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseRetryAfter(tt.in, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestRedirectNotFollowed: every Backend API request carries the secret
// key, which Go's client would resend on a same-host redirect; a redirect
// is refused, and its target sees no request.
func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	apiURL, reached := redirecttest.Server(t)
	// The default client, and a caller's without a redirect policy.
	for _, opts := range [][]Option{nil, {WithHTTPClient(&http.Client{Timeout: 5 * time.Second})}} {
		c, err := NewClient(testSecret, append([]Option{WithBaseURL(apiURL), WithRetry(1, time.Millisecond)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Users.Get(t.Context(), "user_1"); err == nil {
			t.Fatal("a redirected request succeeded")
		}
	}
	if n := reached(); n != 0 {
		t.Errorf("the redirect's target got %d requests", n)
	}
}
