package interceptor_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/internal/fakeclock"
	"github.com/authsvc/authsvc/internal/grpctest"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// TestCacheHitAvoidsRPC: repeated calls with one token make one
// VerifySessionToken call; another token makes its own.
func TestCacheHitAvoidsRPC(t *testing.T) {
	t.Parallel()
	fake := &fakeAuth{verify: acceptAll(time.Now().Add(time.Minute))}
	d := &downstream{}
	client, _ := startDownstream(t, d, interceptor.WithRemote(startFakeAuth(t, fake)))
	for _, token := range []string{"a", "a", "a", "b", "a", "b"} {
		resp, err := client.UnaryCall(withToken(t.Context(), token), &testpb.SimpleRequest{})
		if err != nil {
			t.Fatalf("UnaryCall(%s): %v", token, err)
		}
		if got, want := resp.GetUsername(), "user_"+token; got != want {
			t.Fatalf("user = %q, want %q", got, want)
		}
	}
	if n := fake.calls.Load(); n != 2 {
		t.Errorf("authsvc calls = %d, want 2 (one per distinct token)", n)
	}
}

// TestCacheDisabled: MaxEntries < 0 verifies every call.
func TestCacheDisabled(t *testing.T) {
	t.Parallel()
	fake := &fakeAuth{verify: acceptAll(time.Now().Add(time.Minute))}
	client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(startFakeAuth(t, fake)), interceptor.WithCache(interceptor.CacheConfig{MaxEntries: -1}))
	for range 3 {
		if _, err := client.EmptyCall(withToken(t.Context(), "a"), &testpb.Empty{}); err != nil {
			t.Fatalf("EmptyCall: %v", err)
		}
	}
	if n := fake.calls.Load(); n != 3 {
		t.Errorf("authsvc calls = %d, want 3", n)
	}
}

// TestFailuresNotCached: a rejected token is asked about again, so a
// recovered authsvc is seen at once.
func TestFailuresNotCached(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	fail := true
	fake := &fakeAuth{verify: func(ctx context.Context, req *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			fail = false
			return nil, reasonStatus(codes.Unavailable, verifier.ReasonKeyFetch)
		}
		return acceptAll(time.Now().Add(time.Minute))(ctx, req)
	}}
	client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(startFakeAuth(t, fake)))
	_, err := client.EmptyCall(withToken(t.Context(), "a"), &testpb.Empty{})
	checkStatus(t, err, codes.Unavailable, verifier.ReasonKeyFetch)
	if _, err := client.EmptyCall(withToken(t.Context(), "a"), &testpb.Empty{}); err != nil {
		t.Fatalf("second EmptyCall: %v", err)
	}
	if n := fake.calls.Load(); n != 2 {
		t.Errorf("authsvc calls = %d, want 2", n)
	}
}

// TestExpiredWhileCached: once the clock passes exp - skew the cached
// decision is dropped and authsvc, which now says token-expired, decides.
func TestExpiredWhileCached(t *testing.T) {
	t.Parallel()
	start := time.Unix(1_800_000_000, 0)
	exp := start.Add(60 * time.Second)
	clock := fakeclock.At(start)
	fake := &fakeAuth{verify: func(ctx context.Context, req *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
		if !clock.Now().Before(exp) {
			return nil, reasonStatus(codes.Unauthenticated, verifier.ReasonExpired)
		}
		return acceptAll(exp)(ctx, req)
	}}
	d := &downstream{}
	client, _ := startDownstream(t, d, interceptor.WithRemote(startFakeAuth(t, fake)),
		interceptor.WithCache(interceptor.CacheConfig{Skew: 2 * time.Second, Now: clock.Now}))

	steps := []struct {
		name     string
		at       time.Time
		wantCode codes.Code
		wantRPCs int64
	}{
		{name: "first call verifies", at: start, wantCode: codes.OK, wantRPCs: 1},
		{name: "cached within lifetime", at: exp.Add(-2*time.Second - time.Nanosecond), wantCode: codes.OK, wantRPCs: 1},
		{name: "skew before exp re-verifies", at: exp.Add(-2 * time.Second), wantCode: codes.OK, wantRPCs: 2},
		{name: "after exp rejected", at: exp, wantCode: codes.Unauthenticated, wantRPCs: 3},
		{name: "still rejected, never served from cache", at: exp.Add(time.Hour), wantCode: codes.Unauthenticated, wantRPCs: 4},
	}
	for _, st := range steps {
		clock.Set(st.at)
		_, err := client.EmptyCall(withToken(t.Context(), "a"), &testpb.Empty{})
		want := verifier.Reason("")
		if st.wantCode != codes.OK {
			want = verifier.ReasonExpired
		}
		checkStatus(t, err, st.wantCode, want)
		if n := fake.calls.Load(); n != st.wantRPCs {
			t.Fatalf("%s: authsvc calls = %d, want %d", st.name, n, st.wantRPCs)
		}
	}
}

