package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// testService is runServe on loopback ports with its log captured.
type testService struct {
	at     listening
	log    *syncBuffer
	conn   *grpc.ClientConn
	health healthpb.HealthClient
	client authsvcv1.AuthServiceClient
}

// startService runs the service with env over loopback defaults until the
// test ends; tune adjusts the verifier's schedule.
func startService(t *testing.T, env map[string]string, tune func(*verifier.Config)) *testService {
	t.Helper()
	all := map[string]string{"AUTHSVC_GRPC_ADDR": "127.0.0.1:0", "AUTHSVC_HTTP_ADDR": "127.0.0.1:0", "AUTHSVC_SHUTDOWN_DELAY": "0s"}
	for k, v := range env {
		all[k] = v
	}
	cfg, err := parseConfig("authsvc", nil, envFrom(all), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TuneVerifier = tune
	s := &testService{log: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	atc, done := make(chan listening, 1), make(chan error, 1)
	go func() {
		done <- runServe(ctx, cfg, newLogger(s.log, cfg.LogLevel), nil, func(at listening) { atc <- at })
	}()
	select {
	case s.at = <-atc:
	case err := <-done:
		cancel()
		t.Fatalf("service stopped before listening: %v\n%s", err, s.log.String())
	}
	s.conn, err = grpc.NewClient(s.at.GRPCAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.conn.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("service ended with %v", err)
		}
	})
	s.health, s.client = healthpb.NewHealthClient(s.conn), authsvcv1.NewAuthServiceClient(s.conn)
	return s
}

func (s *testService) healthOf(t *testing.T, service string) healthpb.HealthCheckResponse_ServingStatus {
	t.Helper()
	resp, err := s.health.Check(context.Background(), &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		t.Fatalf("health Check(%q): %v", service, err)
	}
	return resp.GetStatus()
}

// wantHealth checks both services DESIGN names.
func (s *testService) wantHealth(t *testing.T, want healthpb.HealthCheckResponse_ServingStatus) {
	t.Helper()
	for _, svc := range []string{"", "authsvc.v1.AuthService"} {
		if got := s.healthOf(t, svc); got != want {
			t.Errorf("health %q = %v, want %v", svc, got, want)
		}
	}
}

func (s *testService) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + s.at.HTTPAddr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// logLines returns the captured log lines whose msg is msg.
func (s *testService) logLines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	return logLinesOf(t, s.log.String(), msg)
}

func logLinesOf(t *testing.T, log, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(log, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		m := map[string]any{}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// waitFor polls cond every 10 ms for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

const (
	msgKeysUnavailable = "key set unavailable: reporting NOT_SERVING, retrying"
	msgKeysLoaded      = "key set loaded"
	msgRefreshFailed   = "key set refresh failed; the keys loaded before keep serving"
)

// TestReadinessFollowsTheKeySet: DESIGN Operations, Readiness. While the
// key set cannot load, gRPC health and /readyz say NOT_SERVING with the
// cause; once Clerk answers again, the background retry (no call is made)
// turns them SERVING after at most one more fetch; the cause is logged
// once however many fetches fail, and never with the secret key.
func TestReadinessFollowsTheKeySet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fail      func(*verifiertest.Issuer, bool)
		wantCause string
	}{
		{"jwks answers 503, then recovers", (*verifiertest.Issuer).SetDown, "key set fetch answered 503"},
		{"clerk rejects the secret key, then recovers", (*verifiertest.Issuer).SetRejecting, "clerk rejected the secret key (401 clerk_key_invalid)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iss := verifiertest.NewIssuer(t)
			tt.fail(iss, true)
			svc := startService(t, map[string]string{"CLERK_SECRET_KEY": iss.SecretKey, "CLERK_API_URL": iss.Server.URL},
				func(c *verifier.Config) { c.RetryInterval = 20 * time.Millisecond })
			waitFor(t, "three failed fetches", func() bool { return iss.JWKSFetches() >= 3 })
			svc.wantHealth(t, healthpb.HealthCheckResponse_NOT_SERVING)
			if code, body := svc.get(t, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, tt.wantCause) ||
				strings.Count(strings.TrimSpace(body), "\n") != 0 {
				t.Errorf("/readyz = %d %q, want 503 with one line naming %q", code, body, tt.wantCause)
			}
			if code, _ := svc.get(t, "/healthz"); code != http.StatusOK {
				t.Errorf("/healthz = %d while unready, want 200 (alive)", code)
			}

			before := iss.JWKSFetches()
			tt.fail(iss, false)
			waitFor(t, "SERVING", func() bool { return svc.healthOf(t, "") == healthpb.HealthCheckResponse_SERVING })
			if n := iss.JWKSFetches() - before; n > 1 {
				t.Errorf("%d fetches after the recovery before SERVING, want at most one retry", n)
			}
			svc.wantHealth(t, healthpb.HealthCheckResponse_SERVING)
			if code, body := svc.get(t, "/readyz"); code != http.StatusOK || body != "ok\n" {
				t.Errorf("/readyz = %d %q, want 200 ok", code, body)
			}

			lines := svc.logLines(t, msgKeysUnavailable)
			if len(lines) != 1 || !strings.Contains(lines[0]["cause"].(string), tt.wantCause) {
				t.Errorf("cause lines = %v, want one naming %q (fetches: %d)", lines, tt.wantCause, iss.JWKSFetches())
			}
			if n := len(svc.logLines(t, msgKeysLoaded)); n != 1 {
				t.Errorf("%d %q lines, want 1", n, msgKeysLoaded)
			}
			if strings.Contains(svc.log.String(), iss.SecretKey) {
				t.Error("the log holds the secret key")
			}
		})
	}
}

