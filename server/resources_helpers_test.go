package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/metadata"

	"github.com/authsvc/authsvc/backendapi"
	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/policy"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// testSecretKey is the Clerk secret key the proxy tests use; no status may
// ever contain it.
const testSecretKey = "sk_test_proxy-secret-never-echoed"

// testCallerKey is the API key the proxy tests present to the policy.
const testCallerKey = "caller-key-for-tests"

// recorded is one request the Clerk stand-in received.
type recorded struct {
	Method, Path, RawQuery string
	Body                   map[string]any
	Auth                   string
}

// hangUntilCanceled as a reply status makes the stand-in answer nothing
// until the request is canceled.
const hangUntilCanceled = -1

// reply is what the Clerk stand-in answers.
type reply struct {
	status int
	body   string
	header map[string]string
}

// clerkStub is an httptest stand-in for Clerk's Backend API: it records
// every request and answers the reply registered for "METHOD /path", or 404
// with a Clerk error body.
type clerkStub struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []recorded
	replies map[string]reply
}

func newClerkStub(t *testing.T, replies map[string]reply) *clerkStub {
	t.Helper()
	c := &clerkStub{replies: replies}
	c.Server = httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(c.Close)
	return c
}

func (c *clerkStub) serve(w http.ResponseWriter, r *http.Request) {
	rec := recorded{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Auth: r.Header.Get("Authorization")}
	if raw, _ := io.ReadAll(r.Body); len(raw) > 0 {
		_ = json.Unmarshal(raw, &rec.Body)
	}
	c.mu.Lock()
	c.reqs = append(c.reqs, rec)
	rep, ok := c.replies[r.Method+" "+rec.Path]
	c.mu.Unlock()
	if rep.status == hangUntilCanceled {
		<-r.Context().Done()
		return
	}
	if !ok {
		rep = reply{status: http.StatusNotFound, body: `{"errors":[{"code":"resource_not_found","message":"not found"}]}`}
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.header["Content-Type"] == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

// requests returns a copy of what the stub has received.
func (c *clerkStub) requests() []recorded {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]recorded(nil), c.reqs...)
}

// newProxyServer builds a Server whose Backend talks to stub (one attempt,
// no retries, so error rows answer at once).
func newProxyServer(t *testing.T, stub *clerkStub) *Server {
	t.Helper()
	var backend *backendapi.Client
	if stub != nil {
		var err error
		backend, err = backendapi.NewClient(testSecretKey,
			backendapi.WithBaseURL(stub.URL),
			backendapi.WithRetry(1, time.Millisecond),
			backendapi.WithRateLimit(1000, time.Second))
		if err != nil {
			t.Fatalf("backendapi.NewClient: %v", err)
		}
	}
	v, err := verifier.New(verifiertest.NewIssuer(t).Config())
	if err != nil {
		t.Fatalf("verifier.New: %v", err)
	}
	t.Cleanup(v.Close)
	s, err := New(Config{Verifier: v, Backend: backend})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	return s
}

// newProxyClient serves a proxy Server enforcing pol over bufconn.
func newProxyClient(t *testing.T, stub *clerkStub, pol *policy.Policy) authsvcv1.AuthServiceClient {
	t.Helper()
	return newTestClient(t, withPolicy(newProxyServer(t, stub), pol), GRPCOptions{})
}

// withPolicy puts pol in force on s, as a reload would.
func withPolicy(s *Server, pol *policy.Policy) *Server {
	s.pol.Store(pol)
	return s
}

// withKey adds the test caller's key to ctx's outgoing metadata.
func withKey(ctx context.Context, key string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)
}
