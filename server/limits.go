package server

import (
	"net"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

// Defaults of [Limits], chosen so that one client cannot exhaust the
// process: at most DefaultMaxStreams × DefaultMaxConnections (100 000)
// concurrent streams, about 1.3 GB of Health/Watch streams at the ~13 KB
// each measured, against the 30 000 over 10 connections that one client
// opened before there were limits. Lower AUTHSVC_MAX_CONNECTIONS for small
// containers.
const (
	// DefaultMaxStreams is the per-connection limit on concurrent streams
	// (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS); a client that wants more
	// waits for one to finish. 100 is HTTP/2's recommended minimum.
	DefaultMaxStreams = 100
	// DefaultMaxConnections is the limit on open client connections; see
	// [LimitListener].
	DefaultMaxConnections = 1000
	// DefaultMaxConnectionAge is how long a connection serves before the
	// server asks the client to reconnect (GOAWAY, with ±10% jitter), so
	// that replicas rebalance behind L4 load balancers.
	DefaultMaxConnectionAge = 30 * time.Minute
	// DefaultMaxConnectionAgeGrace is how long calls in flight on an aged
	// connection may run before it is closed.
	DefaultMaxConnectionAgeGrace = 30 * time.Second
	// DefaultMaxRecvBytes bounds one request message. Tokens are at most
	// 8 KiB and proxy requests a few KiB; gRPC's own default is 4 MiB.
	DefaultMaxRecvBytes = 1 << 20
	// MaxRequestHeaderBytes bounds all of one request's headers (gRPC
	// metadata; on the HTTP port, the request line and headers): a token
	// is at most 8 KiB, a browser's cookies a few, and Envoy's own limit is
	// 60 KiB. grpc-go's default is 16 MiB and net/http's 1 MiB, which a
	// client could fill on every stream.
	MaxRequestHeaderBytes = 64 << 10
	// KeepaliveMinTime is the shortest interval between client keepalive
	// pings the server tolerates; a client that pings more often, or pings
	// while it has no call open, is sent GOAWAY ("too_many_pings") and
	// disconnected.
	KeepaliveMinTime = 10 * time.Second
)

// Limits bound what one client can make the server hold. The zero value
// means every default above; they apply whatever builds the server through
// [NewGRPCServer]. The connection limit is applied to the listener, by
// [LimitListener].
type Limits struct {
	// MaxStreams is the per-connection limit on concurrent streams. Zero
	// means [DefaultMaxStreams].
	MaxStreams uint32
	// MaxConnectionAge is the connection lifetime. Zero means
	// [DefaultMaxConnectionAge]; negative means no limit.
	MaxConnectionAge time.Duration
	// MaxRecvBytes bounds one request message. Zero means
	// [DefaultMaxRecvBytes].
	MaxRecvBytes int
}

// serverOptions turns l, defaults applied, into grpc.ServerOptions.
func (l Limits) serverOptions() []grpc.ServerOption {
	if l.MaxStreams == 0 {
		l.MaxStreams = DefaultMaxStreams
	}
	if l.MaxConnectionAge == 0 {
		l.MaxConnectionAge = DefaultMaxConnectionAge
	}
	if l.MaxRecvBytes <= 0 {
		l.MaxRecvBytes = DefaultMaxRecvBytes
	}
	params := keepalive.ServerParameters{}
	if l.MaxConnectionAge > 0 {
		params.MaxConnectionAge = l.MaxConnectionAge
		params.MaxConnectionAgeGrace = DefaultMaxConnectionAgeGrace
	}
	return []grpc.ServerOption{
		grpc.MaxConcurrentStreams(l.MaxStreams),
		grpc.MaxRecvMsgSize(l.MaxRecvBytes),
		grpc.MaxHeaderListSize(MaxRequestHeaderBytes),
		grpc.KeepaliveParams(params),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: KeepaliveMinTime, PermitWithoutStream: false}),
	}
}

// LimitListener returns a listener that keeps at most max connections
// accepted from l open at once: a connection beyond the limit is accepted
// and closed at once, so its client fails fast and can try another replica
// (rather than waiting in the kernel's backlog). A slot frees when the
// server closes a connection. max <= 0 returns l unchanged. The returned
// listener is safe for concurrent use, like l.
func LimitListener(l net.Listener, max int) net.Listener {
	if max <= 0 {
		return l
	}
	return &limitListener{Listener: l, slots: make(chan struct{}, max)}
}

type limitListener struct {
	net.Listener
	slots chan struct{} // one token per open connection
}

// Accept returns the next connection within the limit, closing those
// beyond it.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
		default:
			_ = c.Close()
		}
	}
}

// limitConn frees its slot on the first Close.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
