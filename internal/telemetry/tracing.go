package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"

	"github.com/authsvc/authsvc/internal/buildinfo"
)

// Tracing is the service's tracing setup. The zero value and a nil
// *Tracing are "off": every method then returns its argument unchanged (or
// nothing), so no instrumentation runs on the hot path. Safe for concurrent
// use once built.
type Tracing struct {
	tp       trace.TracerProvider
	prop     propagation.TextMapPropagator
	shutdown func(context.Context) error
}

// TracingEnabled reports whether the environment asks for OTLP export:
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set
// and OTEL_SDK_DISABLED is not "true".
func TracingEnabled() bool {
	if os.Getenv("OTEL_SDK_DISABLED") == "true" {
		return false
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// SetupTracing returns tracing configured from the environment: off (a nil
// *Tracing and no error) unless [TracingEnabled]; else spans batched to an
// OTLP/HTTP exporter that reads the standard OTEL_EXPORTER_OTLP_* variables
// (endpoint, headers, timeout, compression, TLS), sampled by
// OTEL_TRACES_SAMPLER (default parent-based always-on), with the resource
// from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (service.name defaults
// to "authsvc"). It also installs the W3C trace-context and baggage
// propagator and the provider as the OpenTelemetry globals. Call
// [Tracing.Shutdown] at exit to flush.
func SetupTracing(ctx context.Context) (*Tracing, error) {
	if !TracingEnabled() {
		return nil, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("telemetry: OTLP exporter (OTEL_EXPORTER_OTLP_*): %w", err)
	}
	res, err := resource.Merge(
		resource.NewSchemaless(semconv.ServiceName("authsvc"), semconv.ServiceVersion(buildinfo.Read().Version)),
		resource.Environment(),
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("telemetry: OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res), sdktrace.WithRawSpanLimits(spanLimits()))
	t := NewTracing(tp)
	t.shutdown = tp.Shutdown
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(t.prop)
	return t, nil
}

// NewTracing returns tracing that records into tp with the W3C
// trace-context propagator, without touching the globals. Tests pass an
// SDK provider with an in-memory exporter. There is no baggage propagator:
// a client's baggage (up to 8 KB of anything, and on /forward-auth the end
// user's own headers) would ride along on every call authsvc makes for it.
func NewTracing(tp trace.TracerProvider) *Tracing {
	return &Tracing{tp: tp, prop: propagation.TraceContext{}}
}

// maxSpanAttributeBytes bounds each span attribute's value. The SDK's
// default is no bound, and the HTTP instrumentation records the request's
// method and path as they came: a client could make each queued span hold
// what its request line held.
const maxSpanAttributeBytes = 1 << 10

// spanLimits are the SDK's default span limits with attribute values
// bounded by maxSpanAttributeBytes.
func spanLimits() sdktrace.SpanLimits {
	l := sdktrace.NewSpanLimits()
	l.AttributeValueLengthLimit = maxSpanAttributeBytes
	return l
}

// httpSpanName is "HTTP " and the request's method when it is one of
// HTTP's, else "HTTP": net/http accepts any token as a method, and span
// names must come from a small fixed set.
func httpSpanName(_ string, r *http.Request) string {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return "HTTP " + r.Method
	}
	return "HTTP"
}

// Enabled reports whether t records spans.
func (t *Tracing) Enabled() bool { return t != nil && t.tp != nil }

// GRPCServerOptions returns the otelgrpc stats handler (a server span per
// RPC, trace context read from the incoming metadata), or nothing when off.
func (t *Tracing) GRPCServerOptions() []grpc.ServerOption {
	if !t.Enabled() {
		return nil
	}
	return []grpc.ServerOption{grpc.StatsHandler(otelgrpc.NewServerHandler(
		otelgrpc.WithTracerProvider(t.tp), otelgrpc.WithPropagators(t.prop),
	))}
}

// HTTPHandler wraps h in a server span per request ("HTTP GET", so that
// arbitrary paths do not become span names; see httpSpanName), reading the
// incoming trace context; off, it returns h.
func (t *Tracing) HTTPHandler(h http.Handler) http.Handler {
	if !t.Enabled() {
		return h
	}
	return otelhttp.NewHandler(h, "authsvc.http",
		otelhttp.WithTracerProvider(t.tp), otelhttp.WithPropagators(t.prop),
		otelhttp.WithSpanNameFormatter(httpSpanName),
	)
}

// HTTPClient returns a copy of c whose transport makes a client span per
// request and sends the trace context (traceparent) with it; off, it
// returns c itself. A nil c stands for a client with no timeout.
func (t *Tracing) HTTPClient(c *http.Client) *http.Client {
	if !t.Enabled() {
		return c
	}
	out := &http.Client{}
	if c != nil {
		*out = *c
	}
	base := out.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	out.Transport = otelhttp.NewTransport(base,
		otelhttp.WithTracerProvider(t.tp), otelhttp.WithPropagators(t.prop),
		otelhttp.WithSpanNameFormatter(httpSpanName),
	)
	return out
}

// Shutdown flushes and stops the exporter; off, or for a [NewTracing]
// value, it does nothing.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil || t.shutdown == nil {
		return nil
	}
	return t.shutdown(ctx)
}