// TestReadinessOutageAfterWarmUp: after the first load a Clerk outage does
// not make the service unready; stale keys verify; the refresh failure is
// logged once.
func TestReadinessOutageAfterWarmUp(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	svc := startService(t, map[string]string{"CLERK_SECRET_KEY": iss.SecretKey, "CLERK_API_URL": iss.Server.URL},
		func(c *verifier.Config) { c.MinRefreshInterval = time.Millisecond })
	waitFor(t, "SERVING", func() bool { return svc.healthOf(t, "") == healthpb.HealthCheckResponse_SERVING })
	iss.SetDown(true)
	unknownKid := iss.MintWithHeader(t, map[string]any{"alg": "RS256", "kid": "ins_unknown"}, nil)
	for range 3 { // each call waits for its refetch (or is refused one by the backoff)
		time.Sleep(10 * time.Millisecond) // past the refetch gap: not a synchronisation
		_, err := svc.client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: unknownKid})
		if status.Code(err) != codes.Unavailable {
			t.Fatalf("unknown kid during the outage: %v, want Unavailable", err)
		}
	}
	if iss.JWKSFetches() < 3 {
		t.Fatalf("fetches = %d, want the warm-up and at least two refreshes", iss.JWKSFetches())
	}
	svc.wantHealth(t, healthpb.HealthCheckResponse_SERVING)
	if code, _ := svc.get(t, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d during an outage after warm-up, want 200", code)
	}
	if _, err := svc.client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: iss.Mint(t, nil)}); err != nil {
		t.Errorf("a token of a loaded key during the outage: %v", err)
	}
	if lines := svc.logLines(t, msgRefreshFailed); len(lines) != 1 || lines[0]["level"] != "WARN" {
		t.Errorf("refresh-failure lines = %v, want one WARN", lines)
	}
	if n := len(svc.logLines(t, msgKeysUnavailable)); n != 0 {
		t.Errorf("%d unavailable lines, want none", n)
	}
}

// TestReadinessInlineKey: with CLERK_JWT_KEY the service is ready at once.
func TestReadinessInlineKey(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	svc := startService(t, map[string]string{"CLERK_JWT_KEY": iss.PublicKeyPEM()}, nil)
	svc.wantHealth(t, healthpb.HealthCheckResponse_SERVING)
	if code, body := svc.get(t, "/readyz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/readyz = %d %q, want 200 ok", code, body)
	}
	if iss.JWKSFetches() != 0 {
		t.Errorf("an inline key fetched the key set %d times", iss.JWKSFetches())
	}
}
