package telemetry_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/metadata"

	"github.com/authsvc/authsvc/backendapi"
	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/telemetry"
	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// incoming is the caller's trace context, as a W3C traceparent.
const (
	incomingTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	incomingParent  = "00-" + incomingTraceID + "-00f067aa0ba902b7-01"
)

func newTracing(t *testing.T) (*telemetry.Tracing, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	return telemetry.NewTracing(tp), exp
}

func TestTracingRPCWithBackendCall(t *testing.T) {
	t.Parallel()
	tr, exp := newTracing(t)
	user, err := os.ReadFile("../../backendapi/testdata/user.json")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var gotParent string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gotParent = r.Header.Get("Traceparent")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(user)
	}))
	t.Cleanup(api.Close)
	backend, err := backendapi.NewClient("sk_test_tracing", backendapi.WithBaseURL(api.URL), backendapi.WithHTTPClient(tr.HTTPClient(nil)))
	if err != nil {
		t.Fatal(err)
	}
	iss := verifiertest.NewIssuer(t)
	v, err := verifier.New(iss.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	srv, err := server.New(server.Config{Verifier: v, Backend: backend, Callers: testCallers()})
	if err != nil {
		t.Fatal(err)
	}
	conn := serve(t, srv, server.GRPCOptions{ServerOptions: tr.GRPCServerOptions()})
	ctx := metadata.AppendToOutgoingContext(withCallerKey(t.Context()), "traceparent", incomingParent)
	if _, err := authsvcv1.NewAuthServiceClient(conn).GetUser(ctx, &authsvcv1.GetUserRequest{UserId: "user_1"}); err != nil {
		t.Fatalf("GetUser: %v", err)
	}

	// The server span ends in the stats handler after the response has
	// gone out, so the client can return before it is exported: wait for
	// it (the client span ended before the response was written).
	var srvSpan, cliSpan *tracetest.SpanStub
	var spans tracetest.SpanStubs
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		srvSpan, cliSpan = nil, nil
		spans = exp.GetSpans()
		for i := range spans {
			switch s := &spans[i]; s.SpanKind {
			case trace.SpanKindServer:
				srvSpan = s
			case trace.SpanKindClient:
				cliSpan = s
			}
		}
		if srvSpan != nil && cliSpan != nil || time.Now().After(deadline) {
			break
		}
	}
	if srvSpan == nil || cliSpan == nil || len(spans) != 2 {
		t.Fatalf("spans %v: want one server and one client span", names(spans))
	}
	if srvSpan.Name != "authsvc.v1.AuthService/GetUser" {
		t.Errorf("server span name %q", srvSpan.Name)
	}
	if got := srvSpan.SpanContext.TraceID().String(); got != incomingTraceID {
		t.Errorf("server span trace %s, want the incoming %s", got, incomingTraceID)
	}
	if cliSpan.Parent.SpanID() != srvSpan.SpanContext.SpanID() || cliSpan.SpanContext.TraceID() != srvSpan.SpanContext.TraceID() {
		t.Errorf("client span's parent %v, want the server span %v", cliSpan.Parent, srvSpan.SpanContext)
	}
	mu.Lock()
	defer mu.Unlock()
	want := "00-" + incomingTraceID + "-" + cliSpan.SpanContext.SpanID().String() + "-01"
	if gotParent != want {
		t.Errorf("Backend API saw traceparent %q, want %q", gotParent, want)
	}
}

func TestTracingHTTPHandler(t *testing.T) {
	t.Parallel()
	tr, exp := newTracing(t)
	h := tr.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }))
	req := httptest.NewRequest(http.MethodGet, "/readyz", nil)
	req.Header.Set("Traceparent", incomingParent)
	h.ServeHTTP(httptest.NewRecorder(), req)
	spans := exp.GetSpans()
	if len(spans) != 1 || spans[0].Name != "HTTP GET" || spans[0].SpanContext.TraceID().String() != incomingTraceID {
		t.Fatalf("spans %v: want one \"HTTP GET\" span in trace %s", names(spans), incomingTraceID)
	}
}

func TestTracingOffInstallsNothing(t *testing.T) {
	t.Parallel()
	var off *telemetry.Tracing // what SetupTracing returns without OTEL_EXPORTER_OTLP_ENDPOINT
	h := http.Handler(&http.ServeMux{})
	c := &http.Client{}
	if off.Enabled() || off.GRPCServerOptions() != nil || off.HTTPClient(c) != c || off.HTTPClient(nil) != nil || off.HTTPHandler(h) != h {
		t.Error("off tracing wrapped a handler or client, or added server options")
	}
	if err := off.Shutdown(t.Context()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name+"/"+s.SpanKind.String())
	}
	return out
}
