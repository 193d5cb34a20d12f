package backendapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wantJSON is the JSON the decoded result of e must marshal to: the
// fixture itself (so the round trip keeps Clerk's keys), a bare-array
// fixture wrapped as {"data", "total_count"}, or e.want.
func (e endpoint) wantJSON(t *testing.T) []byte {
	t.Helper()
	if e.want != "" {
		return []byte(e.want)
	}
	fx := fixture(t, e.fixture)
	if strings.HasSuffix(e.fixture, ".html") {
		b, _ := json.Marshal(string(fx))
		return b
	}
	if bytes.HasPrefix(bytes.TrimSpace(fx), []byte("[")) {
		var items []any
		if err := json.Unmarshal(fx, &items); err != nil {
			t.Fatal(err)
		}
		total := len(items)
		if e.count != nil {
			total = 42 // user_list_total.json
		}
		b, _ := json.Marshal(map[string]any{"data": items, "total_count": total})
		return b
	}
	return fx
}

func TestOperations(t *testing.T) {
	t.Parallel()
	for _, tt := range endpoints {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t, tt.answer(t))
			got, err := tt.call(t.Context(), api.client(t), tt.ids)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs, want := api.requests(), 1
			if tt.count != nil {
				want = 2
			}
			if len(reqs) != want {
				t.Fatalf("server saw %d requests, want %d", len(reqs), want)
			}
			checkRequest(t, tt, reqs[0])
			if tt.count != nil {
				countRow := endpoint{method: "GET", path: "/v1/users/count", query: *tt.count}
				checkRequest(t, countRow, reqs[1])
			}
			gotJSON, err := json.Marshal(got)
			if err != nil {
				t.Fatalf("marshal result: %v", err)
			}
			if d := jsonDiff(t, tt.wantJSON(t), gotJSON); d != "" {
				t.Errorf("decoded result, re-marshalled (-want +got):\n%s", d)
			}
		})
	}
}

// answer is the fake server's handler for e: its fixture, and for the
// count request that follows Users.List, user_list_total.json.
func (e endpoint) answer(t *testing.T) http.HandlerFunc {
	body, total := fixture(t, e.fixture), fixture(t, "user_list_total.json")
	return func(w http.ResponseWriter, r *http.Request) {
		if e.count != nil && strings.HasSuffix(r.URL.Path, "/users/count") {
			replyJSON(w, http.StatusOK, total)
			return
		}
		w.Header().Set("Content-Type", contentType(e.fixture))
		_, _ = w.Write(body)
	}
}

// checkRequest asserts the verb, escaped path, query, body and headers.
func checkRequest(t *testing.T, tt endpoint, r recorded) {
	t.Helper()
	if r.Method != tt.method || r.Path != tt.path || r.Query != tt.query {
		t.Errorf("request = %s %s?%s, want %s %s?%s", r.Method, r.Path, r.Query, tt.method, tt.path, tt.query)
	}
	if tt.body == "" {
		if len(r.Body) != 0 || r.Header.Get("Content-Type") != "" {
			t.Errorf("body %q with Content-Type %q, want none", r.Body, r.Header.Get("Content-Type"))
		}
	} else {
		if d := jsonDiff(t, []byte(tt.body), r.Body); d != "" {
			t.Errorf("body (-want +got):\n%s", d)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", ct)
		}
	}
	accept := "application/json"
	if strings.HasSuffix(tt.fixture, ".html") {
		accept = "text/html"
	}
	want := map[string]string{"Authorization": "Bearer " + testSecret, "User-Agent": "authsvc/" + Version, "Accept": accept}
	got := map[string]string{}
	for k := range want {
		got[k] = r.Header.Get(k)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("headers (-want +got):\n%s", d)
	}
}

// TestOperationsFailure gives every operation a Clerk error response and
// checks the *APIError and the nil result (go-github's
// testNewRequestAndDoFailure).
func TestOperationsFailure(t *testing.T) {
	t.Parallel()
	for _, tt := range endpoints {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := fixture(t, "error.json")
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) { replyJSON(w, http.StatusUnprocessableEntity, body) })
			got, err := tt.call(t.Context(), api.client(t), tt.ids)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v is not an *APIError", err)
			}
			want := &APIError{StatusCode: 422, TraceID: "trace_123", Errors: []ErrorItem{{
				Code: "API_error", Message: "Boom!", LongMessage: "Boom! Something went wrong.", Meta: map[string]any{"param_name": "whatever"},
			}}}
			if d := cmp.Diff(want, apiErr); d != "" {
				t.Errorf("APIError (-want +got):\n%s", d)
			}
			if !isZeroResult(got) {
				t.Errorf("result = %#v, want nil", got)
			}
			if n := len(api.requests()); n != 1 {
				t.Errorf("POST/PATCH/GET 422 sent %d requests, want 1 (4xx is never retried)", n)
			}
		})
	}
}

