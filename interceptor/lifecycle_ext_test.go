package interceptor_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/internal/fakeclock"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// These tests repeat the cache and stream rules against a real authsvc,
// counting VerifySessionToken at its server.

// TestEndToEndStreamOnce: a stream verifies once however many messages
// flow (cache off, so each stream must verify).
func TestEndToEndStreamOnce(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	conn, calls := startAuthsvc(t, iss)
	client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(conn), interceptor.WithCache(interceptor.CacheConfig{MaxEntries: -1}))
	ss, err := client.StreamingOutputCall(withToken(t.Context(), iss.Mint(t, nil)),
		&testpb.StreamingOutputCallRequest{ResponseParameters: make([]*testpb.ResponseParameters, 10)})
	if err != nil {
		t.Fatalf("StreamingOutputCall: %v", err)
	}
	if diff := cmp.Diff(repeat("user_test", 10), drain(t, ss.Recv)); diff != "" {
		t.Errorf("users seen per message (-want +got):\n%s", diff)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("VerifySessionToken calls = %d, want 1", n)
	}
}

// TestEndToEndConcurrentOneVerification: callers that arrive while authsvc
// is still answering the first share its answer.
func TestEndToEndConcurrentOneVerification(t *testing.T) {
	t.Parallel()
	const n = 16
	iss := verifiertest.NewIssuer(t)
	gate := make(chan struct{})
	conn, calls, _ := startAuthsvcWith(t, iss.Config(), gate)
	d := &downstream{}
	client, _ := startDownstream(t, d, interceptor.WithRemote(conn))
	ctx := withToken(t.Context(), iss.Mint(t, nil))

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := client.EmptyCall(ctx, &testpb.Empty{})
			errs <- err
		})
	}
	waitFor(t, func() bool { return calls.Load() > 0 }) // the first RPC is in flight
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("EmptyCall: %v", err)
		}
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("VerifySessionToken calls = %d, want 1", got)
	}
	if got := d.calls.Load(); got != n {
		t.Errorf("handler calls = %d, want %d", got, n)
	}
}

// TestEndToEndExpiredWhileCached: authsvc and the cache share a fake
// clock; once it passes exp the cached decision is gone and authsvc says
// token-expired.
func TestEndToEndExpiredWhileCached(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	now := time.Now().Truncate(time.Second)
	exp := now.Add(60 * time.Second)
	clock := fakeclock.At(now)
	cfg := iss.Config()
	cfg.Now = clock.Now
	conn, calls, _ := startAuthsvcWith(t, cfg, nil)
	client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(conn),
		interceptor.WithCache(interceptor.CacheConfig{Now: clock.Now}))
	ctx := withToken(t.Context(), iss.Mint(t, map[string]any{"iat": now.Unix(), "nbf": now.Unix() - 10, "exp": exp.Unix()}))

	steps := []struct {
		name       string
		at         time.Time
		wantReason verifier.Reason
		wantRPCs   int64
	}{
		{name: "verified", at: now, wantRPCs: 1},
		{name: "served from cache", at: exp.Add(-interceptor.DefaultCacheSkew - time.Second), wantRPCs: 1},
		{name: "past exp and authsvc's skew", at: exp.Add(10 * time.Second), wantReason: verifier.ReasonExpired, wantRPCs: 2},
	}
	for _, st := range steps {
		clock.Set(st.at)
		_, err := client.EmptyCall(ctx, &testpb.Empty{})
		code := codes.OK
		if st.wantReason != "" {
			code = codes.Unauthenticated
		}
		checkStatus(t, err, code, st.wantReason)
		if n := calls.Load(); n != st.wantRPCs {
			t.Fatalf("%s: VerifySessionToken calls = %d, want %d", st.name, n, st.wantRPCs)
		}
	}
}

// TestEndToEndAuthsvcStops: a token verified before authsvc went down
// stays valid from the cache; a new token fails closed.
func TestEndToEndAuthsvcStops(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	conn, _, gs := startAuthsvcWith(t, iss.Config(), nil)
	d := &downstream{}
	client, _ := startDownstream(t, d, interceptor.WithRemote(conn))
	known := iss.Mint(t, map[string]any{"sid": "sess_known"})
	if _, err := client.EmptyCall(withToken(t.Context(), known), &testpb.Empty{}); err != nil {
		t.Fatalf("EmptyCall before stop: %v", err)
	}
	gs.Stop()

	if _, err := client.EmptyCall(withToken(t.Context(), known), &testpb.Empty{}); err != nil {
		t.Errorf("cached token after stop: %v", err)
	}
	_, err := client.EmptyCall(withToken(t.Context(), iss.Mint(t, map[string]any{"sid": "sess_new"})), &testpb.Empty{})
	checkStatus(t, err, codes.Unavailable, interceptor.ReasonUnavailable)
	if n := d.calls.Load(); n != 2 {
		t.Errorf("handler calls = %d, want 2", n)
	}
}
