package server

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// These tests speak raw HTTP/2 to a real loopback server, as a greedy
// client that ignores the server's settings would: golang.org/x/net/http2
// (already in the module graph through grpc) provides the framer.

// serveLoopback serves s with limits on a loopback port, its listener
// wrapped by LimitListener(maxConns), and returns the address.
func serveLoopback(t *testing.T, limits Limits, maxConns int) string {
	t.Helper()
	gs, _ := NewGRPCServer(newProxyServer(t, nil), GRPCOptions{Limits: limits})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = gs.Serve(LimitListener(lis, maxConns)) }()
	t.Cleanup(gs.Stop)
	return lis.Addr().String()
}

// h2conn is a raw HTTP/2 client connection.
type h2conn struct {
	net.Conn
	fr *http2.Framer
}

// dialH2 connects, sends the client preface and empty SETTINGS, and returns
// the first frame the server sends (nil with the error when it sends none).
func dialH2(t *testing.T, addr string) (*h2conn, http2.Frame, error) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
		return nil, nil, err
	}
	h := &h2conn{Conn: c, fr: http2.NewFramer(c, c)}
	if err := h.fr.WriteSettings(); err != nil {
		return nil, nil, err
	}
	f, err := h.fr.ReadFrame()
	return h, f, err
}

// openWatch opens a Health/Watch stream with id and sends its request.
func (h *h2conn) openWatch(t *testing.T, id uint32) {
	t.Helper()
	var hdr bytes.Buffer
	enc := hpack.NewEncoder(&hdr)
	for _, kv := range [][2]string{
		{":method", "POST"}, {":scheme", "http"}, {":path", "/grpc.health.v1.Health/Watch"},
		{":authority", "authsvc"}, {"content-type", "application/grpc"}, {"te", "trailers"},
	} {
		_ = enc.WriteField(hpack.HeaderField{Name: kv[0], Value: kv[1]})
	}
	if err := h.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hdr.Bytes(), EndHeaders: true}); err != nil {
		t.Fatal(err)
	}
	// An empty HealthCheckRequest: the 5-byte gRPC prefix and no payload.
	if err := h.fr.WriteData(id, true, []byte{0, 0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
}

// TestMaxStreamsPerConnection: a client that ignores
// SETTINGS_MAX_CONCURRENT_STREAMS and opens one Health/Watch stream more
// than MaxStreams gets that stream refused, while the others are served.
func TestMaxStreamsPerConnection(t *testing.T) {
	t.Parallel()
	const maxStreams = 3
	addr := serveLoopback(t, Limits{MaxStreams: maxStreams}, 0)
	h, first, err := dialH2(t, addr)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := first.(*http2.SettingsFrame); !ok {
		t.Fatalf("first frame %v, want SETTINGS", first)
	} else if v, ok := s.Value(http2.SettingMaxConcurrentStreams); !ok || v != maxStreams {
		t.Errorf("SETTINGS_MAX_CONCURRENT_STREAMS = %d (%v), want %d", v, ok, maxStreams)
	}
	_ = h.fr.WriteSettingsAck()
	for i := range maxStreams + 1 {
		h.openWatch(t, uint32(2*i+1))
	}
	over := uint32(2*maxStreams + 1)
	served := map[uint32]bool{}
	for len(served) < maxStreams || !served[over] {
		f, err := h.fr.ReadFrame()
		if err != nil {
			t.Fatalf("reading frames: %v (served %v)", err, served)
		}
		switch f := f.(type) {
		case *http2.DataFrame:
			if f.StreamID == over {
				t.Fatalf("stream %d beyond the limit was served", over)
			}
			served[f.StreamID] = true
		case *http2.RSTStreamFrame:
			if f.StreamID != over || f.ErrCode != http2.ErrCodeRefusedStream {
				t.Fatalf("RST_STREAM %d %v, want only stream %d REFUSED_STREAM", f.StreamID, f.ErrCode, over)
			}
			served[over] = true
		}
	}
}

// TestMaxStreamsGRPCClientWaits: a well-behaved gRPC client with MaxStreams
// streams open cannot open another until one ends.
func TestMaxStreamsGRPCClientWaits(t *testing.T) {
	t.Parallel()
	addr := serveLoopback(t, Limits{MaxStreams: 2}, 0)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	health := healthpb.NewHealthClient(conn)
	watch := func(ctx context.Context) error {
		w, err := health.Watch(ctx, &healthpb.HealthCheckRequest{})
		if err == nil {
			_, err = w.Recv()
		}
		return err
	}
	var cancels []context.CancelFunc
	for i := range 2 {
		ctx, cancel := context.WithCancel(t.Context())
		t.Cleanup(cancel)
		if err := watch(ctx); err != nil {
			t.Fatalf("stream %d within the limit: %v", i, err)
		}
		cancels = append(cancels, cancel)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if err := watch(ctx); status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("third stream: %v, want it to wait for a free stream until its deadline", err)
	}
	cancels[0]()
	if err := watch(t.Context()); err != nil {
		t.Errorf("stream after one ended: %v", err)
	}
}

// TestConnectionLimit: connections beyond LimitListener's cap are closed
// at once, without a SETTINGS frame, and a slot frees when one closes.
func TestConnectionLimit(t *testing.T) {
	t.Parallel()
	const maxConns = 2
	addr := serveLoopback(t, Limits{}, maxConns)
	var held []*h2conn
	for i := range maxConns {
		h, f, err := dialH2(t, addr)
		if _, ok := f.(*http2.SettingsFrame); err != nil || !ok {
			t.Fatalf("connection %d within the cap: %v, %v; want SETTINGS", i, f, err)
		}
		held = append(held, h)
	}
	if _, f, err := dialH2(t, addr); err == nil {
		t.Fatalf("connection beyond the cap got %v, want it closed", f)
	}
	_ = held[0].Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, f, err := dialH2(t, addr)
		if _, ok := f.(*http2.SettingsFrame); err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no slot freed after a connection closed")
		}
		time.Sleep(10 * time.Millisecond) // polling for the server to notice the close
	}
}

