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
	"net/url"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/internal/interstitial"
	"github.com/authsvc/authsvc/internal/telemetry"
	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
)

// listening is what a started service tells its caller: the bound addresses.
type listening struct {
	GRPCAddr string
	HTTPAddr string
}

// newLogger writes slog JSON lines at level and above to w.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// runServe wires the service from cfg, listens, calls ready (when non-nil)
// once both listeners are bound, and serves until ctx is done; then it
// shuts down in stages (see shutdown) and returns nil. callers, when
// non-empty, are the caller policy instead of cfg.PolicyFile (dev mode).
// Every error before listening names the setting to fix.
func runServe(ctx context.Context, cfg *config, log *slog.Logger, callers []server.Caller, ready ...func(listening)) error {
	obs, err := newObservability(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer obs.close()
	rd := newReadiness(log)
	vcfg := obs.verifier(verifierConfig(cfg))
	// Every key-set fetch attempt goes to each of these (readiness and its
	// log line; metrics may join), one at a time.
	keyEventSinks := []func(verifier.KeyEvent){rd.keyEvent}
	vcfg.OnKeyEvent = func(ev verifier.KeyEvent) {
		for _, f := range keyEventSinks {
			f(ev)
		}
	}
	if cfg.TuneVerifier != nil {
		cfg.TuneVerifier(&vcfg)
	}
	v, err := verifier.New(vcfg)
	if err != nil {
		return err
	}
	defer v.Close()
	obs.metrics.WatchVerifier(v)
	scfg := server.Config{Verifier: v, Logger: log, PolicyFile: cfg.PolicyFile, Callers: callers, WebhookSecret: cfg.WebhookSecret,
		Edge:  server.EdgeConfig{DisableExtAuthz: !cfg.ExtAuthz, PublicPaths: cfg.PublicPaths, Record: telemetry.EdgeCheck},
		Hooks: server.Hooks{PolicyDenied: telemetry.PolicyDenial, PolicyReloaded: telemetry.ConfigReload}}
	if len(callers) > 0 {
		scfg.PolicyFile = ""
	}
	if cfg.SecretKey != "" {
		backend, err := backendapi.NewClient(cfg.SecretKey, append(obs.backendOptions(), backendOptions(cfg)...)...)
		if err != nil {
			return err
		}
		scfg.Backend = backend
		scfg.Interstitial = server.NewInterstitialCache(backend.GetInterstitial, 5*time.Minute, time.Now).Get
	}
	if cfg.PublishableKey != "" {
		// Rendered locally: the interstitial needs no Backend API call.
		if scfg.Interstitial, err = localInterstitial(cfg.PublishableKey); err != nil {
			return err
		}
	}
	srv, err := server.New(scfg)
	if errors.Is(err, server.ErrPolicy) {
		return fmt.Errorf("AUTHSVC_POLICY (--policy): %w", err)
	}
	if err != nil {
		return err
	}
	gopts, certs, err := grpcOptions(cfg, log)
	if err != nil {
		return err
	}
	if certs != nil {
		certs.onReload = telemetry.ConfigReload
	}
	gopts.Stream = append(gopts.Stream, rd.watchEnder())
	gopts = obs.grpc(gopts)
	gs, hs := server.NewGRPCServer(srv, gopts)
	rd.attach(hs, v.KeyStatus)
	v.Preload() // the key set is fetched at start; readiness follows it

	grpcLis, err := net.Listen("tcp", cfg.GRPCAddr)
	if err != nil {
		return fmt.Errorf("AUTHSVC_GRPC_ADDR (--grpc-addr): %w", err)
	}
	grpcLis = server.LimitListener(grpcLis, cfg.MaxConnections)
	stopReload := startReload(ctx, log, srv, scfg.PolicyFile, certs)
	defer stopReload()
	var httpSrv *http.Server
	var httpGS *grpc.Server
	var httpLis net.Listener
	if cfg.HTTPAddr != "" {
		if httpLis, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
			grpcLis.Close()
			return fmt.Errorf("AUTHSVC_HTTP_ADDR (--http-addr): %w", err)
		}
		// The HTTP port's Connect and gRPC-Web calls run on a gRPC server
		// of their own, built alike: a graceful stop closes a server's
		// ServeHTTP transports at once, so the two drain apart (shutdown).
		// No connection limit here: a full limit refuses the kubelet's
		// liveness probe too, and a client holding the slots would get the
		// pod restarted; the timeouts (newHTTPServer) bound what an idle
		// connection costs.
		// Its health server is left unread: the HTTP port routes only the
		// AuthService to it (connectPattern), and /readyz is its readiness.
		httpGS, _ = server.NewGRPCServer(srv, gopts)
		connect, err := connectHandler(httpGS, cfg.MaxRecvBytes)
		if err != nil {
			grpcLis.Close()
			httpLis.Close()
			return err
		}
		var handler http.Handler = obs.tracing.HTTPHandler(httpMux(map[string]http.Handler{
			"GET /healthz":  healthz(),
			"GET /readyz":   rd,
			"GET /metrics":  obs.metrics.Handler(),
			"/forward-auth": srv.ForwardAuthHandler(),
			connectPattern:  connect,
		}))
		if cfg.WrapHTTP != nil {
			handler = cfg.WrapHTTP(handler)
		}
		httpSrv = newHTTPServer(cfg, handler)
		go func() { _ = httpSrv.Serve(httpLis) }()
	}
	errc := make(chan error, 1)
	go func() { errc <- gs.Serve(grpcLis) }()
	at := listening{GRPCAddr: grpcLis.Addr().String()}
	if httpLis != nil {
		at.HTTPAddr = httpLis.Addr().String()
	}
	log.Info("authsvc listening", "grpc", at.GRPCAddr, "http", at.HTTPAddr, "policy", srv.PolicyCallers(), "tls", cfg.TLSCert != "",
		"keys", keySourceName(cfg))
	warnLoopbackInContainer(log, at)
	for _, f := range ready {
		f(at)
	}
	// SIGHUP (reload the policy and the TLS certificate) joins this select.
	select {
	case err = <-errc:
		if httpSrv != nil {
			_ = httpSrv.Close()
		}
		return fmt.Errorf("grpc server: %w", err)
	case <-ctx.Done():
	}
	shutdown(log, cfg, rd, gs, httpGS, httpSrv)
	return nil
}