// TestConcurrentIdenticalTokensOneVerification: N callers with one token,
// arriving while the first verification is still in flight, cause one RPC.
func TestConcurrentIdenticalTokensOneVerification(t *testing.T) {
	t.Parallel()
	const n = 32
	entered := make(chan struct{}, n)
	release := make(chan struct{})
	fake := &fakeAuth{verify: func(ctx context.Context, req *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
		entered <- struct{}{}
		<-release
		return acceptAll(time.Now().Add(time.Minute))(ctx, req)
	}}
	d := &downstream{}
	client, _ := startDownstream(t, d, interceptor.WithRemote(startFakeAuth(t, fake)))

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := client.EmptyCall(withToken(t.Context(), "same"), &testpb.Empty{})
			errs <- err
		})
	}
	<-entered // the first verification is in flight; the others join or hit the cache
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("EmptyCall: %v", err)
		}
	}
	if got := fake.calls.Load(); got != 1 {
		t.Errorf("authsvc calls = %d, want 1", got)
	}
	if got := d.calls.Load(); got != n {
		t.Errorf("handler calls = %d, want %d", got, n)
	}
}

// TestStreamAuthenticatedOnce: a server stream and a bidi stream each
// verify once, however many messages flow, and every message handler sees
// the claims.
func TestStreamAuthenticatedOnce(t *testing.T) {
	t.Parallel()
	fake := &fakeAuth{verify: acceptAll(time.Now().Add(time.Minute))}
	client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(startFakeAuth(t, fake)),
		interceptor.WithCache(interceptor.CacheConfig{MaxEntries: -1}))

	params := make([]*testpb.ResponseParameters, 5)
	ss, err := client.StreamingOutputCall(withToken(t.Context(), "s1"), &testpb.StreamingOutputCallRequest{ResponseParameters: params})
	if err != nil {
		t.Fatalf("StreamingOutputCall: %v", err)
	}
	if diff := cmp.Diff(repeat("user_s1", 5), drain(t, ss.Recv)); diff != "" {
		t.Errorf("server stream users (-want +got):\n%s", diff)
	}

	bidi, err := client.FullDuplexCall(withToken(t.Context(), "s2"))
	if err != nil {
		t.Fatalf("FullDuplexCall: %v", err)
	}
	var got []string
	for range 4 {
		if err := bidi.Send(&testpb.StreamingOutputCallRequest{}); err != nil {
			t.Fatalf("Send: %v", err)
		}
		msg, err := bidi.Recv()
		if err != nil {
			t.Fatalf("Recv: %v", err)
		}
		got = append(got, string(msg.GetPayload().GetBody()))
	}
	_ = bidi.CloseSend()
	if diff := cmp.Diff(repeat("user_s2", 4), got); diff != "" {
		t.Errorf("bidi stream users (-want +got):\n%s", diff)
	}
	if n := fake.calls.Load(); n != 2 {
		t.Errorf("authsvc calls = %d, want 2 (one per stream, cache off)", n)
	}
}

// TestStreamRejected: a stream without a token fails on its first receive
// and the handler never runs.
func TestStreamRejected(t *testing.T) {
	t.Parallel()
	fake := &fakeAuth{verify: acceptAll(time.Now().Add(time.Minute))}
	d := &downstream{}
	client, _ := startDownstream(t, d, interceptor.WithRemote(startFakeAuth(t, fake)))
	ss, err := client.StreamingOutputCall(t.Context(), &testpb.StreamingOutputCallRequest{ResponseParameters: make([]*testpb.ResponseParameters, 1)})
	if err == nil {
		_, err = ss.Recv()
	}
	checkStatus(t, err, codes.Unauthenticated, interceptor.ReasonTokenMissing)
	if n := d.calls.Load(); n != 0 {
		t.Errorf("handler ran %d times, want 0", n)
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// drain reads a server stream to its end and returns the payload bodies.
func drain(t *testing.T, recv func() (*testpb.StreamingOutputCallResponse, error)) []string {
	t.Helper()
	var out []string
	for {
		msg, err := recv()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Recv: %v", err)
		}
		out = append(out, string(msg.GetPayload().GetBody()))
	}
}

// TestUnaryAndStreamShareCache: interceptors built from one WithRemote
// value share a cache; separate values do not.
func TestUnaryAndStreamShareCache(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		shared   bool
		wantRPCs int64
	}{
		{name: "one WithRemote value", shared: true, wantRPCs: 1},
		{name: "two WithRemote values", shared: false, wantRPCs: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeAuth{verify: acceptAll(time.Now().Add(time.Minute))}
			conn := startFakeAuth(t, fake)
			unaryOpt, streamOpt := interceptor.WithRemote(conn), interceptor.WithRemote(conn)
			if tt.shared {
				streamOpt = unaryOpt
			}
			gs := grpc.NewServer(
				grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(unaryOpt)),
				grpc.ChainStreamInterceptor(interceptor.StreamServerInterceptor(streamOpt)),
			)
			testpb.RegisterTestServiceServer(gs, &downstream{})
			client := testpb.NewTestServiceClient(grpctest.Serve(t, gs))
			ctx := withToken(t.Context(), "a")
			if _, err := client.EmptyCall(ctx, &testpb.Empty{}); err != nil {
				t.Fatalf("EmptyCall: %v", err)
			}
			ss, err := client.StreamingOutputCall(ctx, &testpb.StreamingOutputCallRequest{ResponseParameters: make([]*testpb.ResponseParameters, 1)})
			if err != nil {
				t.Fatalf("StreamingOutputCall: %v", err)
			}
			if diff := cmp.Diff([]string{"user_a"}, drain(t, ss.Recv)); diff != "" {
				t.Errorf("stream users (-want +got):\n%s", diff)
			}
			if n := fake.calls.Load(); n != tt.wantRPCs {
				t.Errorf("authsvc calls = %d, want %d", n, tt.wantRPCs)
			}
		})
	}
}

