package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// lockedBuffer is a bytes.Buffer for a logger shared by server goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log lines written so far.
func (b *lockedBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if l == "" {
			continue
		}
		m := map[string]any{}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		out = append(out, m)
	}
	return out
}

func TestCallLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		code  codes.Code
		took  time.Duration
		unary bool
		want  slog.Level
	}{
		{"success is debug", codes.OK, time.Millisecond, true, slog.LevelDebug},
		{"bad token is debug (a flood must not fill the disk)", codes.Unauthenticated, time.Millisecond, true, slog.LevelDebug},
		{"refused caller is debug", codes.PermissionDenied, time.Millisecond, true, slog.LevelDebug},
		{"bad argument is debug", codes.InvalidArgument, time.Millisecond, true, slog.LevelDebug},
		{"rate limited is debug", codes.ResourceExhausted, time.Millisecond, true, slog.LevelDebug},
		{"client cancelled is debug", codes.Canceled, time.Millisecond, true, slog.LevelDebug},
		{"slow success is info", codes.OK, 2 * time.Second, true, slog.LevelInfo},
		{"slow client error is info", codes.NotFound, 2 * time.Second, true, slog.LevelInfo},
		{"long stream is not slow", codes.OK, time.Hour, false, slog.LevelDebug},
		{"clerk unreachable is warn", codes.Unavailable, time.Millisecond, true, slog.LevelWarn},
		{"deadline exceeded is warn", codes.DeadlineExceeded, time.Millisecond, true, slog.LevelWarn},
		{"internal is error", codes.Internal, time.Millisecond, true, slog.LevelError},
		{"unknown is error", codes.Unknown, time.Millisecond, false, slog.LevelError},
		{"data loss is error", codes.DataLoss, time.Millisecond, true, slog.LevelError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := callLevel(tt.code, tt.took, tt.unary); got != tt.want {
				t.Errorf("callLevel(%v, %v) = %v, want %v", tt.code, tt.took, got, tt.want)
			}
		})
	}
}

// TestLoggingLine: at debug, a granted proxy call is one line with method,
// code, duration, peer, caller and request id, and nothing of the key; at
// info the same call writes nothing, and a failed upstream call (Clerk
// answers 503: Unavailable) is logged.
func TestLoggingLine(t *testing.T) {
	t.Parallel()
	stub := newClerkStub(t, map[string]reply{
		"GET /v1/users/user_1":    {body: userJSON},
		"GET /v1/users/user_down": {status: 503, body: `{"errors":[{"code":"unavailable","message":"down"}]}`},
	})
	call := func(t *testing.T, level slog.Level, user string, md ...string) []map[string]any {
		t.Helper()
		var buf lockedBuffer
		log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level}))
		client := newTestClient(t, withPolicy(newProxyServer(t, stub), billingPolicy(t)), GRPCOptions{Logger: log})
		ctx := metadata.AppendToOutgoingContext(withKey(t.Context(), testCallerKey), md...)
		_, _ = client.GetUser(ctx, &pb.GetUserRequest{UserId: user})
		if out := buf.buf.String(); strings.Contains(out, testCallerKey) || strings.Contains(out, testSecretKey) {
			t.Fatalf("log holds a key: %s", out)
		}
		return buf.lines(t)
	}
	t.Run("debug: one full line", func(t *testing.T) {
		t.Parallel()
		lines := call(t, slog.LevelDebug, "user_1", "x-request-id", "req-42")
		if len(lines) != 1 {
			t.Fatalf("lines = %v, want 1", lines)
		}
		l := lines[0]
		if _, ok := l["duration_ms"].(float64); !ok || l["peer"] == nil {
			t.Errorf("line %v lacks duration_ms or peer", l)
		}
		got := map[string]any{"level": l["level"], "msg": l["msg"], "method": l["method"], "code": l["code"], "caller": l["caller"], "request_id": l["request_id"]}
		want := map[string]any{"level": "DEBUG", "msg": "grpc call", "method": "/authsvc.v1.AuthService/GetUser", "code": "OK", "caller": "billing", "request_id": "req-42"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("line (-want +got):\n%s", diff)
		}
	})
	t.Run("info: a success writes nothing", func(t *testing.T) {
		t.Parallel()
		if lines := call(t, slog.LevelInfo, "user_1"); len(lines) != 0 {
			t.Errorf("lines = %v, want none", lines)
		}
	})
	t.Run("info: an upstream failure is a warning", func(t *testing.T) {
		t.Parallel()
		lines := call(t, slog.LevelInfo, "user_down", "x-request-id", "eyJhbGciOiJSUzI1NiJ9 with spaces")
		if len(lines) != 1 || lines[0]["level"] != "WARN" || lines[0]["code"] != "Unavailable" || lines[0]["error"] == nil {
			t.Fatalf("lines = %v, want one WARN Unavailable line with the status message", lines)
		}
		if _, ok := lines[0]["request_id"]; ok {
			t.Errorf("a request id that is not a plain id was logged: %v", lines[0])
		}
	})
}

// BenchmarkLoggingDisabled is the interceptor's cost on a successful call
// at the default level (info): the path every healthy call takes.
func BenchmarkLoggingDisabled(b *testing.B) {
	log := slog.New(slog.NewJSONHandler(&bytes.Buffer{}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	icpt := loggingUnary(log)
	info := &grpc.UnaryServerInfo{FullMethod: "/authsvc.v1.AuthService/VerifySessionToken"}
	h := func(context.Context, any) (any, error) { return nil, nil }
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = icpt(ctx, nil, info, h)
	}
}