// TestKeepalivePingFlood: a client that pings with no call open is sent
// GOAWAY ENHANCE_YOUR_CALM "too_many_pings".
func TestKeepalivePingFlood(t *testing.T) {
	t.Parallel()
	addr := serveLoopback(t, Limits{}, 0)
	h, _, err := dialH2(t, addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = h.fr.WriteSettingsAck()
	for i := range 10 {
		if err := h.fr.WritePing(false, [8]byte{byte(i)}); err != nil {
			break // the server may already have closed the connection
		}
	}
	for {
		f, err := h.fr.ReadFrame()
		if err != nil {
			t.Fatalf("connection ended without GOAWAY: %v", err)
		}
		if g, ok := f.(*http2.GoAwayFrame); ok {
			if g.ErrCode != http2.ErrCodeEnhanceYourCalm || string(g.DebugData()) != "too_many_pings" {
				t.Errorf("GOAWAY %v %q, want ENHANCE_YOUR_CALM too_many_pings", g.ErrCode, g.DebugData())
			}
			return
		}
	}
}

// TestMaxConnectionAge: an aged connection is sent GOAWAY, so the client
// reconnects (and an L4 balancer may pick another replica).
func TestMaxConnectionAge(t *testing.T) {
	t.Parallel()
	addr := serveLoopback(t, Limits{MaxConnectionAge: 100 * time.Millisecond}, 0)
	h, _, err := dialH2(t, addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = h.fr.WriteSettingsAck()
	for {
		f, err := h.fr.ReadFrame()
		if err != nil {
			t.Fatalf("connection ended without GOAWAY: %v", err)
		}
		if g, ok := f.(*http2.GoAwayFrame); ok {
			if g.ErrCode != http2.ErrCodeNo {
				t.Errorf("GOAWAY %v, want NO_ERROR", g.ErrCode)
			}
			return
		}
	}
}

// TestMaxRecvBytes: a request larger than the limit is RESOURCE_EXHAUSTED
// before any handler runs.
func TestMaxRecvBytes(t *testing.T) {
	t.Parallel()
	srv := newProxyServer(t, nil)
	client := newTestClient(t, srv, GRPCOptions{Limits: Limits{MaxRecvBytes: 64 << 10}})
	_, err := client.VerifySessionToken(t.Context(), &authsvcv1.VerifySessionTokenRequest{Token: strings.Repeat("a", 65<<10)})
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("oversized request: %v, want ResourceExhausted", err)
	}
	_, err = client.VerifySessionToken(t.Context(), &authsvcv1.VerifySessionTokenRequest{Token: strings.Repeat("a", 9<<10)})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("request under the limit: %v, want the handler's InvalidArgument", err)
	}
}

// TestMaxRequestHeaderBytes: metadata beyond MaxRequestHeaderBytes is
// refused before any handler runs (grpc-go alone would take 16 MiB on
// every stream); a token's worth and more is served.
func TestMaxRequestHeaderBytes(t *testing.T) {
	t.Parallel()
	srv := newProxyServer(t, nil)
	client := newTestClient(t, srv, GRPCOptions{})
	call := func(n int) error {
		ctx := metadata.AppendToOutgoingContext(t.Context(), "x-padding", strings.Repeat("p", n))
		_, err := client.VerifySessionToken(ctx, &authsvcv1.VerifySessionTokenRequest{Token: "x"})
		return err
	}
	// The handler's answer to the token "x" is UNAUTHENTICATED.
	if err := call(32 << 10); status.Code(err) != codes.Unauthenticated {
		t.Errorf("32 KiB of metadata: %v, want the handler's Unauthenticated", err)
	}
	if err := call(MaxRequestHeaderBytes + 1); status.Code(err) == codes.Unauthenticated || err == nil {
		t.Errorf("metadata over %d bytes reached the handler: %v", MaxRequestHeaderBytes, err)
	}
}