// switchConn is a client connection whose target can be swapped: the
// interceptor keeps one connection while the authsvc behind it changes.
type switchConn struct {
	cur atomic.Pointer[grpc.ClientConn]
}

func (s *switchConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	return s.cur.Load().Invoke(ctx, method, args, reply, opts...)
}

func (s *switchConn) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return s.cur.Load().NewStream(ctx, desc, method, opts...)
}

// TestCacheTTLAfterKeyRemoval: a token verified before its signing key was
// removed from the JWKS is refused by a real authsvc afterwards; the
// interceptor still answers from its cache within the TTL and, once the TTL
// has passed, asks authsvc again and refuses it, although the token is
// valid for another hour.
func TestCacheTTLAfterKeyRemoval(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	before, beforeCalls := startAuthsvc(t, iss)
	tok := iss.Mint(t, map[string]any{"exp": time.Now().Add(time.Hour).Unix()})
	conn := &switchConn{}
	conn.cur.Store(before)
	clock := fakeclock.At(time.Now())
	start := clock.Now()
	client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(conn), interceptor.WithCache(interceptor.CacheConfig{Now: clock.Now}))
	if _, err := client.EmptyCall(withToken(t.Context(), tok), &testpb.Empty{}); err != nil {
		t.Fatalf("EmptyCall before the key removal: %v", err)
	}

	iss.Rotate(t) // the token's key leaves the JWKS
	after, afterCalls := startAuthsvc(t, iss)
	_, err := authsvcv1.NewAuthServiceClient(after).VerifySessionToken(t.Context(), &authsvcv1.VerifySessionTokenRequest{Token: tok})
	if got := interceptor.ReasonOf(err); got != verifier.ReasonKidMismatch {
		t.Fatalf("authsvc after the key removal: %v, want %s", err, verifier.ReasonKidMismatch)
	}
	conn.cur.Store(after)

	clock.Set(start.Add(interceptor.DefaultCacheTTL - time.Second))
	if _, err := client.EmptyCall(withToken(t.Context(), tok), &testpb.Empty{}); err != nil {
		t.Fatalf("EmptyCall within the TTL: %v (want the cached success)", err)
	}
	clock.Set(start.Add(interceptor.DefaultCacheTTL))
	_, err = client.EmptyCall(withToken(t.Context(), tok), &testpb.Empty{})
	checkStatus(t, err, codes.Unauthenticated, verifier.ReasonKidMismatch)
	if b, a := beforeCalls.Load(), afterCalls.Load(); b != 1 || a != 2 {
		t.Errorf("VerifySessionToken calls: %d before, %d after; want 1 and 2 (the direct check, then the re-verification)", b, a)
	}
}

// TestCacheTTLOption: WithCache's TTL replaces the default: a success is
// re-verified once it passes.
func TestCacheTTLOption(t *testing.T) {
	t.Parallel()
	fake := &fakeAuth{verify: acceptAll(time.Now().Add(time.Hour))}
	clock := fakeclock.At(time.Now())
	start := clock.Now()
	client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(startFakeAuth(t, fake)),
		interceptor.WithCache(interceptor.CacheConfig{TTL: 5 * time.Second, Now: clock.Now}))
	for _, at := range []time.Duration{0, 4 * time.Second, 5 * time.Second, 9 * time.Second} {
		clock.Set(start.Add(at))
		if _, err := client.EmptyCall(withToken(t.Context(), "a"), &testpb.Empty{}); err != nil {
			t.Fatalf("EmptyCall at +%v: %v", at, err)
		}
	}
	if n := fake.calls.Load(); n != 2 {
		t.Errorf("authsvc calls = %d, want 2 (at +0s and at +5s)", n)
	}
}