// shutdown is the lifecycle after SIGTERM or SIGINT, each stage logged:
//  1. health reports NOT_SERVING while calls are still accepted and
//     served, for cfg.ShutdownDelay, so load balancers stop routing here;
//  2. the listeners close and in-flight calls drain, within
//     cfg.ShutdownTimeout;
//  3. past the timeout, the remaining calls are cut (a hard stop).
func shutdown(log *slog.Logger, cfg *config, rd *readiness, gs, httpGS *grpc.Server, httpSrv *http.Server) {
	rd.drain() // before the line, so whoever reads the line sees NOT_SERVING
	log.Info("shutdown: reporting NOT_SERVING, still serving", "delay", cfg.ShutdownDelay.String())
	time.Sleep(cfg.ShutdownDelay)

	log.Info("shutdown: draining in-flight calls", "timeout", cfg.ShutdownTimeout.String())
	rd.endWatches()
	deadline, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	stop := func(port string, g *grpc.Server) {
		stopped := make(chan struct{})
		go func() { g.GracefulStop(); close(stopped) }()
		select {
		case <-stopped:
		case <-deadline.Done():
			log.Warn("shutdown: timeout reached, cutting the remaining calls", "port", port, "timeout", cfg.ShutdownTimeout.String())
			g.Stop()
		}
	}
	// The two ports drain side by side. The gRPC port sends GOAWAY at once.
	// The HTTP port's calls run on httpGS, whose graceful stop would close
	// their transports at once (an in-flight Connect call got HTTP 500
	// "unknown"), so its HTTP server drains first and httpGS stops after.
	var wg sync.WaitGroup
	wg.Go(func() { stop("grpc", gs) })
	if httpSrv != nil {
		wg.Go(func() {
			if httpSrv.Shutdown(deadline) != nil {
				log.Warn("shutdown: timeout reached, cutting the remaining HTTP calls", "timeout", cfg.ShutdownTimeout.String())
				_ = httpSrv.Close()
			}
			stop("http", httpGS)
		})
	}
	wg.Wait()
	log.Info("shutdown: complete")
}

