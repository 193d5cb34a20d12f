package telemetry

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestHTTPSpansAreBounded: a request with a made-up 2000-byte method and a
// 5000-byte path gives a span named "HTTP" whose attributes hold at most
// maxSpanAttributeBytes each (SetupTracing's limits), so a client cannot
// make the export queue hold what its request lines held.
func TestHTTPSpansAreBounded(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithRawSpanLimits(spanLimits()))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	h := NewTracing(tp).HTTPHandler(http.NotFoundHandler())
	for _, tc := range []struct{ method, want string }{
		{strings.Repeat("M", 2000), "HTTP"},
		{http.MethodPost, "HTTP POST"},
	} {
		exp.Reset()
		req := httptest.NewRequest(http.MethodGet, "/"+strings.Repeat("p", 5000), nil)
		req.Method = tc.method
		h.ServeHTTP(httptest.NewRecorder(), req)
		spans := exp.GetSpans()
		if len(spans) != 1 || spans[0].Name != tc.want {
			t.Fatalf("method of %d bytes: spans %d, first named %.40q; want one %q", len(tc.method), len(spans), spans[0].Name, tc.want)
		}
		for _, a := range spans[0].Attributes {
			if n := len(a.Value.Emit()); n > maxSpanAttributeBytes {
				t.Errorf("attribute %s holds %d bytes, over %d", a.Key, n, maxSpanAttributeBytes)
			}
		}
	}
}

// TestTracingDropsBaggage: a client's traceparent is continued on the
// calls authsvc makes for it, its baggage is not.
func TestTracingDropsBaggage(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	tr := NewTracing(tp)
	var got http.Header
	upstream := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
	t.Cleanup(upstream.Close)
	client := tr.HTTPClient(upstream.Client())
	h := tr.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, upstream.URL, nil)
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
		}
	}))
	req := httptest.NewRequest(http.MethodGet, "/forward-auth", nil)
	req.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	req.Header.Set("Baggage", "user.id=admin,attacker=hello")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if !strings.Contains(got.Get("Traceparent"), "4bf92f3577b34da6a3ce929d0e0e4736") {
		t.Errorf("upstream traceparent %q, want the client's trace continued", got.Get("Traceparent"))
	}
	if b := got.Get("Baggage"); b != "" {
		t.Errorf("upstream got the client's baggage %q", b)
	}
}
