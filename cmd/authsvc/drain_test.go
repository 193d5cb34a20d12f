package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"

	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// drainServe runs the service in-process with env until sigterm is
// called, which plays SIGTERM; done then reports how serving ended.
func drainServe(t *testing.T, env map[string]string) (l listening, sigterm func(), done <-chan error) {
	t.Helper()
	cfg, err := parseConfig("authsvc", []string{"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, envFrom(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	at := make(chan listening, 1)
	ended := make(chan error, 1)
	go func() {
		ended <- runServe(ctx, cfg, newLogger(io.Discard, cfg.LogLevel), nil, func(l listening) { at <- l })
	}()
	select {
	case l = <-at:
	case err := <-ended:
		t.Fatalf("serve stopped before listening: %v", err)
	}
	return l, cancel, ended
}

// TestSIGTERMDrainsConnectCalls: a call in flight on the HTTP listener when
// the drain starts finishes with its answer, as one on the gRPC port does.
// Connect calls run on the gRPC server through ServeHTTP, and its graceful
// stop closed their transports at once: the call got HTTP 500 "unknown"
// the moment the shutdown delay ended.
func TestSIGTERMDrainsConnectCalls(t *testing.T) {
	t.Parallel()
	const secret, callerKey = "sk_test_drain_connect", "caller-key-drain"
	clerk := newFakeClerk(t, secret)
	l, cancel, done := drainServe(t, clerkEnv(t, clerk, callerKey, map[string]string{
		"AUTHSVC_SHUTDOWN_DELAY": "100ms", "AUTHSVC_SHUTDOWN_TIMEOUT": "20s",
	}))
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+l.HTTPAddr+"/authsvc.v1.AuthService/GetUser", bytes.NewReader([]byte(`{"user_id":"user_slow"}`)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+callerKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{status: resp.StatusCode, body: b, err: err}
	}()
	select {
	case <-clerk.arrived: // the call is at Clerk, which holds it
	case <-time.After(20 * time.Second):
		t.Fatal("the call never reached the fake Clerk")
	}
	cancel() // SIGTERM
	// Clerk answers only once the drain has begun: past the delay, the
	// call must still be waiting for it.
	time.Sleep(500 * time.Millisecond)
	select {
	case a := <-answered:
		t.Fatalf("in-flight call ended at the drain, before Clerk answered: %d %s %v", a.status, a.body, a.err)
	default:
	}
	close(clerk.release)
	a := <-answered
	var user struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if a.err != nil || a.status != http.StatusOK || json.Unmarshal(a.body, &user) != nil || user.User.ID != "user_slow" {
		t.Errorf("in-flight call answered %d %s %v, want 200 with user_slow", a.status, a.body, a.err)
	}
	if err := <-done; err != nil {
		t.Errorf("serve ended with %v", err)
	}
}

// TestSIGTERMEndsWatchUnavailable: a health Watch stream is told
// NOT_SERVING at the drain, then ended UNAVAILABLE (watch again,
// elsewhere), never CANCELLED, which would say the client cancelled.
func TestSIGTERMEndsWatchUnavailable(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	l, cancel, done := drainServe(t, map[string]string{"CLERK_JWT_KEY": iss.PublicKeyPEM(), "AUTHSVC_SHUTDOWN_DELAY": "100ms"})
	conn, err := grpc.NewClient(l.GRPCAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	w, err := healthpb.NewHealthClient(conn).Watch(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := w.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("first Watch answer %v %v, want SERVING", r.GetStatus(), err)
	}
	cancel() // SIGTERM
	var last healthpb.HealthCheckResponse_ServingStatus
	for {
		r, err := w.Recv()
		if err != nil {
			if status.Code(err) != codes.Unavailable {
				t.Errorf("Watch ended %v, want UNAVAILABLE", err)
			}
			break
		}
		last = r.GetStatus()
	}
	if last != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("last Watch answer %v, want NOT_SERVING before the end", last)
	}
	if err := <-done; err != nil {
		t.Errorf("serve ended with %v", err)
	}
}

// TestSIGTERMStalledHTTPBodyDoesNotHoldTheGRPCDrain: the two ports drain
// side by side. A client stalling its HTTP body keeps the HTTP drain busy
// to the deadline; the gRPC port must still send GOAWAY at once, so that
// new calls go to other replicas instead of being taken here and cut at
// the deadline.
func TestSIGTERMStalledHTTPBodyDoesNotHoldTheGRPCDrain(t *testing.T) {
	t.Parallel()
	const secret, callerKey = "sk_test_drain_stall", "caller-key-stall"
	clerk := newFakeClerk(t, secret)
	l, cancel, done := drainServe(t, clerkEnv(t, clerk, callerKey, map[string]string{
		"AUTHSVC_SHUTDOWN_DELAY": "100ms", "AUTHSVC_SHUTDOWN_TIMEOUT": "2s",
	}))
	// A client that announces a body and stalls.
	c, err := net.Dial("tcp", l.HTTPAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = c.Write([]byte("POST /authsvc.v1.AuthService/GetUser HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"))
	conn, err := grpc.NewClient(l.GRPCAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := authsvcv1.NewAuthServiceClient(conn)
	authed := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+callerKey)
	if _, err := client.GetUser(authed, &authsvcv1.GetUserRequest{UserId: "user_1"}); err != nil {
		t.Fatalf("warm-up: %v", err)
	}
	start := time.Now()
	cancel()                    // SIGTERM
	time.Sleep(1 * time.Second) // delay is over; the drain has begun
	errc := make(chan error, 1)
	go func() {
		_, err := client.GetUser(authed, &authsvcv1.GetUserRequest{UserId: "user_slow"})
		errc <- err
	}()
	select {
	case <-clerk.arrived:
		close(clerk.release)
		err := <-errc
		t.Errorf("%v after SIGTERM a new gRPC call was still taken (it ended %v, code %v): the gRPC port waited for the HTTP drain", time.Since(start), err, status.Code(err))
	case <-errc: // refused: the gRPC port drained on its own
	case <-time.After(10 * time.Second):
		t.Error("a new gRPC call during the drain neither ran nor failed within 10s")
	}
	<-done
}
