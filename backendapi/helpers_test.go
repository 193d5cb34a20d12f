package backendapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testSecret is the secret key of every test client. Tests check that it
// never shows up in an error.
const testSecret = "sk_live_s3cr3tK3yThatMustNeverLeak"

// prefix is where the fake Backend API is mounted, so that a request built
// with an absolute path instead of the base URL misses it (go-github #752).
const prefix = "/api-prefix"

// recorded is what the fake server saw of one request.
type recorded struct {
	Method string
	Path   string // escaped form, without the prefix
	Query  string
	Body   []byte
	Header http.Header
}

// fakeAPI is an httptest server that records every request and answers
// through a per-test handler.
type fakeAPI struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

// newFakeAPI starts a server that records each request and then calls h.
// Requests outside prefix get a 599, which fails any test that expects
// success.
func newFakeAPI(t *testing.T, h http.HandlerFunc) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		path := r.URL.EscapedPath()
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{
			Method: r.Method, Path: strings.TrimPrefix(path, prefix), Query: r.URL.RawQuery,
			Body: body, Header: r.Header.Clone(),
		})
		f.mu.Unlock()
		if !strings.HasPrefix(path, prefix+"/") {
			w.WriteHeader(599)
			return
		}
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// requests returns a copy of what the server has seen so far.
func (f *fakeAPI) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// client returns a Client for the fake server. Rate limiting is generous
// and retries back off by 1 ms unless opts say otherwise.
func (f *fakeAPI) client(t *testing.T, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{
		WithBaseURL(f.srv.URL + prefix),
		WithRateLimit(10000, time.Second),
		WithRetry(4, time.Millisecond),
	}, opts...)
	c, err := NewClient(testSecret, all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// replyJSON writes status and body with a JSON content type.
func replyJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fixture reads testdata/name.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

// jsonDiff compares two JSON documents by value and returns a cmp diff.
func jsonDiff(t *testing.T, want, got []byte) string {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v\n%s", err, want)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	return cmp.Diff(w, g)
}

// fakeClock is a Clock whose After fires at once and moves Now forward by
// the waited duration; it records every wait.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}
