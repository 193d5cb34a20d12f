package main

import (
	"log/slog"
	"net"
	"os"
)

// warnLoopbackInContainer logs one warning per listener bound to a loopback
// address when the process appears to run in a container: there, loopback
// is unreachable from outside the container, and nothing else would say so.
// The image sets AUTHSVC_GRPC_ADDR and AUTHSVC_HTTP_ADDR to 0.0.0.0, so
// this fires only when an operator overrides them.
func warnLoopbackInContainer(log *slog.Logger, at listening) {
	warnLoopback(log, at, inContainer(os.LookupEnv, fileExists))
}

func warnLoopback(log *slog.Logger, at listening, contained bool) {
	if !contained {
		return
	}
	for _, l := range []struct{ name, env, addr string }{
		{"grpc", "AUTHSVC_GRPC_ADDR", at.GRPCAddr},
		{"http", "AUTHSVC_HTTP_ADDR", at.HTTPAddr},
	} {
		if isLoopback(l.addr) {
			log.Warn("listening on loopback inside a container: unreachable from outside it; set "+l.env+"=0.0.0.0:<port>", "listener", l.name, "addr", l.addr)
		}
	}
}

// inContainer reports the usual signs of a container: Docker's and
// Podman's marker files, or Kubernetes' service environment.
func inContainer(env lookupEnv, exists func(string) bool) bool {
	return envOr(env, "KUBERNETES_SERVICE_HOST", "") != "" || exists("/.dockerenv") || exists("/run/.containerenv")
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// isLoopback reports whether a bound host:port is on a loopback address.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback() || host == "localhost"
}
