package telemetry_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"

	"github.com/authsvc/authsvc/backendapi"
	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/telemetry"
	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// designFamilies is DESIGN.md's Operations list of metric families.
var designFamilies = []string{
	"authsvc_verifications_total", "authsvc_auth_states_total", "authsvc_edge_checks_total",
	"authsvc_decision_cache_requests_total", "authsvc_decision_cache_entries", "authsvc_jwks_fetches_total",
	"authsvc_jwks_keys", "authsvc_jwks_last_success_timestamp_seconds", "authsvc_backend_requests_total",
	"authsvc_backend_request_duration_seconds", "authsvc_backend_retries_total",
	"authsvc_backend_ratelimit_wait_seconds", "authsvc_policy_denials_total", "authsvc_config_reloads_total",
	"authsvc_build_info",
	// besides: the middleware's and the Go and process collectors
	"grpc_server_started_total", "grpc_server_handled_total", "grpc_server_handling_seconds",
	"go_goroutines", "process_resident_memory_bytes",
}

// harness is a real verifier (JWKS over httptest), a Backend API fake that
// answers the first request 429 and the rest with a user, and the
// AuthService over bufconn with the production interceptor chain.
type harness struct {
	m      *telemetry.Metrics
	iss    *verifiertest.Issuer
	client authsvcv1.AuthServiceClient
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	m := telemetry.New()
	iss := verifiertest.NewIssuer(t)
	vc := iss.Config()
	vc.Observer = m.VerifierObserver()
	v, err := verifier.New(vc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	m.WatchVerifier(v)
	user, err := os.ReadFile("../../backendapi/testdata/user.json")
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"errors":[{"code":"too_many_requests"}]}`, http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(user)
	}))
	t.Cleanup(api.Close)
	backend, err := backendapi.NewClient("sk_test_metrics", backendapi.WithBaseURL(api.URL), backendapi.WithObserver(m.BackendObserver()))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Verifier: v, Backend: backend, Callers: testCallers()})
	if err != nil {
		t.Fatal(err)
	}
	conn := serve(t, srv, server.GRPCOptions{Metrics: m.GRPC(), Observer: m})
	return &harness{m: m, iss: iss, client: authsvcv1.NewAuthServiceClient(conn)}
}

// testCallerKey is the caller key granted every proxy RPC in these tests.
const testCallerKey = "metrics-test-caller-key"

// testCallers is a policy that grants testCallerKey every method.
func testCallers() []server.Caller {
	sum := sha256.Sum256([]byte(testCallerKey))
	return []server.Caller{{Name: "metrics-test", KeySHA256: hex.EncodeToString(sum[:]), Allow: []string{"*"}}}
}

// withCallerKey presents testCallerKey on the outgoing call.
func withCallerKey(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+testCallerKey)
}

func serve(t testing.TB, srv *server.Server, opts server.GRPCOptions) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	gs, _ := server.NewGRPCServer(srv, opts)
	go func() { _ = gs.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(); gs.Stop() })
	return conn
}

// scrape fetches /metrics from m's handler and parses the exposition.
func scrape(t *testing.T, m *telemetry.Metrics) (map[string]*dto.MetricFamily, int) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams, len(body)
}

// value returns the counter, gauge or histogram count of the series of
// family name whose labels include want, or -1 when there is none.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, mt := range f.GetMetric() {
		got := map[string]string{}
		for _, lp := range mt.GetLabel() {
			got[lp.GetName()] = lp.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case mt.Counter != nil:
			return mt.GetCounter().GetValue()
		case mt.Gauge != nil:
			return mt.GetGauge().GetValue()
		case mt.Histogram != nil:
			return float64(mt.GetHistogram().GetSampleCount())
		}
	}
	return -1
}

func TestMetricsAfterScriptedCalls(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := t.Context()
	good := h.iss.Mint(t, nil)
	expired := h.iss.Mint(t, map[string]any{"exp": time.Now().Add(-time.Hour).Unix(), "iat": time.Now().Add(-2 * time.Hour).Unix(), "nbf": nil})

	// 1. verify ok twice: a cache miss (and the first key fetch), then a hit.
	for range 2 {
		if _, err := h.client.VerifySessionToken(ctx, &authsvcv1.VerifySessionTokenRequest{Token: good}); err != nil {
			t.Fatalf("verify good: %v", err)
		}
	}
	// 2. verify rejected: expired, a second miss.
	if _, err := h.client.VerifySessionToken(ctx, &authsvcv1.VerifySessionTokenRequest{Token: expired}); err == nil {
		t.Fatal("verify expired: no error")
	}
	// 3. auth state, cookie form, signed in: a hit.
	iat := strconv.FormatInt(time.Now().Add(-time.Minute).Unix(), 10)
	as, err := h.client.GetAuthState(ctx, &authsvcv1.GetAuthStateRequest{CookieToken: &good, ClientUat: &iat, Host: proto.String("example.com"), UserAgent: proto.String("Mozilla/5.0")})
	if err != nil || as.GetStatus() != authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN {
		t.Fatalf("auth state: %v %v %v", as.GetStatus(), as.GetReason(), err)
	}
	// 4. a proxy call: 429 (retried after Retry-After: 0), then 200.
	if _, err := h.client.GetUser(withCallerKey(ctx), &authsvcv1.GetUserRequest{UserId: "user_2metricsSecretID"}); err != nil {
		t.Fatalf("get user: %v", err)
	}
	// 5. what the lead wires through hooks: a policy denial, two reloads, an edge check.
	h.m.PolicyDenial(authsvcv1.AuthService_GetUser_FullMethodName, codes.PermissionDenied)
	h.m.ConfigReload(nil)
	h.m.ConfigReload(errors.New("policy: bad"))
	h.m.EdgeCheck(telemetry.EdgeExtAuthz, telemetry.DecisionAllow)

	fams, size := scrape(t, h.m)
	t.Logf("/metrics: %d bytes, %d families", size, len(fams))
	for _, name := range designFamilies {
		if fams[name] == nil {
			t.Errorf("family %s missing", name)
		}
	}
	type row struct {
		name   string
		labels map[string]string
		want   float64
	}
	rows := []row{
		{"authsvc_verifications_total", map[string]string{"method": "VerifySessionToken", "outcome": "valid", "reason": ""}, 2},
		{"authsvc_verifications_total", map[string]string{"method": "VerifySessionToken", "outcome": "invalid", "reason": "token-expired"}, 1},
		{"authsvc_auth_states_total", map[string]string{"status": "signed-in", "reason": "standard-signed-in"}, 1},
		{"authsvc_decision_cache_requests_total", map[string]string{"result": "hit"}, 2},
		{"authsvc_decision_cache_requests_total", map[string]string{"result": "miss"}, 2},
		{"authsvc_decision_cache_entries", nil, 1},
		{"authsvc_jwks_fetches_total", map[string]string{"result": "success"}, 1},
		{"authsvc_jwks_keys", nil, 1},
		{"authsvc_backend_requests_total", map[string]string{"operation": "GET /users/{id}", "code": "429"}, 1},
		{"authsvc_backend_requests_total", map[string]string{"operation": "GET /users/{id}", "code": "200"}, 1},
		{"authsvc_backend_request_duration_seconds", map[string]string{"operation": "GET /users/{id}"}, 2},
		{"authsvc_backend_retries_total", map[string]string{"operation": "GET /users/{id}", "cause": "rate_limited"}, 1},
		{"authsvc_backend_ratelimit_wait_seconds", nil, 2},
		{"authsvc_policy_denials_total", map[string]string{"method": "GetUser", "code": "PermissionDenied"}, 1},
		{"authsvc_config_reloads_total", map[string]string{"result": "success"}, 1},
		{"authsvc_config_reloads_total", map[string]string{"result": "failure"}, 1},
		{"authsvc_edge_checks_total", map[string]string{"kind": "ext_authz", "decision": "allow"}, 1},
		{"authsvc_build_info", nil, 1},
		{"grpc_server_handled_total", map[string]string{"grpc_method": "VerifySessionToken", "grpc_code": "OK"}, 2},
		{"grpc_server_handled_total", map[string]string{"grpc_method": "VerifySessionToken", "grpc_code": "Unauthenticated"}, 1},
	}
	for _, r := range rows {
		if got := value(fams, r.name, r.labels); got != r.want {
			t.Errorf("%s%v = %v, want %v", r.name, r.labels, got, r.want)
		}
	}
	if ts := value(fams, "authsvc_jwks_last_success_timestamp_seconds", nil); ts < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("authsvc_jwks_last_success_timestamp_seconds = %v, want about now", ts)
	}
	secrets := []string{"user_2metricsSecretID", h.iss.SecretKey, "sk_test_metrics", good, expired, "eyJ", "user_test", "sess_test"}
	for _, f := range fams {
		for _, mt := range f.GetMetric() {
			for _, lp := range mt.GetLabel() {
				for _, s := range secrets {
					if strings.Contains(lp.GetValue(), s[:min(len(s), 24)]) {
						t.Errorf("%s label %s=%q carries %q", f.GetName(), lp.GetName(), lp.GetValue(), s[:min(len(s), 12)])
					}
				}
			}
		}
	}
}

func TestLabelValuesOutsideTheirSetsAreOther(t *testing.T) {
	t.Parallel()
	m := telemetry.New()
	m.EdgeCheck("ext_authz\nuser_1", "allow")
	m.PolicyDenial("/evil.Service/user_1", codes.Code(99))
	m.Verification("/authsvc.v1.AuthService/user_1", "maybe", verifier.Reason("sk_live_leak"))
	m.AuthState(authsvcv1.AuthStatus(42), "token-eyJ")
	fams, _ := scrape(t, m)
	got := map[string]float64{
		"edge":   value(fams, "authsvc_edge_checks_total", map[string]string{"kind": "other", "decision": "allow"}),
		"denial": value(fams, "authsvc_policy_denials_total", map[string]string{"method": "other", "code": "other"}),
		"verify": value(fams, "authsvc_verifications_total", map[string]string{"method": "other", "outcome": "other", "reason": "other"}),
		"state":  value(fams, "authsvc_auth_states_total", map[string]string{"status": "other", "reason": "other"}),
	}
	want := map[string]float64{"edge": 1, "denial": 1, "verify": 1, "state": 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestPackageRecordersUseTheDefault is not parallel: it sets the
// package-level default Metrics.
//
//nolint:paralleltest // mutates the package default
func TestPackageRecordersUseTheDefault(t *testing.T) {
	m := telemetry.New()
	telemetry.SetDefault(m)
	t.Cleanup(func() { telemetry.SetDefault(nil) })
	telemetry.EdgeCheck(telemetry.EdgeForwardAuth, telemetry.DecisionDeny)
	telemetry.PolicyDenial("GetUser", codes.Unauthenticated)
	telemetry.ConfigReload(nil)
	fams, _ := scrape(t, m)
	got := []float64{
		value(fams, "authsvc_edge_checks_total", map[string]string{"kind": "forward_auth", "decision": "signed-out"}),
		value(fams, "authsvc_policy_denials_total", map[string]string{"method": "GetUser", "code": "Unauthenticated"}),
		value(fams, "authsvc_config_reloads_total", map[string]string{"result": "success"}),
	}
	if diff := cmp.Diff([]float64{1, 1, 1}, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	telemetry.SetDefault(nil)
	telemetry.EdgeCheck(telemetry.EdgeForwardAuth, telemetry.DecisionDeny) // no default: a no-op, no panic
}

// Metrics is the server's Observer, and the outcome label's values are the
// ones the server reports.
var _ server.Observer = (*telemetry.Metrics)(nil)

func TestOutcomesAreTheServers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ ours, servers string }{
		{telemetry.OutcomeValid, server.OutcomeValid},
		{telemetry.OutcomeInvalid, server.OutcomeInvalid},
		{telemetry.OutcomeUnavailable, server.OutcomeUnavailable},
		{telemetry.OutcomeError, server.OutcomeError},
	} {
		if tt.ours != tt.servers {
			t.Errorf("telemetry outcome %q, server's %q", tt.ours, tt.servers)
		}
	}
}
