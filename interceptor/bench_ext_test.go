package interceptor_test

// Benchmarks, each beside its baseline in the same run:
//
//	go test -run '^$' -bench . -benchtime 2s -count 3 ./interceptor
//
// The cache-hit overhead per call is DownstreamCacheHit - DownstreamBaseline
// (target ≤ 2 µs) and, without gRPC's own cost, InterceptorCacheHit -
// InterceptorBaseline.

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"

	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/internal/grpctest"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// benchDownstream serves a downstream over bufconn, with the remote-mode
// interceptors when protect is true, and returns a client and a context
// carrying a valid token.
func benchDownstream(b *testing.B, protect bool) (testpb.TestServiceClient, context.Context) {
	b.Helper()
	iss := verifiertest.NewIssuer(b)
	var opts []grpc.ServerOption
	if protect {
		conn, _ := startAuthsvc(b, iss)
		opts = append(opts,
			grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(interceptor.WithRemote(conn))),
			grpc.ChainStreamInterceptor(interceptor.StreamServerInterceptor(interceptor.WithRemote(conn))),
		)
	}
	gs := grpc.NewServer(opts...)
	testpb.RegisterTestServiceServer(gs, &downstream{})
	client := testpb.NewTestServiceClient(grpctest.Serve(b, gs))
	ctx := withToken(b.Context(), iss.Mint(b, nil))
	if _, err := client.EmptyCall(ctx, &testpb.Empty{}); err != nil { // warm the cache
		b.Fatalf("EmptyCall: %v", err)
	}
	return client, ctx
}

func benchEmptyCalls(b *testing.B, client testpb.TestServiceClient, ctx context.Context) {
	b.Helper()
	req := &testpb.Empty{}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := client.EmptyCall(ctx, req); err != nil {
			b.Fatalf("EmptyCall: %v", err)
		}
	}
}

// BenchmarkDownstreamBaseline is one downstream call, token sent but no
// interceptor.
func BenchmarkDownstreamBaseline(b *testing.B) {
	client, ctx := benchDownstream(b, false)
	benchEmptyCalls(b, client, ctx)
}

// BenchmarkDownstreamCacheHit is the same call through the remote-mode
// interceptor with a warm decision cache.
func BenchmarkDownstreamCacheHit(b *testing.B) {
	client, ctx := benchDownstream(b, true)
	benchEmptyCalls(b, client, ctx)
}

var sink any

func noopHandler(ctx context.Context, req any) (any, error) { return req, nil }

// benchInterceptorCtx returns an incoming-call context with a valid token
// and a remote-mode interceptor whose cache already holds it.
func benchInterceptorCtx(b *testing.B) (grpc.UnaryServerInterceptor, context.Context) {
	b.Helper()
	iss := verifiertest.NewIssuer(b)
	conn, _ := startAuthsvc(b, iss)
	ic := interceptor.UnaryServerInterceptor(interceptor.WithRemote(conn))
	ctx := metadata.NewIncomingContext(b.Context(), metadata.Pairs("authorization", "Bearer "+iss.Mint(b, nil)))
	return ic, ctx
}

var benchInfo = &grpc.UnaryServerInfo{FullMethod: testpb.TestService_EmptyCall_FullMethodName}

// BenchmarkInterceptorBaseline calls the no-op handler directly.
func BenchmarkInterceptorBaseline(b *testing.B) {
	_, ctx := benchInterceptorCtx(b)
	req := &testpb.Empty{}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		sink, _ = noopHandler(ctx, req)
	}
}

// BenchmarkInterceptorCacheHit calls the interceptor function with the
// no-op handler and a warm cache.
func BenchmarkInterceptorCacheHit(b *testing.B) {
	ic, ctx := benchInterceptorCtx(b)
	req := &testpb.Empty{}
	if _, err := ic(ctx, req, benchInfo, noopHandler); err != nil {
		b.Fatalf("warm-up: %v", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var err error
		if sink, err = ic(ctx, req, benchInfo, noopHandler); err != nil {
			b.Fatal(err)
		}
	}
}
