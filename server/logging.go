package server

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	middleware "github.com/grpc-ecosystem/go-grpc-middleware/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// slowCall is the duration past which a unary call is logged at info even
// when it succeeded.
const slowCall = time.Second

// maxRequestIDLen bounds the x-request-id value that is logged. A longer
// value, or one with characters outside [A-Za-z0-9._:-], is not logged: a
// client could put anything there, a token included.
const maxRequestIDLen = 128

// callLevel is the level a finished call is logged at. The service answers
// every bad token and every refused caller with a client-error code, and an
// attacker can send those as fast as the network allows, so they are debug,
// like successes; only what an operator must act on is info or above:
//
//   - Internal, Unknown, DataLoss (a bug or a corrupted answer): error;
//   - Unavailable, DeadlineExceeded (Clerk or the key set unreachable,
//     upstream too slow): warn;
//   - any other code, OK included, when a unary call took longer than
//     [slowCall]: info;
//   - everything else (OK, InvalidArgument, Unauthenticated,
//     PermissionDenied, NotFound, ResourceExhausted, Canceled, …): debug.
//
// Metrics count every call whatever its level.
func callLevel(code codes.Code, took time.Duration, unary bool) slog.Level {
	switch code {
	case codes.Internal, codes.Unknown, codes.DataLoss:
		return slog.LevelError
	case codes.Unavailable, codes.DeadlineExceeded:
		return slog.LevelWarn
	}
	if unary && took > slowCall {
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// loggingUnary logs each finished unary call at [callLevel]: method, code,
// duration, peer address, the policy caller's name when one was granted,
// the x-request-id when it is a plain id, and the status message (written
// for the wire, so it holds no secret) for a failure. Never a payload, a
// token, a key or other metadata. When the call's level is disabled it
// costs a clock read and one context value.
func loggingUnary(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		start := time.Now()
		note := &callNote{}
		resp, err := handler(context.WithValue(ctx, callNoteKey{}, note), req)
		logCall(ctx, log, info.FullMethod, start, err, note, true)
		return resp, err
	}
}

// loggingStream is [loggingUnary] for streaming calls (no slow rule: a
// stream lives as long as its client wants).
func loggingStream(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		start := time.Now()
		note := &callNote{}
		ws := middleware.WrapServerStream(ss)
		ws.WrappedContext = context.WithValue(ss.Context(), callNoteKey{}, note)
		err := handler(srv, ws)
		logCall(ss.Context(), log, info.FullMethod, start, err, note, false)
		return err
	}
}

func logCall(ctx context.Context, log *slog.Logger, method string, start time.Time, err error, note *callNote, unary bool) {
	took := time.Since(start)
	code := status.Code(err)
	level := callLevel(code, took, unary)
	if !log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs,
		slog.String("method", method),
		slog.String("code", code.String()),
		slog.Float64("duration_ms", float64(took.Microseconds())/1000))
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		attrs = append(attrs, slog.String("peer", p.Addr.String()))
	}
	if name := note.caller.Load(); name != nil {
		attrs = append(attrs, slog.String("caller", *name))
	}
	if id := requestID(ctx); id != "" {
		attrs = append(attrs, slog.String("request_id", id))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", status.Convert(err).Message()))
	}
	log.LogAttrs(ctx, level, "grpc call", attrs...)
}

// callNote carries what inner interceptors learn about a call back out to
// the logging interceptor, whose context they cannot change.
type callNote struct {
	caller atomic.Pointer[string]
}

type callNoteKey struct{}

// noteCaller records the granted policy caller for the call's log line.
func noteCaller(ctx context.Context, name string) {
	if n, ok := ctx.Value(callNoteKey{}).(*callNote); ok {
		n.caller.Store(&name)
	}
}

// requestID returns the call's x-request-id metadata when it is one short
// plain id, else "".
func requestID(ctx context.Context) string {
	vals := metadata.ValueFromIncomingContext(ctx, "x-request-id")
	if len(vals) != 1 || len(vals[0]) == 0 || len(vals[0]) > maxRequestIDLen {
		return ""
	}
	for _, c := range []byte(vals[0]) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-'
		if !ok {
			return ""
		}
	}
	return vals[0]
}