// isZeroResult reports whether a method's result is a nil pointer or "".
func isZeroResult(v any) bool {
	if s, ok := v.(string); ok {
		return s == ""
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// TestOperationsRequireIDs empties each path id of each operation in turn:
// the call fails with ErrMissingID (ErrInvalidID for ".."), sends nothing,
// and never reaches another path (spec §6 bug 15).
func TestOperationsRequireIDs(t *testing.T) {
	t.Parallel()
	for _, tt := range endpoints {
		for n := range tt.ids {
			for _, bad := range []struct {
				id   string
				want error
			}{{"", ErrMissingID}, {"..", ErrInvalidID}, {".", ErrInvalidID}} {
				if bad.id == "" && tt.lastOK && n == len(tt.ids)-1 {
					continue // covered by the "without template" row
				}
				t.Run(tt.name+"/"+tt.ids[n]+"="+bad.id, func(t *testing.T) {
					t.Parallel()
					api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) { replyJSON(w, 200, []byte(`{}`)) })
					ids := slices.Clone(tt.ids)
					ids[n] = bad.id
					got, err := tt.call(context.Background(), api.client(t), ids)
					if !errors.Is(err, bad.want) {
						t.Fatalf("error = %v, want %v", err, bad.want)
					}
					if !isZeroResult(got) {
						t.Errorf("result = %#v, want nil", got)
					}
					if n := len(api.requests()); n != 0 {
						t.Errorf("server saw %d requests, want 0", n)
					}
				})
			}
		}
	}
}

// TestGetUserCountIsNotAUser: GET /users/count is the user count, not the
// user "count", so Users.Get refuses that id without a request; the word
// is still an ordinary id elsewhere (an organization slug may be "count").
func TestGetUserCountIsNotAUser(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
		replyJSON(w, 200, []byte(`{"object":"organization","id":"org_1","slug":"count"}`))
	})
	c := api.client(t)
	if _, err := c.Users.Get(t.Context(), "count"); !errors.Is(err, ErrInvalidID) {
		t.Errorf("Users.Get(count): %v, want ErrInvalidID", err)
	}
	if n := len(api.requests()); n != 0 {
		t.Errorf("Users.Get(count) sent %d requests, want 0", n)
	}
	if _, err := c.Organizations.Get(t.Context(), "count"); err != nil {
		t.Errorf("Organizations.Get(count): %v, want the organization with that slug", err)
	}
}

// TestOperationsEscapeIDs puts "../clients" in each path id in turn: it
// must stay one escaped segment (spec §6 bug 14).
func TestOperationsEscapeIDs(t *testing.T) {
	t.Parallel()
	for _, tt := range endpoints {
		for n := range tt.ids {
			t.Run(tt.name+"/"+tt.ids[n], func(t *testing.T) {
				t.Parallel()
				api := newFakeAPI(t, tt.answer(t))
				ids := slices.Clone(tt.ids)
				ids[n] = "../clients"
				if _, err := tt.call(t.Context(), api.client(t), ids); err != nil {
					t.Fatalf("call: %v", err)
				}
				reqs := api.requests()
				want := strings.Replace(tt.path, "/"+tt.ids[n], "/..%2Fclients", 1)
				if len(reqs) != 1 || reqs[0].Path != want {
					t.Fatalf("requests = %+v, want one to %s", reqs, want)
				}
			})
		}
	}
}

// TestOperationsCount pins the size of the operation table: the 55 rows of
// spec §4.7 (17, 41 and 45 have extra variants) and the 4 later additions.
func TestOperationsCount(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, e := range endpoints {
		seen[strings.Fields(e.name)[0]+" "+strings.Fields(e.name)[1]] = true
	}
	if len(seen) != 59 {
		t.Errorf("table covers %d operations, want 59 (55 of §4.7 + 4 additions)", len(seen))
	}
}
