package interceptor_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"

	"github.com/authsvc/authsvc/interceptor"
)

// TestContextHelpers pins what each accessor returns with and without
// claims.
func TestContextHelpers(t *testing.T) {
	t.Parallel()
	claims := &interceptor.Claims{
		UserID: "user_1", SessionID: "sess_1", OrgID: "org_1", OrgRole: "org:admin",
		OrgPermissions: []string{"org:invoices:read"},
	}
	type got struct {
		HasClaims                  bool
		User, Session, Org         string
		PermRead, PermWrite, Empty bool
		RoleAdmin, RoleBare        bool
	}
	read := func(ctx context.Context) got {
		_, ok := interceptor.ClaimsFromContext(ctx)
		return got{
			HasClaims: ok,
			User:      interceptor.UserID(ctx), Session: interceptor.SessionID(ctx), Org: interceptor.OrgID(ctx),
			PermRead:  interceptor.HasPermission(ctx, "org:invoices:read"),
			PermWrite: interceptor.HasPermission(ctx, "org:invoices:write"),
			Empty:     interceptor.HasPermission(ctx, "") || interceptor.HasRole(ctx, ""),
			RoleAdmin: interceptor.HasRole(ctx, "org:admin"),
			RoleBare:  interceptor.HasRole(ctx, "admin"),
		}
	}
	tests := []struct {
		name string
		ctx  context.Context
		want got
	}{
		{name: "with claims", ctx: interceptor.NewContext(t.Context(), "tok", claims), want: got{
			HasClaims: true, User: "user_1", Session: "sess_1", Org: "org_1", PermRead: true, RoleAdmin: true,
		}},
		{name: "plain context", ctx: t.Context(), want: got{}},
		{name: "nil claims", ctx: interceptor.NewContext(t.Context(), "tok", nil), want: got{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, read(tt.ctx)); diff != "" {
				t.Errorf("helpers (-want +got):\n%s", diff)
			}
		})
	}
}

// TestServerMetadataKey: with WithMetadataKey the server reads only that
// key.
func TestServerMetadataKey(t *testing.T) {
	t.Parallel()
	fake := &fakeAuth{verify: acceptAll(time.Now().Add(time.Minute))}
	client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(startFakeAuth(t, fake)), interceptor.WithMetadataKey("X-Session-Token"))

	ctx := metadata.AppendToOutgoingContext(t.Context(), "x-session-token", "Bearer k1")
	resp, err := client.UnaryCall(ctx, &testpb.SimpleRequest{})
	if err != nil {
		t.Fatalf("UnaryCall: %v", err)
	}
	if got := resp.GetUsername(); got != "user_k1" {
		t.Errorf("user = %q, want user_k1", got)
	}
	_, err = client.UnaryCall(withToken(t.Context(), "k1"), &testpb.SimpleRequest{})
	checkStatus(t, err, codes.Unauthenticated, interceptor.ReasonTokenMissing) // authorization is not read
}
