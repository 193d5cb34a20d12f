package server

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/grpctest"
	"github.com/authsvc/authsvc/internal/policy"
	"github.com/authsvc/authsvc/internal/rpcstatus"
	"github.com/authsvc/authsvc/verifier"
)

// denials records what the PolicyDenied hook saw.
type denials struct {
	mu  sync.Mutex
	got map[string]codes.Code
}

func (d *denials) hook(method string, code codes.Code) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.got == nil {
		d.got = map[string]codes.Code{}
	}
	d.got[method] = code
}

func (d *denials) code(method string) (codes.Code, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.got[method]
	return c, ok
}

// serveRegistered serves s on a bare grpc.Server through s.Register, with
// no interceptors at all: the way a caller that ignores NewGRPCServer
// would build it.
func serveRegistered(t *testing.T, s *Server) *grpc.ClientConn {
	t.Helper()
	gs := grpc.NewServer()
	s.Register(gs)
	return grpctest.Serve(t, gs)
}

// TestNoPolicyDeniesEveryProxyRPC builds the server without any policy, as
// NewGRPCServer and as a bare grpc.Server with Register, and calls every
// method of the AuthService descriptor: each proxy RPC is UNAUTHENTICATED
// without a credential and PERMISSION_DENIED with one, carries its reason
// as ErrorInfo and trailer, is reported to the hook, and never reaches the
// Backend API; the verification RPCs stay open.
func TestNoPolicyDeniesEveryProxyRPC(t *testing.T) {
	t.Parallel()
	builds := []struct {
		name string
		dial func(*testing.T, *Server) *grpc.ClientConn
	}{
		{"NewGRPCServer", func(t *testing.T, s *Server) *grpc.ClientConn { return startBufconn(t, s, GRPCOptions{}) }},
		{"Register on a bare grpc.Server", serveRegistered},
	}
	for _, b := range builds {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			stub := newClerkStub(t, nil)
			srv := newProxyServer(t, stub)
			seen := &denials{}
			srv.cfg.Hooks.PolicyDenied = seen.hook
			conn := b.dial(t, srv)
			denied := 0
			for _, m := range pb.AuthService_ServiceDesc.Methods {
				method := "/" + pb.AuthService_ServiceDesc.ServiceName + "/" + m.MethodName
				if !(*policy.Policy)(nil).Protected(method) {
					var trailer metadata.MD
					err := conn.Invoke(t.Context(), method, &emptypb.Empty{}, &emptypb.Empty{}, grpc.Trailer(&trailer))
					if c := status.Code(err); c == codes.PermissionDenied || rpcstatus.ReasonOf(err) == rpcstatus.ReasonCallerCredentialMissing {
						t.Errorf("%s: open method denied: %v", m.MethodName, err)
					}
					continue
				}
				denied++
				for _, tt := range []struct {
					ctx    context.Context
					code   codes.Code
					reason verifier.Reason
				}{
					{t.Context(), codes.Unauthenticated, rpcstatus.ReasonCallerCredentialMissing},
					{withKey(t.Context(), testCallerKey), codes.PermissionDenied, rpcstatus.ReasonCallerNotAllowed},
				} {
					var trailer metadata.MD
					err := conn.Invoke(tt.ctx, method, &emptypb.Empty{}, &emptypb.Empty{}, grpc.Trailer(&trailer))
					if status.Code(err) != tt.code || rpcstatus.ReasonOf(err) != tt.reason {
						t.Errorf("%s: %v, want %v %s", m.MethodName, err, tt.code, tt.reason)
					}
					if diff := cmp.Diff([]string{string(tt.reason)}, trailer.Get(rpcstatus.TrailerKey)); diff != "" {
						t.Errorf("%s: trailer (-want +got):\n%s", m.MethodName, diff)
					}
					if c, ok := seen.code(method); !ok || c != tt.code {
						t.Errorf("%s: PolicyDenied hook saw %v (%v), want %v", m.MethodName, c, ok, tt.code)
					}
				}
			}
			if denied != 59 {
				t.Errorf("%d methods denied, want the 59 proxy RPCs", denied)
			}
			if n := len(stub.requests()); n != 0 {
				t.Errorf("the Backend API received %d requests, want none", n)
			}
		})
	}
}

// TestRegisterKeepsGrants: the guarded registration grants what the policy
// grants and hands the caller's name to the handler path.
func TestRegisterKeepsGrants(t *testing.T) {
	t.Parallel()
	stub := newClerkStub(t, map[string]reply{"GET /v1/users/user_1": {body: userJSON}})
	conn := serveRegistered(t, withPolicy(newProxyServer(t, stub), billingPolicy(t)))
	client := pb.NewAuthServiceClient(conn)
	if _, err := client.GetUser(withKey(t.Context(), testCallerKey), &pb.GetUserRequest{UserId: "user_1"}); err != nil {
		t.Fatalf("granted GetUser: %v", err)
	}
	if _, err := client.DeleteUser(withKey(t.Context(), testCallerKey), &pb.DeleteUserRequest{UserId: "user_1"}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("ungranted DeleteUser: %v, want PermissionDenied", err)
	}
	if n := len(stub.requests()); n != 1 {
		t.Errorf("the Backend API received %d requests, want 1", n)
	}
}

// TestRegisterRunsServerInterceptors: with the guarded registration, the
// grpc.Server's own interceptors still run around the policy, and see its
// denials.
func TestRegisterRunsServerInterceptors(t *testing.T) {
	t.Parallel()
	var sawCode codes.Code
	outer := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		resp, err := h(ctx, req)
		sawCode = status.Code(err)
		return resp, err
	}
	gs := grpc.NewServer(grpc.UnaryInterceptor(outer))
	newProxyServer(t, nil).Register(gs)
	conn := grpctest.Serve(t, gs)
	_, err := pb.NewAuthServiceClient(conn).GetUser(t.Context(), &pb.GetUserRequest{UserId: "user_1"})
	if status.Code(err) != codes.Unauthenticated || sawCode != codes.Unauthenticated {
		t.Errorf("GetUser: %v, interceptor saw %v; want Unauthenticated for both", err, sawCode)
	}
}

// fakeStream is a grpc.ServerStream with a context and a recorded trailer.
type fakeStream struct {
	grpc.ServerStream
	ctx     context.Context
	trailer metadata.MD
}

func (f *fakeStream) Context() context.Context  { return f.ctx }
func (f *fakeStream) SetTrailer(md metadata.MD) { f.trailer = metadata.Join(f.trailer, md) }

// TestGuardStreamHandler: a streaming method bound by Register is held to
// the policy like a unary one (the AuthService has none today; this keeps
// a future one closed): no credential, no handler, reason in the trailer.
func TestGuardStreamHandler(t *testing.T) {
	t.Parallel()
	s := newProxyServer(t, nil)
	called := false
	h := s.guardStreamHandler("authsvc.v1.AuthService/FutureStream", func(any, grpc.ServerStream) error {
		called = true
		return nil
	})
	ss := &fakeStream{ctx: t.Context()}
	err := h(s, ss)
	if status.Code(err) != codes.Unauthenticated || called {
		t.Fatalf("guarded stream without a credential: %v (handler called: %v), want Unauthenticated", err, called)
	}
	if diff := cmp.Diff([]string{string(rpcstatus.ReasonCallerCredentialMissing)}, ss.trailer.Get(rpcstatus.TrailerKey)); diff != "" {
		t.Errorf("trailer (-want +got):\n%s", diff)
	}
}
