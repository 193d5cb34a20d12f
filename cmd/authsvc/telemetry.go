package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/internal/hostcheck"
	"github.com/authsvc/authsvc/internal/telemetry"
	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
)

// observability is the service's metrics and tracing, built once per run.
type observability struct {
	metrics   *telemetry.Metrics
	tracing   *telemetry.Tracing // nil when OTEL_EXPORTER_OTLP_ENDPOINT is unset
	stopPprof func()
}

// newObservability builds the metrics registry (and makes it the default
// for telemetry's package-level recorders), OTLP tracing when the OTEL_*
// variables ask for it, and the pprof listener when AUTHSVC_PPROF_ADDR is set.
func newObservability(ctx context.Context, cfg *config, log *slog.Logger) (*observability, error) {
	tr, err := telemetry.SetupTracing(ctx)
	if err != nil {
		return nil, err
	}
	stop, err := startPprof(cfg.PprofAddr, log)
	if err != nil {
		_ = tr.Shutdown(ctx)
		return nil, err
	}
	m := telemetry.New()
	telemetry.SetDefault(m)
	return &observability{metrics: m, tracing: tr, stopPprof: stop}, nil
}

// close stops pprof and flushes the trace exporter, waiting at most 5 s.
func (o *observability) close() {
	o.stopPprof()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = o.tracing.Shutdown(ctx)
}

// verifier adds the fetch observer and, with tracing on, a traced JWKS client.
func (o *observability) verifier(vc verifier.Config) verifier.Config {
	vc.Observer = o.metrics.VerifierObserver()
	if o.tracing.Enabled() {
		vc.HTTPClient = o.tracing.HTTPClient(&http.Client{Timeout: 10 * time.Second})
	}
	return vc
}

// backendOptions are the Backend API client's observer and, with tracing
// on, a traced HTTP client.
func (o *observability) backendOptions() []backendapi.Option {
	opts := []backendapi.Option{backendapi.WithObserver(o.metrics.BackendObserver())}
	if o.tracing.Enabled() {
		opts = append(opts, backendapi.WithHTTPClient(o.tracing.HTTPClient(&http.Client{Timeout: 30 * time.Second})))
	}
	return opts
}

// grpc installs the metrics, the verification recorder and, with tracing
// on, the otelgrpc stats handler.
func (o *observability) grpc(opts server.GRPCOptions) server.GRPCOptions {
	opts.Metrics = o.metrics.GRPC()
	opts.Observer = o.metrics
	opts.ServerOptions = append(opts.ServerOptions, o.tracing.GRPCServerOptions()...)
	return opts
}

// setPprofAddr accepts an empty address (off) or a loopback host:port: the
// profiles show code paths and timings, so they never face the network.
func setPprofAddr(c *config, v string) error {
	c.PprofAddr = v
	if v == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(v)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return errors.New("must be a loopback address (127.0.0.1:port)")
	}
	return nil
}

// startPprof serves net/http/pprof on addr until the returned stop is
// called; an empty addr serves nothing.
func startPprof(addr string, log *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("AUTHSVC_PPROF_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// The address is loopback (setPprofAddr), but a web page in the
	// operator's browser can still reach it through DNS rebinding: only
	// loopback Host names are served.
	srv := &http.Server{Handler: hostcheck.Handler(mux, hostcheck.Config{}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(lis) }()
	log.Info("pprof listening", "addr", lis.Addr().String())
	return func() { _ = srv.Close() }, nil
}
