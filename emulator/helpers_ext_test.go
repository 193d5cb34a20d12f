package emulator_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authsvc/authsvc/emulator"
)

// t0 is the fixed start of every fixture's clock.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fixture is an emulator behind a real httptest server, with a clock the
// test can move.
type fixture struct {
	t   *testing.T
	emu *emulator.Emulator
	srv *httptest.Server
	now *atomic.Int64 // Unix nanoseconds, shared by copies
}

func newFixture(t *testing.T, seed bool) *fixture {
	t.Helper()
	return newFixtureWith(t, emulator.Options{Seed: seed})
}

// newFixtureWith is newFixture with opts (its Now is replaced by the
// fixture's clock).
func newFixtureWith(t *testing.T, opts emulator.Options) *fixture {
	t.Helper()
	f := &fixture{t: t, now: new(atomic.Int64)}
	f.now.Store(t0.UnixNano())
	opts.Now = f.clock
	emu, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.emu = emu
	f.srv = httptest.NewServer(emu.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// with returns a copy of f that reports failures to t (a subtest's).
func (f *fixture) with(t *testing.T) *fixture {
	c := *f
	c.t = t
	return &c
}

func (f *fixture) clock() time.Time { return time.Unix(0, f.now.Load()).UTC() }

func (f *fixture) advance(d time.Duration) { f.now.Add(int64(d)) }

// request sends method path with body (nil, a string sent verbatim, or a
// value encoded as JSON) and the right secret key, and returns the status
// and raw response body.
func (f *fixture) request(method, path string, body any) (int, []byte) {
	f.t.Helper()
	return f.requestAuth(method, path, body, "Bearer "+f.emu.SecretKey())
}

func (f *fixture) requestAuth(method, path string, body any, auth string) (int, []byte) {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			f.t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		f.t.Fatalf("new request: %v", err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("read body: %v", err)
	}
	return resp.StatusCode, raw
}

// object sends a request, requires wantStatus, and decodes a JSON object.
func (f *fixture) object(method, path string, body any, wantStatus int) map[string]any {
	f.t.Helper()
	status, raw := f.request(method, path, body)
	if status != wantStatus {
		f.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, status, wantStatus, raw)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		f.t.Fatalf("%s %s: body is not a JSON object: %v: %s", method, path, err, raw)
	}
	return m
}

// array sends a request, requires 200, and decodes a list: a bare JSON
// array, or the data of a {"data":[...],"total_count":N} page (as Clerk
// answers GET /v1/users).
func (f *fixture) array(path string) []any {
	f.t.Helper()
	status, raw := f.request(http.MethodGet, path, nil)
	if status != http.StatusOK {
		f.t.Fatalf("GET %s: status %d; body %s", path, status, raw)
	}
	var a []any
	if err := json.Unmarshal(raw, &a); err == nil {
		return a
	}
	var page struct {
		Data *[]any `json:"data"`
	}
	if err := json.Unmarshal(raw, &page); err != nil || page.Data == nil {
		f.t.Fatalf("GET %s: body is not a JSON array or page: %v: %s", path, err, raw)
	}
	return *page.Data
}

// clerkError is the decoded Clerk error body.
type clerkError struct {
	Errors []struct {
		Code        string         `json:"code"`
		Message     string         `json:"message"`
		LongMessage string         `json:"long_message"`
		Meta        map[string]any `json:"meta"`
	} `json:"errors"`
	ClerkTraceID string `json:"clerk_trace_id"`
}

// apiError sends a request and requires a Clerk error with wantStatus and
// wantCode; it returns the decoded error.
func (f *fixture) apiError(method, path string, body any, wantStatus int, wantCode string) clerkError {
	f.t.Helper()
	status, raw := f.request(method, path, body)
	return checkError(f.t, status, raw, wantStatus, wantCode)
}

func checkError(t *testing.T, status int, raw []byte, wantStatus int, wantCode string) clerkError {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d; body %s", status, wantStatus, raw)
	}
	var ce clerkError
	if err := json.Unmarshal(raw, &ce); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, raw)
	}
	if len(ce.Errors) != 1 || ce.Errors[0].Code != wantCode {
		t.Fatalf("error code: got %s, want %q", raw, wantCode)
	}
	if ce.ClerkTraceID == "" || ce.Errors[0].Message == "" || ce.Errors[0].LongMessage == "" {
		t.Fatalf("error body lacks trace id or messages: %s", raw)
	}
	return ce
}

// keys returns the sorted keys of m.
func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ids returns the "id" of every object in a.
func ids(a []any) []string {
	out := []string{}
	for _, v := range a {
		out = append(out, v.(map[string]any)["id"].(string))
	}
	return out
}

// createUser creates a user and returns its id.
func (f *fixture) createUser(body map[string]any) string {
	f.t.Helper()
	return f.object(http.MethodPost, "/v1/users", body, http.StatusOK)["id"].(string)
}

func bufCopy(dst io.Writer, resp *http.Response) (int64, error) { return io.Copy(dst, resp.Body) }

// pemKey parses an SPKI PEM RSA public key.
func pemKey(t *testing.T, s string) *rsa.PublicKey {
	t.Helper()
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		t.Fatal("no PEM block")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		t.Fatalf("key is %T", pub)
	}
	return k
}