// keySourceName says where verification keys come from, for the start line.
func keySourceName(cfg *config) string {
	if cfg.JWTKey != "" {
		return "inline CLERK_JWT_KEY"
	}
	return "fetched from " + redactedURL(cfg.APIURL)
}

// localInterstitial renders the interstitial page for a publishable key
// (parseConfig has validated it).
func localInterstitial(key string) (func(context.Context) (string, error), error) {
	k, err := interstitial.ParsePublishableKey(key)
	if err != nil {
		return nil, fmt.Errorf("CLERK_PUBLISHABLE_KEY: %w", err)
	}
	return interstitial.Local(k)
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
	vc := verifier.Config{
		CacheSize:         cacheSize,
		JWTKey:            cfg.JWTKey,
		SecretKey:         cfg.SecretKey,
		APIURL:            cfg.APIURL,
		APIVersion:        cfg.APIVersion,
		Issuers:           cfg.Issuers,
		AuthorizedParties: cfg.AuthorizedParties,
		ClockSkew:         skew,
	}
	vc.Audiences, vc.AcceptPendingSessions = cfg.Audiences, cfg.AcceptPending
	return vc
}

// grpcOptions builds the limits and the transport credentials (metrics and
// tracing join in observability.grpc);
// certs is the reloadable server certificate, nil without TLS. The caller
// policy is part of the server itself.
func grpcOptions(cfg *config, log *slog.Logger) (server.GRPCOptions, *certSource, error) {
	opts := server.GRPCOptions{
		Logger: log,
		Limits: server.Limits{
			MaxStreams:       cfg.MaxStreams,
			MaxConnectionAge: cfg.MaxConnectionAge,
			MaxRecvBytes:     cfg.MaxRecvBytes,
		},
	}
	if cfg.MaxConnectionAge == 0 {
		opts.Limits.MaxConnectionAge = -1 // AUTHSVC_MAX_CONNECTION_AGE=0: no limit
	}
	if cfg.TLSCert == "" {
		return opts, nil, nil
	}
	tc, certs, err := serverTLS(cfg)
	if err != nil {
		return opts, nil, err
	}
	opts.ServerOptions = append(opts.ServerOptions, grpc.Creds(credentials.NewTLS(tc)))
	return opts, certs, nil
}

// serverTLS loads the server certificate, kept in a [certSource] that
// SIGHUP reloads, and, for mTLS, the client CA.
func serverTLS(cfg *config) (*tls.Config, *certSource, error) {
	certs, err := newCertSource(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, nil, fmt.Errorf("AUTHSVC_TLS_CERT (--tls-cert) / AUTHSVC_TLS_KEY (--tls-key): %w", err)
	}
	tc := &tls.Config{GetCertificate: certs.getCertificate, MinVersion: tls.VersionTLS12}
	if cfg.TLSClientCA != "" {
		pem, err := os.ReadFile(cfg.TLSClientCA)
		if err != nil {
			return nil, nil, fmt.Errorf("AUTHSVC_TLS_CLIENT_CA (--tls-client-ca): %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("AUTHSVC_TLS_CLIENT_CA (--tls-client-ca): no PEM certificates in %s", cfg.TLSClientCA)
		}
		tc.ClientCAs = pool
		// Verified when presented; callers without a certificate may still
		// use API keys, and the policy decides what each may call.
		tc.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return tc, certs, nil
}

// httpMux mounts each handler on its pattern (http.ServeMux syntax, e.g.
// "GET /readyz"); a nil handler is skipped. The HTTP listener serves
// /healthz, /readyz and /metrics; other features add their routes to the
// map runServe passes.
func httpMux(routes map[string]http.Handler) http.Handler {
	mux := http.NewServeMux()
	for pattern, h := range routes {
		if h != nil {
			mux.Handle(pattern, h)
		}
	}
	return mux
}

// redactedURL is u with any password in it replaced by "xxxxx", for logs.
func redactedURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}
