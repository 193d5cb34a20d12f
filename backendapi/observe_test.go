package backendapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// observed records what an Observer is told.
type observed struct {
	mu       sync.Mutex
	attempts []string // "operation code"
	retries  []string // "operation cause"
	waits    int
}

func (o *observed) observer() Observer {
	return Observer{
		Attempt: func(op, code string, _ time.Duration) {
			o.mu.Lock()
			defer o.mu.Unlock()
			o.attempts = append(o.attempts, op+" "+code)
		},
		Retry: func(op, cause string) {
			o.mu.Lock()
			defer o.mu.Unlock()
			o.retries = append(o.retries, op+" "+cause)
		},
		RateLimitWait: func(time.Duration) {
			o.mu.Lock()
			defer o.mu.Unlock()
			o.waits++
		},
	}
}

// TestObserverOperationsCarryNoIDs: for every operation of the table, the
// observer sees one attempt whose operation is the route template, with
// every path id replaced by {id} and nothing else changed.
func TestObserverOperationsCarryNoIDs(t *testing.T) {
	t.Parallel()
	for _, tt := range endpoints {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t, tt.answer(t))
			var o observed
			if _, err := tt.call(t.Context(), api.client(t, WithObserver(o.observer())), tt.ids); err != nil {
				t.Fatalf("call: %v", err)
			}
			segs := strings.Split(strings.TrimPrefix(tt.path, "/v1/"), "/")
			for i, s := range segs {
				for _, id := range tt.ids {
					if id != "" && s == url.PathEscape(id) {
						segs[i] = "{id}"
					}
				}
			}
			want := []string{tt.method + " /" + strings.Join(segs, "/") + " 200"}
			if tt.count != nil {
				want = append(want, "GET /users/count 200")
			}
			if diff := cmp.Diff(want, o.attempts); diff != "" {
				t.Errorf("attempts (-want +got):\n%s", diff)
			}
			if o.waits != len(want) || len(o.retries) != 0 {
				t.Errorf("waits %d, retries %v; want %d and none", o.waits, o.retries, len(want))
			}
		})
	}
}

func TestObserverRetryCauses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		statuses     []int
		headers      http.Header
		wantAttempts []string
		wantRetries  []string
	}{
		{"429 then 200", []int{429, 200}, http.Header{"Retry-After": {"0"}},
			[]string{"GET /sessions/{id} 429", "GET /sessions/{id} 200"}, []string{"GET /sessions/{id} rate_limited"}},
		{"503 then 200", []int{503, 200}, nil,
			[]string{"GET /sessions/{id} 503", "GET /sessions/{id} 200"}, []string{"GET /sessions/{id} server_error"}},
		{"404 not retried", []int{404}, nil, []string{"GET /sessions/{id} 404"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api, _ := scripted(t, tt.headers, tt.statuses...)
			var o observed
			_, _ = api.client(t, WithObserver(o.observer())).Sessions.Get(t.Context(), "sess_secret_1")
			if diff := cmp.Diff(tt.wantAttempts, o.attempts); diff != "" {
				t.Errorf("attempts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRetries, o.retries); diff != "" {
				t.Errorf("retries (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("transport failure", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t, func(http.ResponseWriter, *http.Request) {})
		var o observed
		c := api.client(t, WithObserver(o.observer()))
		api.srv.Close()
		_, _ = c.Sessions.Get(t.Context(), "sess_1")
		if len(o.attempts) < 2 || !slices.Contains(o.attempts, "GET /sessions/{id} error") || !slices.Contains(o.retries, "GET /sessions/{id} transport") {
			t.Errorf("attempts %v, retries %v; want errors retried as transport", o.attempts, o.retries)
		}
	})
}

func TestOperationTemplate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  *request
		want string
	}{
		{"collection", newRequest(http.MethodGet, "users"), "GET /users"},
		{"literal at an id position", newRequest(http.MethodGet, "users", "count"), "GET /users/count"},
		{"ids replaced", newRequest(http.MethodPatch, "organizations", "org_1", "memberships", "user_2", "metadata"), "PATCH /organizations/{id}/memberships/{id}/metadata"},
		{"caller-chosen word", newRequest(http.MethodGet, "users", "user_1", "oauth_access_tokens", "oauth_evil"), "GET /users/{id}/oauth_access_tokens/{id}"},
		{"template name", newRequest(http.MethodPost, "sessions", "sess_1", "tokens", "my-template"), "POST /sessions/{id}/tokens/{id}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.req.operation(); got != tt.want {
				t.Errorf("operation() = %q, want %q", got, tt.want)
			}
		})
	}
}
