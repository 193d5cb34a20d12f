package main

import (
	"context"
	"net"
	"runtime"
	"sync"
)

// coalescingConn gathers what the generator's gRPC transport writes and
// hands it to the socket from a goroutine of its own, which first lets
// every ready goroutine run and then writes all that has gathered.
//
// grpc-go's writer flushes at once whenever 1000 bytes or more are buffered
// (minBatchSize in its controlbuf.go); below that it yields once first, so
// that other calls' frames join the write. A signed-in Envoy CheckRequest
// with its cookie is 1.27 KB, so every Check went out in a write of its
// own, the service read them as they trickled in (0.61 reads per call
// against 0.14 for VerifySessionToken's 0.9 KB), and the two processes fell
// into lockstep. Envoy, which this kind stands for, writes what its event
// loop has gathered once per loop iteration. This conn does the same for
// every kind on the connection, health included: it adds no timer, and
// the flusher runs as soon as the ready goroutines have had their turn.
type coalescingConn struct {
	net.Conn
	kick chan struct{} // capacity 1: something is waiting to be written
	done chan struct{}
	once sync.Once

	mu  sync.Mutex
	buf []byte
	err error // the socket's write error, returned by every later Write
}

func newCoalescingConn(c net.Conn) *coalescingConn {
	cc := &coalescingConn{Conn: c, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go cc.flush()
	return cc
}

// dialCoalescing is a grpc.WithContextDialer dialer for TCP addresses.
func dialCoalescing(ctx context.Context, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return newCoalescingConn(c), nil
}

func (c *coalescingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return 0, err
	}
	c.buf = append(c.buf, p...)
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (c *coalescingConn) flush() {
	var out []byte
	for {
		select {
		case <-c.kick:
		case <-c.done:
			return
		}
		// Let every goroutine that is ready run first, as an event loop
		// finishes its iteration before it writes; go on yielding while
		// that brings more to write.
		for n, last := 0, -1; n < 8; n++ {
			c.mu.Lock()
			size := len(c.buf)
			c.mu.Unlock()
			if size == last {
				break
			}
			last = size
			runtime.Gosched()
		}
		c.mu.Lock()
		out, c.buf = c.buf, out[:0]
		c.mu.Unlock()
		if len(out) == 0 {
			continue
		}
		if _, err := c.Conn.Write(out); err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
	}
}

func (c *coalescingConn) Close() error {
	c.once.Do(func() { close(c.done) })
	return c.Conn.Close()
}
