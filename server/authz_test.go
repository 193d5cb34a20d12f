package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/policy"
)

// keyHash is what a policy file stores for key.
func keyHash(key string) string {
	s := sha256.Sum256([]byte(key))
	return hex.EncodeToString(s[:])
}

// billingPolicy grants the "billing" caller GetUser and List*, and protects
// GetAuthState and the health service.
func billingPolicy(t *testing.T) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(`
protect: ["authsvc.v1.AuthService/GetAuthState", "grpc.health.v1.Health/*"]
callers:
  - name: billing
    key_sha256: ` + keyHash(testCallerKey) + `
    allow: ["authsvc.v1.AuthService/GetUser", "/authsvc.v1.AuthService/List*", "grpc.health.v1.Health/*"]
`))
	if err != nil {
		t.Fatalf("policy.Parse: %v", err)
	}
	return p
}

// TestAuthzPolicy drives the authz interceptor through gRPC: every denial
// ends before the handler, so the Clerk stand-in must see nothing for it.
func TestAuthzPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		policy   func(*testing.T) *policy.Policy
		md       []string // outgoing metadata pairs
		call     string   // "GetUser", "DeleteUser", "ListUsers"
		wantCode codes.Code
		wantSent int // requests Clerk should receive
	}{
		{"no credential is UNAUTHENTICATED", billingPolicy, nil, "GetUser", codes.Unauthenticated, 0},
		{"wrong key is PERMISSION_DENIED", billingPolicy, []string{"authorization", "Bearer not-the-key"}, "GetUser", codes.PermissionDenied, 0},
		{"right key on an ungranted method is PERMISSION_DENIED", billingPolicy, []string{"authorization", "Bearer " + testCallerKey}, "DeleteUser", codes.PermissionDenied, 0},
		{"right key, granted exactly", billingPolicy, []string{"authorization", "Bearer " + testCallerKey}, "GetUser", codes.OK, 1},
		{"right key, granted by glob", billingPolicy, []string{"authorization", "Bearer " + testCallerKey}, "ListUsers", codes.OK, 2}, // the page, then its count
		{"scheme is case-insensitive", billingPolicy, []string{"authorization", "bearer " + testCallerKey}, "GetUser", codes.OK, 1},
		{"Basic scheme is UNAUTHENTICATED", billingPolicy, []string{"authorization", "Basic " + testCallerKey}, "GetUser", codes.Unauthenticated, 0},
		{"two authorization values are UNAUTHENTICATED", billingPolicy, []string{"authorization", "Bearer " + testCallerKey, "authorization", "Bearer x"}, "GetUser", codes.Unauthenticated, 0},
		{"no policy denies a presented key", func(*testing.T) *policy.Policy { return nil }, []string{"authorization", "Bearer " + testCallerKey}, "GetUser", codes.PermissionDenied, 0},
		{"no policy, no key is UNAUTHENTICATED", func(*testing.T) *policy.Policy { return nil }, nil, "GetUser", codes.Unauthenticated, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stub := newClerkStub(t, map[string]reply{
				"GET /v1/users/user_1": {body: userJSON},
				"GET /v1/users":        {body: `[]`},
				"GET /v1/users/count":  {body: `{"object":"total_count","total_count":0}`},
			})
			client := newProxyClient(t, stub, tt.policy(t))
			ctx := t.Context()
			if tt.md != nil {
				ctx = metadata.AppendToOutgoingContext(ctx, tt.md...)
			}
			var err error
			switch tt.call {
			case "GetUser":
				_, err = client.GetUser(ctx, &pb.GetUserRequest{UserId: "user_1"})
			case "DeleteUser":
				_, err = client.DeleteUser(ctx, &pb.DeleteUserRequest{UserId: "user_1"})
			case "ListUsers":
				_, err = client.ListUsers(ctx, &pb.ListUsersRequest{})
			}
			st := status.Convert(err)
			if st.Code() != tt.wantCode {
				t.Fatalf("code = %v (%s), want %v", st.Code(), st.Message(), tt.wantCode)
			}
			if got := len(stub.requests()); got != tt.wantSent {
				t.Errorf("Clerk got %d requests, want %d", got, tt.wantSent)
			}
			if st.Code() != codes.OK {
				if _, info := errorInfo(t, err); info == nil || info.GetDomain() != ErrorDomain {
					t.Errorf("denial carries no authsvc ErrorInfo: %v", st.Details())
				}
			}
			for _, s := range []string{testCallerKey, "not-the-key"} {
				if st.Code() != codes.OK && strings.Contains(st.Message(), s) {
					t.Errorf("status message echoes a key: %q", st.Message())
				}
			}
		})
	}
}

// TestAuthzOpenAndProtectedMethods: verification stays open without a
// policy entry, and a protect entry closes it, for unary and streaming
// calls alike.
func TestAuthzOpenAndProtectedMethods(t *testing.T) {
	t.Parallel()
	open := newProxyClient(t, nil, nil)
	// VerifySessionToken is open: an empty token reaches the handler and
	// fails its own validation, not the policy.
	if _, err := open.VerifySessionToken(t.Context(), &pb.VerifySessionTokenRequest{}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("VerifySessionToken without a policy: %v, want the handler's InvalidArgument", err)
	}
	if _, err := open.GetAuthState(t.Context(), &pb.GetAuthStateRequest{}); status.Code(err) == codes.Unauthenticated || status.Code(err) == codes.PermissionDenied {
		t.Errorf("GetAuthState without a policy was denied: %v", err)
	}

	conn := startBufconn(t, withPolicy(newProxyServer(t, nil), billingPolicy(t)), GRPCOptions{})
	client := pb.NewAuthServiceClient(conn)
	if _, err := client.GetAuthState(t.Context(), &pb.GetAuthStateRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("protected GetAuthState without a key: %v, want Unauthenticated", err)
	}
	if _, err := client.VerifySessionToken(t.Context(), &pb.VerifySessionTokenRequest{}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("VerifySessionToken with a policy that does not protect it: %v, want InvalidArgument", err)
	}
	health := healthpb.NewHealthClient(conn)
	watch, err := health.Watch(t.Context(), &healthpb.HealthCheckRequest{})
	if err == nil {
		_, err = watch.Recv()
	}
	if status.Code(err) != codes.Unauthenticated {
		t.Errorf("protected Health/Watch (stream) without a key: %v, want Unauthenticated", err)
	}
	ctx, cancel := context.WithCancel(withKey(t.Context(), testCallerKey))
	defer cancel()
	watch, err = health.Watch(ctx, &healthpb.HealthCheckRequest{})
	if err == nil {
		_, err = watch.Recv()
	}
	if err != nil {
		t.Errorf("Health/Watch (stream) with a granted key: %v", err)
	}
}

// TestCallerFromContext: the granted caller's name reaches the handler.
func TestCallerFromContext(t *testing.T) {
	t.Parallel()
	var got string
	inner := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		got, _ = CallerFromContext(ctx)
		return h(ctx, req)
	}
	stub := newClerkStub(t, map[string]reply{"GET /v1/users/user_1": {body: userJSON}})
	client := newTestClient(t, withPolicy(newProxyServer(t, stub), billingPolicy(t)), GRPCOptions{
		Unary: []grpc.UnaryServerInterceptor{inner},
	})
	if _, err := client.GetUser(withKey(t.Context(), testCallerKey), &pb.GetUserRequest{UserId: "user_1"}); err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if got != "billing" {
		t.Errorf("CallerFromContext = %q, want billing", got)
	}
}
