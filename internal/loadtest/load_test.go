package main

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func TestQuantile(t *testing.T) {
	t.Parallel()
	r := &result{lat: []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	for _, tt := range []struct {
		q    float64
		want time.Duration
	}{{0, 1}, {0.5, 6}, {0.99, 10}, {1, 10}} {
		if got := r.quantile(tt.q); got != tt.want {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if (&result{}).quantile(0.5) != 0 {
		t.Error("quantile of no calls is not 0")
	}
}

// TestLoopsCountCallsAndErrors: every third call fails; the loops count
// the rest as calls and the failures by message.
func TestLoopsCountCallsAndErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	c := func(_ context.Context, i int) error {
		if i%3 == 0 {
			return boom
		}
		return nil
	}
	open := openLoop(t.Context(), 1000, 300*time.Millisecond, c)
	if open.calls+open.errors != 300 || open.byMsg["boom"] != int64(open.errors) || open.errors != 100 {
		t.Errorf("open loop: %d calls, %d errors %v; want 200 and 100", open.calls, open.errors, open.byMsg)
	}
	closed := closedLoop(t.Context(), 4, 100*time.Millisecond, c)
	if closed.calls == 0 || closed.errors == 0 || closed.byMsg["boom"] != int64(closed.errors) {
		t.Errorf("closed loop: %d calls, %d errors %v", closed.calls, closed.errors, closed.byMsg)
	}
}

// TestClosedLoopEndIsNotAnError: a DEADLINE_EXCEEDED that arrives just
// before the run's context says it is done (as the server's copy of the
// deadline does) ends the worker instead of counting as an error; one far
// from the end is still an error.
func TestClosedLoopEndIsNotAnError(t *testing.T) {
	t.Parallel()
	c := func(ctx context.Context, i int) error {
		dl, _ := ctx.Deadline()
		if i == 1 || time.Until(dl) < 20*time.Millisecond {
			return status.Error(codes.DeadlineExceeded, "context deadline exceeded")
		}
		time.Sleep(time.Millisecond)
		return nil
	}
	r := closedLoop(t.Context(), 4, 200*time.Millisecond, c)
	if r.errors != 1 || r.calls == 0 {
		t.Errorf("closed loop: %d calls, %d errors %v; want calls and exactly the one early DEADLINE_EXCEEDED", r.calls, r.errors, r.byMsg)
	}
}

// TestProcReaders reads this process's own CPU time and RSS.
func TestProcReaders(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	in := &instance{cmd: &exec.Cmd{Process: &os.Process{Pid: os.Getpid()}}}
	deadline := time.Now().Add(200 * time.Millisecond)
	for time.Now().Before(deadline) { // burn a little CPU to measure
	}
	cpu, err := in.cpu()
	if err != nil || cpu <= 0 {
		t.Errorf("cpu() = %v, %v", cpu, err)
	}
	rss, err := in.rss()
	if err != nil || rss < 1<<20 {
		t.Errorf("rss() = %d, %v", rss, err)
	}
	r0, w0, ok := in.syscalls()
	if !ok {
		t.Skip("no /proc/<pid>/io")
	}
	for range 5 {
		if _, err := os.ReadFile("/proc/self/stat"); err != nil {
			t.Fatal(err)
		}
	}
	if r1, w1, ok := in.syscalls(); !ok || r1-r0 < 5 || w1 < w0 {
		t.Errorf("syscalls() after five file reads: reads %d→%d, writes %d→%d, ok %v", r0, r1, w0, w1, ok)
	}
}

// TestRawCodecJudgesAnswers drives a real gRPC health server with a request
// encoded once: the answer kept from a SERVING call passes as bytes, and
// once the server says NOT_SERVING the differing answer is decoded and
// refused.
func TestRawCodecJudgesAnswers(t *testing.T) {
	t.Parallel()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cc.Close() })
	req, err := proto.Marshal(&healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	ask := func() []byte {
		resp := frame{keep: true}
		if err := invoke(t.Context(), cc, healthpb.Health_Check_FullMethodName, req, &resp); err != nil {
			t.Fatal(err)
		}
		return resp.b
	}
	want := ask()
	if err := answered(want, nil, &healthpb.HealthCheckResponse{}, serving); err != nil {
		t.Fatalf("first SERVING answer judged: %v", err)
	}
	if err := answered(ask(), want, &healthpb.HealthCheckResponse{}, serving); err != nil {
		t.Errorf("the same answer again: %v", err)
	}
	hs.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	if err := answered(ask(), want, &healthpb.HealthCheckResponse{}, serving); err == nil {
		t.Error("a NOT_SERVING answer passed")
	}
	if err := answered([]byte{0xff}, want, &healthpb.HealthCheckResponse{}, serving); err == nil {
		t.Error("an answer that does not decode passed")
	}
}

// TestResultAdd: a kind measured in turns adds up to one result: calls,
// errors, time, every latency in order, the first error and the counts by
// message.
func TestResultAdd(t *testing.T) {
	t.Parallel()
	first, later := errors.New("first"), errors.New("later")
	r := &result{calls: 3, errors: 1, elapsed: time.Second, lat: []time.Duration{2, 5, 9}, firstErr: first, byMsg: map[string]int64{"first": 1}}
	r.add(&result{calls: 2, errors: 2, elapsed: time.Second, lat: []time.Duration{1, 7}, firstErr: later, byMsg: map[string]int64{"first": 1, "later": 1}})
	if r.calls != 5 || r.errors != 3 || r.elapsed != 2*time.Second || r.firstErr != first {
		t.Errorf("after add: calls %d errors %d elapsed %v firstErr %v", r.calls, r.errors, r.elapsed, r.firstErr)
	}
	if want := []time.Duration{1, 2, 5, 7, 9}; !slices.Equal(r.lat, want) {
		t.Errorf("latencies %v, want %v", r.lat, want)
	}
	if r.byMsg["first"] != 2 || r.byMsg["later"] != 1 {
		t.Errorf("by message %v", r.byMsg)
	}
	if r.rps() != 2.5 {
		t.Errorf("rps %v, want 2.5", r.rps())
	}
}

// TestCoalescingConnDelivers: what several goroutines write through a
// coalescing conn reaches the peer complete and, per writer, in order; once
// the peer is gone, a later Write reports the socket's error.
func TestCoalescingConnDelivers(t *testing.T) {
	t.Parallel()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := lis.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	c, err := dialCoalescing(t.Context(), lis.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer := <-accepted
	if peer == nil {
		t.Fatal("accept failed")
	}
	const writers, chunks = 4, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range chunks {
				if _, err := c.Write([]byte{byte('a' + w), byte(i >> 8), byte(i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	got := make([]byte, writers*chunks*3)
	if _, err := io.ReadFull(peer, got); err != nil {
		t.Fatalf("peer read: %v", err)
	}
	wg.Wait()
	next := make([]int, writers)
	for i := 0; i < len(got); i += 3 {
		w, n := int(got[i]-'a'), int(got[i+1])<<8|int(got[i+2])
		if w < 0 || w >= writers || n != next[w] {
			t.Fatalf("at byte %d: writer %d chunk %d, want chunk %d", i, w, n, next[min(max(w, 0), writers-1)])
		}
		next[w]++
	}
	peer.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := c.Write(make([]byte, 64<<10)); err != nil {
			break // the error of a write that could not be delivered
		}
		if time.Now().After(deadline) {
			t.Fatal("writes to a closed peer never failed")
		}
		time.Sleep(time.Millisecond)
	}
}
