package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// stalledPost opens a connection to addr and sends a Connect request that
// announces length body bytes and sends one, then stalls. It returns the
// connection, which the caller closes.
func stalledPost(t *testing.T, addr string, length int) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, err := fmt.Fprintf(c, "POST /authsvc.v1.AuthService/VerifySessionToken HTTP/1.1\r\nHost: x\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n{", length); err != nil {
		t.Fatal(err)
	}
	return c
}

// stalledEnvelopes opens one h2c connection to addr and starts n gRPC-Web
// calls on it, in JSON so that vanguard transcodes (and reads) the message,
// each sending only the 5-byte frame header of a 1 MiB message and then
// stalling. It writes the frames itself: Go's HTTP/2
// client would hold a 512 KiB write buffer per stream in this same
// process, which the heap measurement would count.
func stalledEnvelopes(t *testing.T, addr string, n int) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(c, nil)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	go func() { // read and drop the server's frames, acking its settings
		rf := http2.NewFramer(io.Discard, c)
		for {
			if _, err := rf.ReadFrame(); err != nil {
				return
			}
		}
	}()
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for i := range n {
		hb.Reset()
		for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", addr},
			{":path", "/authsvc.v1.AuthService/VerifySessionToken"}, {"content-type", "application/grpc-web+json"}} {
			_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		id := uint32(2*i + 1)
		if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hb.Bytes(), EndHeaders: true}); err != nil {
			t.Fatal(err)
		}
		if err := fr.WriteData(id, false, []byte{0, 0, 0x10, 0, 0}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHTTPStalledBodiesHoldWhatTheySent: a request that announces a 1 MiB
// body and sends a few bytes holds about what it sent, not what it
// announced, whether it announces it in Content-Length (HTTP/1.1) or in a
// gRPC-Web frame header (h2c). vanguard sizes its buffer from the
// announcement before reading; such requests took 1 MiB each before the
// Connect handler read bodies itself.
func TestHTTPStalledBodiesHoldWhatTheySent(t *testing.T) {
	// Not parallel: it reads this process's heap, which other tests share.
	const n = 50
	var entered atomic.Int64
	iss := verifiertest.NewIssuer(t)
	at := startServeTuned(t, map[string]string{"CLERK_JWT_KEY": iss.PublicKeyPEM()}, func(c *config) {
		c.WrapHTTP = func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				entered.Add(1)
				h.ServeHTTP(w, r)
			})
		}
	})
	for _, form := range []struct {
		name  string
		stall func()
	}{
		{"HTTP/1.1 Content-Length", func() {
			for range n {
				stalledPost(t, at.HTTPAddr, 1<<20)
			}
		}},
		{"h2c gRPC-Web (JSON) frame header", func() { stalledEnvelopes(t, at.HTTPAddr, n) }},
	} {
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := entered.Load()
		form.stall()
		for deadline := time.Now().Add(20 * time.Second); entered.Load()-start < n; {
			if time.Now().After(deadline) {
				t.Fatalf("%s: only %d of %d requests reached the handler within 20s", form.name, entered.Load()-start, n)
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // let every handler reach its read
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		grew := int64(after.HeapInuse) - int64(before.HeapInuse)
		// What was announced would be 50 MiB; what was sent, a few bytes
		// (plus each request's buffers and goroutine, a few KB).
		if limit := int64(n * 64 << 10); grew > limit {
			t.Errorf("%s: %d stalled requests announcing 1 MiB each grew the heap by %d KiB (over %d KiB): memory follows the announced length", form.name, n, grew>>10, limit>>10)
		}
	}
}

// TestHTTPStalledRequestCutOff: a request whose body never finishes is cut
// off at the read timeout, so it cannot hold its connection and memory for
// good.
func TestHTTPStalledRequestCutOff(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	at := startServeTuned(t, map[string]string{"CLERK_JWT_KEY": iss.PublicKeyPEM()}, func(c *config) {
		c.HTTPReadTimeout = 300 * time.Millisecond
	})
	c := stalledPost(t, at.HTTPAddr, 100)
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer to the stalled request within 20s: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("stalled request answered %d, want 408", resp.StatusCode)
	}
	// The rest of the body may still come: the connection must end rather
	// than read it as a request.
	if _, err := io.Copy(io.Discard, br); err != nil {
		t.Fatalf("the stalled request's connection was still open after 20s: %v", err)
	}
}

// TestHTTPPortServesLivenessPastTheGRPCLimit: AUTHSVC_MAX_CONNECTIONS
// bounds the gRPC port only. A full limit refuses a new connection, and the
// kubelet's liveness probe (GET /healthz) opens one each time: a client
// holding the HTTP port's slots would get the pod restarted. With the
// limit at 2 and two idle keep-alive connections held, /healthz still
// answers.
func TestHTTPPortServesLivenessPastTheGRPCLimit(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	at := startServe(t, map[string]string{"CLERK_JWT_KEY": iss.PublicKeyPEM(), "AUTHSVC_MAX_CONNECTIONS": "2"})
	get := func(c net.Conn) error {
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			return err
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	for i := range 3 {
		c, err := net.Dial("tcp", at.HTTPAddr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		_ = c.SetDeadline(time.Now().Add(20 * time.Second))
		if err := get(c); err != nil {
			t.Fatalf("connection %d, with %d held open: %v", i+1, i, err)
		}
	}
}

// TestHTTP2StreamLimit: on h2c the HTTP port announces the gRPC port's
// per-connection stream limit (AUTHSVC_MAX_STREAMS).
func TestHTTP2StreamLimit(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	at := startServe(t, map[string]string{"CLERK_JWT_KEY": iss.PublicKeyPEM(), "AUTHSVC_MAX_STREAMS": "7"})
	c, err := net.Dial("tcp", at.HTTPAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(c, c)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	f, err := fr.ReadFrame()
	if err != nil {
		t.Fatal(err)
	}
	sf, ok := f.(*http2.SettingsFrame)
	if !ok {
		t.Fatalf("first frame %T, want SETTINGS", f)
	}
	if v, ok := sf.Value(http2.SettingMaxConcurrentStreams); !ok || v != 7 {
		t.Errorf("SETTINGS_MAX_CONCURRENT_STREAMS = %d (sent %v), want 7", v, ok)
	}
}

// TestHTTPHeaderBound: the HTTP port refuses a request whose line and
// headers pass server.MaxRequestHeaderBytes (431), and serves one with a
// token's worth of cookies.
func TestHTTPHeaderBound(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	at := startServe(t, map[string]string{"CLERK_JWT_KEY": iss.PublicKeyPEM()})
	for _, tc := range []struct {
		n    int
		want int
	}{{16 << 10, http.StatusOK}, {server.MaxRequestHeaderBytes + 4096, http.StatusRequestHeaderFieldsTooLarge}} {
		req, err := http.NewRequest("GET", "http://"+at.HTTPAddr+"/healthz", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Cookie", "x="+strings.Repeat("c", tc.n))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%d bytes of cookie: %d, want %d", tc.n, resp.StatusCode, tc.want)
		}
	}
}
