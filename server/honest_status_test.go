package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	"github.com/authsvc/authsvc/backendapi"
	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/policy"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// stalledServer answers every request by writing a 200's headers and, when
// body is true, the first bytes of a JSON body, then blocking until the
// client gives up; after the first stalls requests it answers ok in full.
func stalledServer(t *testing.T, body bool, stalls int32, ok string) *httptest.Server {
	t.Helper()
	var n atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) > stalls {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, ok)
			return
		}
		if body {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, ok[:5])
			_ = http.NewResponseController(w).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv
}

// TestHonestStatusHangingJWKS covers DESIGN "Status codes follow gRPC's
// meanings exactly" for the key set, over gRPC: a JWKS fetch that authsvc's
// own timeout ends is UNAVAILABLE with reason jwk-remote-failed-to-load,
// on the call that waited and on the next one (the cached error), before
// the caller's 30 s deadline; only the caller's own deadline gives
// DEADLINE_EXCEEDED.
func TestHonestStatusHangingJWKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		fetchTimeout  time.Duration // the key-set HTTP client's timeout
		callerTimeout time.Duration
		want          []codes.Code // one per call
	}{
		{"authsvc's fetch timeout is UNAVAILABLE, then again from the cached error", 50 * time.Millisecond, 30 * time.Second, []codes.Code{codes.Unavailable, codes.Unavailable}},
		{"the caller's own deadline is DEADLINE_EXCEEDED", time.Minute, 100 * time.Millisecond, []codes.Code{codes.DeadlineExceeded}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := stalledServer(t, false, 1<<30, "")
			client := newVerifyClient(t, verifier.Config{SecretKey: "sk_test_x", APIURL: srv.URL, HTTPClient: &http.Client{Timeout: tt.fetchTimeout}})
			token := verifiertest.NewIssuer(t).Mint(t, nil)
			for i, want := range tt.want {
				ctx, cancel := context.WithTimeout(t.Context(), tt.callerTimeout)
				_, err := client.VerifySessionToken(ctx, &pb.VerifySessionTokenRequest{Token: token})
				callerDone := ctx.Err()
				cancel()
				code, info := errorInfo(t, err)
				if code != want {
					t.Fatalf("call %d: code = %v (%v), want %v", i+1, code, err, want)
				}
				if want == codes.Unavailable {
					if info.GetMetadata()["reason"] != string(verifier.ReasonKeyFetch) {
						t.Errorf("call %d: ErrorInfo = %v, want reason %s", i+1, info, verifier.ReasonKeyFetch)
					}
					if callerDone != nil {
						t.Fatalf("call %d: the caller's deadline passed: the row proves nothing", i+1)
					}
				}
			}
		})
	}
}

// TestHonestStatusStalledBackendBody covers the same rule for the Backend
// API, over gRPC: a body that stalls after its headers is a transport
// failure of the attempt, retried for a GET (which then succeeds) and
// UNAVAILABLE with reason backend-unavailable when every attempt stalls,
// before the caller's 60 s deadline; the caller's own deadline is
// DEADLINE_EXCEEDED.
func TestHonestStatusStalledBackendBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		stalls         int32
		attemptTimeout time.Duration
		callerTimeout  time.Duration
		want           codes.Code
	}{
		{"a stalled GET is retried and then succeeds", 1, 50 * time.Millisecond, time.Minute, codes.OK},
		{"a GET that stalls on every attempt is UNAVAILABLE", 1 << 30, 50 * time.Millisecond, time.Minute, codes.Unavailable},
		{"the caller's own deadline is DEADLINE_EXCEEDED", 1 << 30, time.Minute, 100 * time.Millisecond, codes.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := stalledServer(t, true, tt.stalls, userJSON)
			client := newBackendClient(t, srv.URL, policy.DevPolicy(testCallerKey), nil,
				backendapi.WithRetry(4, time.Millisecond), backendapi.WithAttemptTimeout(tt.attemptTimeout))
			ctx, cancel := context.WithTimeout(withKey(t.Context(), testCallerKey), tt.callerTimeout)
			defer cancel()
			resp, err := client.GetUser(ctx, &pb.GetUserRequest{UserId: "user_1"})
			code, info := errorInfo(t, err)
			if code != tt.want {
				t.Fatalf("code = %v (%v), want %v", code, err, tt.want)
			}
			switch tt.want {
			case codes.OK:
				if resp.GetUser().GetId() != "user_1" {
					t.Errorf("user = %v, want user_1", resp.GetUser())
				}
			case codes.Unavailable:
				if info.GetMetadata()["reason"] != "backend-unavailable" {
					t.Errorf("ErrorInfo = %v, want reason backend-unavailable", info)
				}
				if ctx.Err() != nil {
					t.Fatal("the caller's deadline passed: the row proves nothing")
				}
			}
		})
	}
}

// newBackendClient serves a proxy Server whose Backend talks to baseURL
// with opts (after a generous rate limit), behind the authz interceptors
// enforcing pol and then the extra interceptors.
func newBackendClient(t *testing.T, baseURL string, pol *policy.Policy, extra []grpc.UnaryServerInterceptor, opts ...backendapi.Option) pb.AuthServiceClient {
	t.Helper()
	all := append([]backendapi.Option{backendapi.WithBaseURL(baseURL), backendapi.WithRateLimit(1000, time.Second)}, opts...)
	backend, err := backendapi.NewClient(testSecretKey, all...)
	if err != nil {
		t.Fatalf("backendapi.NewClient: %v", err)
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
	return newTestClient(t, withPolicy(s, pol), GRPCOptions{Unary: extra})
}
