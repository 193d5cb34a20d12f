package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	middleware "github.com/grpc-ecosystem/go-grpc-middleware/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// readiness turns the verifier's key status and the shutdown stages into
// the gRPC health status (services "" and authsvc.v1.AuthService) and
// /readyz, and logs every change of the key set's cause once. Ready means:
// not shutting down, and the verifier's [verifier.KeyStatus] is Ready (an
// inline key, or a loaded key set that Clerk's last answer did not reject).
// Safe for concurrent use.
type readiness struct {
	log  *slog.Logger
	keys func() verifier.KeyStatus

	mu       sync.Mutex
	hs       *health.Server // nil until attach
	draining bool

	drainOnce sync.Once
	drained   chan struct{} // closed when in-flight calls drain: ends health Watch streams
}

func newReadiness(log *slog.Logger) *readiness {
	return &readiness{log: log, drained: make(chan struct{})}
}

// attach starts reporting to hs, reading the key status from keys.
func (r *readiness) attach(hs *health.Server, keys func() verifier.KeyStatus) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hs, r.keys = hs, keys
	r.setLocked(keys())
}

// keyEvent is the verifier's [verifier.Config.OnKeyEvent].
func (r *readiness) keyEvent(ev verifier.KeyEvent) {
	if ev.Changed {
		logKeyEvent(r.log, ev)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.setLocked(ev.Status)
}

// logKeyEvent writes the one line for a change of the key set's cause. The
// error never holds the secret key (verifier.Error's contract).
func logKeyEvent(log *slog.Logger, ev verifier.KeyEvent) {
	st := ev.Status
	switch {
	case ev.Err == nil:
		log.Info("key set loaded", "keys", st.Keys)
	case st.Ready:
		log.Warn("key set refresh failed; the keys loaded before keep serving", "cause", ev.Err.Error(),
			"keys", st.Keys, "last_success", st.LastSuccess)
	default:
		log.Error("key set unavailable: reporting NOT_SERVING, retrying", "cause", ev.Err.Error())
	}
}

func (r *readiness) setLocked(st verifier.KeyStatus) {
	if r.hs == nil || r.draining {
		return
	}
	status := healthpb.HealthCheckResponse_NOT_SERVING
	if st.Ready {
		status = healthpb.HealthCheckResponse_SERVING
	}
	r.hs.SetServingStatus("", status)
	r.hs.SetServingStatus(authsvcv1.AuthService_ServiceDesc.ServiceName, status)
}

// drain reports NOT_SERVING from now on, whatever the keys do (SIGTERM's
// first stage). Calls are still served.
func (r *readiness) drain() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.draining = true
	if r.hs != nil {
		r.hs.Shutdown() // NOT_SERVING for every service; later updates are ignored
	}
}

// endWatches ends the open health Watch streams, which would otherwise
// keep a graceful stop waiting until its timeout (second stage).
func (r *readiness) endWatches() {
	r.drainOnce.Do(func() { close(r.drained) })
}

// reason is "" when ready, else the one-line reason /readyz gives.
func (r *readiness) reason() string {
	r.mu.Lock()
	draining, keys := r.draining, r.keys
	r.mu.Unlock()
	switch {
	case draining:
		return "shutting down"
	case keys == nil:
		return "starting"
	}
	st := keys()
	switch {
	case st.Ready:
		return ""
	case st.Cause == nil:
		return "key set not loaded yet"
	default:
		return "key set unavailable: " + strings.Join(strings.Fields(st.Cause.Error()), " ")
	}
}

// ServeHTTP is /readyz: 200 "ok" when ready, else 503 with the reason.
func (r *readiness) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if why := r.reason(); why != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "not ready: "+why+"\n")
		return
	}
	_, _ = io.WriteString(w, "ok\n")
}

// healthz is /healthz: the process is alive and serving HTTP. It says
// nothing about readiness (see /readyz), so a liveness probe never kills a
// replica that waits for Clerk or drains.
func healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
}

// watchEnder is a stream interceptor that ends health Watch streams once
// in-flight calls drain; every other stream passes untouched.
func (r *readiness) watchEnder() grpc.StreamServerInterceptor {
	const watch = "/grpc.health.v1.Health/Watch"
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if info.FullMethod != watch {
			return handler(srv, ss)
		}
		ctx, cancel := context.WithCancel(ss.Context())
		defer cancel()
		var drained atomic.Bool
		go func() {
			select {
			case <-r.drained:
				drained.Store(true)
				cancel()
			case <-ctx.Done():
			}
		}()
		ws := middleware.WrapServerStream(ss)
		ws.WrappedContext = ctx
		err := handler(srv, ws)
		// Ended by the drain, not by the client: the health server says
		// CANCELLED, which means the caller cancelled. UNAVAILABLE tells
		// the client to watch again, elsewhere.
		if drained.Load() {
			return status.Error(codes.Unavailable, "authsvc is shutting down: watch again on another replica")
		}
		return err
	}
}
