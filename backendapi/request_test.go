package backendapi

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewClientValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     string
		opts    []Option
		wantErr bool
	}{
		{"defaults", "sk_live_x", nil, false},
		{"empty key", "", nil, true},
		{"blank key", "   ", nil, true},
		{"http base URL with prefix", "sk_live_x", []Option{WithBaseURL("http://127.0.0.1:1/clerk/")}, false},
		{"relative base URL", "sk_live_x", []Option{WithBaseURL("/v1")}, true},
		{"ftp base URL", "sk_live_x", []Option{WithBaseURL("ftp://api.clerk.com")}, true},
		{"base URL with query", "sk_live_x", []Option{WithBaseURL("https://api.clerk.com?x=1")}, true},
		{"base URL with user info", "sk_live_x", []Option{WithBaseURL("https://u:p@api.clerk.com")}, true},
		{"unparsable base URL", "sk_live_x", []Option{WithBaseURL("https://api.clerk.com/%zz")}, true},
		{"empty API version", "sk_live_x", []Option{WithAPIVersion("")}, true},
		{"API version with slash", "sk_live_x", []Option{WithAPIVersion("v1/../x")}, true},
		{"nil HTTP client", "sk_live_x", []Option{WithHTTPClient(nil)}, true},
		{"zero attempts", "sk_live_x", []Option{WithRetry(0, time.Millisecond)}, true},
		{"five attempts", "sk_live_x", []Option{WithRetry(5, time.Millisecond)}, true},
		{"negative backoff", "sk_live_x", []Option{WithRetry(2, -time.Millisecond)}, true},
		{"zero rate", "sk_live_x", []Option{WithRateLimit(0, time.Second)}, true},
		{"zero rate window", "sk_live_x", []Option{WithRateLimit(10, 0)}, true},
		{"zero attempt timeout", "sk_live_x", []Option{WithAttemptTimeout(0)}, true},
		{"nil clock", "sk_live_x", []Option{WithClock(nil)}, true},
		{"nil option is ignored", "sk_live_x", []Option{nil}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tt.key, tt.opts...)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewClient error = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				if c != nil || !strings.HasPrefix(err.Error(), "backendapi: ") {
					t.Errorf("got client %v and error %q", c, err)
				}
				if strings.Contains(err.Error(), tt.key) && tt.key != "" && strings.TrimSpace(tt.key) != "" {
					t.Errorf("error %q contains the key", err)
				}
			}
		})
	}
}

func TestURLBuilding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		base    string
		version string
		id      string
		want    string
	}{
		{"default", "https://api.clerk.com", "v1", "user_1", "https://api.clerk.com/v1/users/user_1"},
		{"base with prefix and trailing slash", "http://127.0.0.1:8080/clerk/", "v1", "user_1", "http://127.0.0.1:8080/clerk/v1/users/user_1"},
		{"other version", "https://api.clerk.com", "v2", "user_1", "https://api.clerk.com/v2/users/user_1"},
		{"slash in id stays one segment", "https://api.clerk.com", "v1", "../clients", "https://api.clerk.com/v1/users/..%2Fclients"},
		{"query and fragment characters escaped", "https://api.clerk.com", "v1", "a?b#c", "https://api.clerk.com/v1/users/a%3Fb%23c"},
		{"space and percent escaped", "https://api.clerk.com", "v1", "a b%2F", "https://api.clerk.com/v1/users/a%20b%252F"},
		{"unicode escaped", "https://api.clerk.com", "v1", "ünï", "https://api.clerk.com/v1/users/%C3%BCn%C3%AF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient("sk_live_x", WithBaseURL(tt.base), WithAPIVersion(tt.version))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.url(newRequest(http.MethodGet, "users", tt.id)).String(); got != tt.want {
				t.Errorf("url = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestResponseContentType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		contentType string
		body        string
		wantErr     error
	}{
		{"application/json", "application/json", `{"object":"session","id":"sess_1"}`, nil},
		{"json with charset", "application/json; charset=utf-8", `{"object":"session","id":"sess_1"}`, nil},
		{"problem+json suffix", "application/problem+json", `{"object":"session","id":"sess_1"}`, nil},
		{"html where JSON is expected", "text/html", `<html></html>`, ErrUnavailable},
		{"invalid JSON", "application/json", `{"object":`, ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				_, _ = w.Write([]byte(tt.body))
			})
			s, err := api.client(t).Sessions.Get(t.Context(), "sess_1")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && s.ID != "sess_1" {
				t.Errorf("session id = %q", s.ID)
			}
			if n := len(api.requests()); n != 1 {
				t.Errorf("sent %d requests, want 1 (a bad 2xx body is not retried)", n)
			}
		})
	}
}

func TestListShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		body      string
		wantLen   int
		wantTotal int64
		wantErr   bool
	}{
		{"bare array", `[{"id":"a"},{"id":"b"}]`, 2, 2, false},
		{"paginated keeps total_count", `{"data":[{"id":"a"}],"total_count":42}`, 1, 42, false},
		{"paginated without total_count", `{"data":[{"id":"a"},{"id":"b"}]}`, 2, 2, false},
		{"empty array", `[]`, 0, 0, false},
		{"null data", `{"data":null,"total_count":0}`, 0, 0, true},
		{"object without data", `{"object":"user","id":"a"}`, 0, 0, true},
		{"null", `null`, 0, 0, true},
		{"number", `7`, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := decodeList[User]([]byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if len(l.Data) != tt.wantLen || l.TotalCount != tt.wantTotal || l.Data == nil {
				t.Errorf("list = %d items (nil %v), total %d; want %d, %d", len(l.Data), l.Data == nil, l.TotalCount, tt.wantLen, tt.wantTotal)
			}
		})
	}
}

func TestNilParams(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) { replyJSON(w, 200, []byte(`{}`)) })
	c := api.client(t)
	ctx := t.Context()
	calls := map[string]func() error{
		"Users.Create":                   func() error { _, err := c.Users.Create(ctx, nil); return err },
		"Organizations.Create":           func() error { _, err := c.Organizations.Create(ctx, nil); return err },
		"Organizations.CreateMembership": func() error { _, err := c.Organizations.CreateMembership(ctx, "org_1", nil); return err },
		"Organizations.UpdateMembership": func() error { _, err := c.Organizations.UpdateMembership(ctx, "org_1", "user_1", nil); return err },
		"Organizations.CreateInvitation": func() error { _, err := c.Organizations.CreateInvitation(ctx, "org_1", nil); return err },
		"Organizations.RevokeInvitation": func() error { _, err := c.Organizations.RevokeInvitation(ctx, "org_1", "inv_1", nil); return err },
		"Sessions.Create":                func() error { _, err := c.Sessions.Create(ctx, nil); return err },
		"SignInTokens.Create":            func() error { _, err := c.SignInTokens.Create(ctx, nil); return err },
		"SMSMessages.Create":             func() error { _, err := c.SMSMessages.Create(ctx, nil); return err },
		"Emails.Create":                  func() error { _, err := c.Emails.Create(ctx, nil); return err },
		"Invitations.Create":             func() error { _, err := c.Invitations.Create(ctx, nil); return err },
		"RedirectURLs.Create":            func() error { _, err := c.RedirectURLs.Create(ctx, nil); return err },
		"PhoneNumbers.Create":            func() error { _, err := c.PhoneNumbers.Create(ctx, nil); return err },
		"EmailAddresses.Create":          func() error { _, err := c.EmailAddresses.Create(ctx, nil); return err },
		"AllowlistIdentifiers.Create":    func() error { _, err := c.AllowlistIdentifiers.Create(ctx, nil); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, errNilParams) {
			t.Errorf("%s(nil) = %v, want errNilParams", name, err)
		}
	}
	if n := len(api.requests()); n != 0 {
		t.Errorf("nil params sent %d requests", n)
	}
}

// TestNilUpdateParamsSendEmptyObject: updates with nil params send {}.
func TestNilUpdateParamsSendEmptyObject(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) { replyJSON(w, 200, []byte(`{}`)) })
	c := api.client(t)
	ctx := t.Context()
	_, _ = c.Users.Update(ctx, "user_1", nil)
	_, _ = c.Users.UpdateMetadata(ctx, "user_1", nil)
	_, _ = c.Organizations.Update(ctx, "org_1", nil)
	_, _ = c.Organizations.UpdateMetadata(ctx, "org_1", nil)
	_, _ = c.Organizations.UpdateMembershipMetadata(ctx, "org_1", "user_1", nil)
	_, _ = c.EmailAddresses.Update(ctx, "idn_1", nil)
	_, _ = c.PhoneNumbers.Update(ctx, "idn_1", nil)
	reqs := api.requests()
	if len(reqs) != 7 {
		t.Fatalf("sent %d requests, want 7", len(reqs))
	}
	for _, r := range reqs {
		if string(r.Body) != "{}" || r.Method != http.MethodPatch {
			t.Errorf("%s %s body %q, want PATCH with {}", r.Method, r.Path, r.Body)
		}
	}
}

func TestEmptyMetadataMapIsSent(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) { replyJSON(w, 200, []byte(`{}`)) })
	_, _ = api.client(t).Users.UpdateMetadata(t.Context(), "user_1", &UpdateUserMetadataParams{PublicMetadata: map[string]any{}})
	if d := jsonDiff(t, []byte(`{"public_metadata":{}}`), api.requests()[0].Body); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
}
