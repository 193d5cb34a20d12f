package main

import (
	"net/http"
	"time"

	"github.com/authsvc/authsvc/server"
)

// The HTTP listener's timeouts. Without them a client could hold a
// connection, and the memory of a request it never finished sending, for
// as long as it liked: the gRPC port has its keepalive and age limits,
// and the HTTP port now has these.
const (
	// httpReadHeaderTimeout bounds reading a request's headers.
	httpReadHeaderTimeout = 5 * time.Second
	// httpReadTimeout bounds reading a whole request, body included (on
	// HTTP/2, each stream's): a 1 MiB body at 35 KB/s still fits.
	httpReadTimeout = 30 * time.Second
	// httpWriteTimeout bounds a request from its headers to the end of its
	// answer; it must outlast the slowest handler, a proxy call whose
	// Backend API request may take 30 s (backendapi's HTTP timeout) after
	// waiting for a rate-limit slot (AUTHSVC_BACKEND_MAX_WAIT).
	httpWriteTimeout = 2 * time.Minute
	// httpIdleTimeout closes a keep-alive connection with no request.
	httpIdleTimeout = 2 * time.Minute
)

// newHTTPServer is the HTTP listener's server for h: HTTP/1.1 and h2c,
// the timeouts above, the gRPC port's header bound
// (server.MaxRequestHeaderBytes), and on HTTP/2 the gRPC port's
// per-connection stream limit (AUTHSVC_MAX_STREAMS). It has no connection
// limit, as it serves the liveness probe (see runServe).
func newHTTPServer(cfg *config, h http.Handler) *http.Server {
	read := httpReadTimeout
	if cfg.HTTPReadTimeout > 0 {
		read = cfg.HTTPReadTimeout
	}
	srv := &http.Server{
		Handler:           h,
		Protocols:         httpProtocols(),
		ReadHeaderTimeout: min(httpReadHeaderTimeout, read),
		ReadTimeout:       read,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    server.MaxRequestHeaderBytes,
	}
	if cfg.MaxStreams > 0 {
		srv.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: int(cfg.MaxStreams)}
	}
	return srv
}
