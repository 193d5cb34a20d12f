package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/internal/policy"
	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
)

// listening is what a started service tells its caller: the bound addresses.
type listening struct {
	GRPCAddr string
	HTTPAddr string
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// runServe wires the service from cfg, listens, calls ready (when non-nil)
// once both listeners are bound, and serves until ctx is done. pol overrides
// cfg.PolicyFile when non-nil (dev mode).
func runServe(ctx context.Context, cfg *config, log *slog.Logger, pol *policy.Policy, ready ...func(listening)) error {
	v, err := verifier.New(verifierConfig(cfg))
	if err != nil {
		return err
	}
	defer v.Close()
	scfg := server.Config{Verifier: v, Logger: log}
	if cfg.SecretKey != "" {
		backend, err := backendapi.NewClient(cfg.SecretKey, backendapi.WithBaseURL(cfg.APIURL), backendapi.WithAPIVersion(cfg.APIVersion))
		if err != nil {
			return err
		}
		scfg.Backend = backend
		scfg.Interstitial = server.NewInterstitialCache(backend.GetInterstitial, 5*time.Minute, time.Now).Get
	}
	if pol == nil && cfg.PolicyFile != "" {
		if pol, err = policy.Load(cfg.PolicyFile); err != nil {
			return err
		}
	}
	srv, err := server.New(scfg)
	if err != nil {
		return err
	}
	gopts, err := grpcOptions(cfg, log, pol)
	if err != nil {
		return err
	}
	gs, hs := server.NewGRPCServer(srv, gopts)

	grpcLis, err := net.Listen("tcp", cfg.GRPCAddr)
	if err != nil {
		return fmt.Errorf("grpc listener: %w", err)
	}
	var httpSrv *http.Server
	var httpLis net.Listener
	if cfg.HTTPAddr != "" {
		if httpLis, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
			grpcLis.Close()
			return fmt.Errorf("http listener: %w", err)
		}
		httpSrv = &http.Server{Handler: httpMux(gopts.Metrics, hs), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = httpSrv.Serve(httpLis) }()
	}
	errc := make(chan error, 1)
	go func() { errc <- gs.Serve(grpcLis) }()
	at := listening{GRPCAddr: grpcLis.Addr().String()}
	if httpLis != nil {
		at.HTTPAddr = httpLis.Addr().String()
	}
	log.Info("authsvc listening", "grpc", at.GRPCAddr, "http", at.HTTPAddr, "policy", pol != nil, "tls", cfg.TLSCert != "")
	warnLoopbackInContainer(log, at)
	for _, f := range ready {
		f(at)
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
		hs.Shutdown()
		stopped := make(chan struct{})
		go func() { gs.GracefulStop(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			gs.Stop()
		}
	}
	if httpSrv != nil {
		shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = httpSrv.Shutdown(shutCtx)
	}
	if errors.Is(err, grpc.ErrServerStopped) {
		err = nil
	}
	return err
}

func verifierConfig(cfg *config) verifier.Config {
	skew := cfg.ClockSkew
	if skew == 0 {
		// verifier.Config reads zero as "the 5 s default"; an operator who
		// sets AUTHSVC_CLOCK_SKEW=0s means no leeway, which 1 ns is.
		skew = time.Nanosecond
	}
	cacheSize := cfg.CacheSize
	if cacheSize == 0 {
		cacheSize = -1 // verifier.Config reads 0 as the default size and < 0 as off
	}
	return verifier.Config{
		CacheSize:         cacheSize,
		JWTKey:            cfg.JWTKey,
		SecretKey:         cfg.SecretKey,
		APIURL:            cfg.APIURL,
		APIVersion:        cfg.APIVersion,
		Issuers:           cfg.Issuers,
		AuthorizedParties: cfg.AuthorizedParties,
		ClockSkew:         skew,
	}
}

// grpcOptions builds the interceptor chain additions (caller policy),
// metrics and transport credentials.
func grpcOptions(cfg *config, log *slog.Logger, pol *policy.Policy) (server.GRPCOptions, error) {
	metrics := grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
	opts := server.GRPCOptions{
		Logger:  log,
		Metrics: metrics,
		Unary:   []grpc.UnaryServerInterceptor{server.AuthzUnaryInterceptor(pol)},
		Stream:  []grpc.StreamServerInterceptor{server.AuthzStreamInterceptor(pol)},
	}
	if cfg.TLSCert != "" {
		tc, err := serverTLS(cfg)
		if err != nil {
			return opts, err
		}
		opts.ServerOptions = append(opts.ServerOptions, grpc.Creds(credentials.NewTLS(tc)))
	}
	return opts, nil
}

// serverTLS loads the server certificate and, for mTLS, the client CA.
func serverTLS(cfg *config) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("AUTHSVC_TLS_CERT/AUTHSVC_TLS_KEY: %w", err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if cfg.TLSClientCA != "" {
		pem, err := os.ReadFile(cfg.TLSClientCA)
		if err != nil {
			return nil, fmt.Errorf("AUTHSVC_TLS_CLIENT_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("AUTHSVC_TLS_CLIENT_CA: no PEM certificates in %s", cfg.TLSClientCA)
		}
		tc.ClientCAs = pool
		// Verified when presented; callers without a certificate may still
		// use API keys, and the policy decides what each may call.
		tc.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return tc, nil
}

// httpMux serves /metrics (Prometheus) and /healthz (the gRPC health
// server's overall status) on the side port.
func httpMux(metrics *grpcprom.ServerMetrics, hs healthpb.HealthServer) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		resp, err := hs.Check(r.Context(), &healthpb.HealthCheckRequest{})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			http.Error(w, "not serving", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	return mux
}
