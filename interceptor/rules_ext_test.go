package interceptor_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/internal/attackvectors"
	"github.com/authsvc/authsvc/internal/grpctest"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// modes builds the interceptor's two modes for iss: remote (a real authsvc
// on bufconn) and local (an in-process verifier).
var modes = []struct {
	name string
	mode func(t *testing.T, iss *verifiertest.Issuer) interceptor.Option
}{
	{name: "remote", mode: func(t *testing.T, iss *verifiertest.Issuer) interceptor.Option {
		conn, _ := startAuthsvc(t, iss)
		return interceptor.WithRemote(conn)
	}},
	{name: "local", mode: func(t *testing.T, iss *verifiertest.Issuer) interceptor.Option {
		return interceptor.WithLocal(newVerifier(t, iss.Config()))
	}},
}

// TestEndToEndAttackVectors runs the shared attack table through both
// modes: the same UNAUTHENTICATED reason as VerifySessionToken, twice (the
// second time through the interceptor's own cache), and the handler never
// runs. A signed "sub":"user_1","sub":"user_admin" once reached the handler
// as user_admin in local mode and was "authsvc unavailable" in remote mode.
func TestEndToEndAttackVectors(t *testing.T) {
	t.Parallel()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			iss := verifiertest.NewIssuer(t)
			d := &downstream{}
			client, _ := startDownstream(t, d, m.mode(t, iss))
			now := time.Now().Unix()
			attackvectors.Run(t, iss, now, func(t *testing.T, a attackvectors.Attack, token string) {
				for range 2 {
					_, err := client.UnaryCall(withToken(t.Context(), token), &testpb.SimpleRequest{})
					checkStatus(t, err, codes.Unauthenticated, a.Reason)
				}
			})
			t.Cleanup(func() {
				if n := d.calls.Load(); n != 0 {
					t.Errorf("handler ran %d times, want 0", n)
				}
			})
		})
	}
}

// claimsServer is a protected service whose UnaryCall hands the caller's
// claims to seen.
type claimsServer struct {
	testpb.UnimplementedTestServiceServer
	seen chan *interceptor.Claims
}

func (s *claimsServer) UnaryCall(ctx context.Context, _ *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	c, _ := interceptor.ClaimsFromContext(ctx)
	s.seen <- c
	return &testpb.SimpleResponse{}, nil
}

// TestEndToEndNewRulesAndClaims: rules 5 and 10 refuse in both modes, and
// the claims of a current token (sts, aud, fea, pla, fva) reach the handler
// identically in both.
func TestEndToEndNewRulesAndClaims(t *testing.T) {
	t.Parallel()
	now := time.Now().Unix()
	claims := map[string]any{"sub": "user_1", "sid": "sess_1", "iat": now, "nbf": now, "exp": now + 60, "v": 2, "sts": "active",
		"aud": []string{"https://api.example.com"}, "fea": "o:reports,u:billing", "pla": "u:free", "fva": []int{3, -1}}
	want := &interceptor.Claims{SessionID: "sess_1", UserID: "user_1", Issuer: verifiertest.DefaultURL, IssuedAt: now, HasIssuedAt: true,
		NotBefore: now, ExpiresAt: now + 60, Version: 2, SessionStatus: "active", Audience: []string{"https://api.example.com"},
		Features: []string{"o:reports", "u:billing"}, Plans: []string{"u:free"},
		Reverification: &verifier.FactorVerificationAge{FirstFactorMinutes: 3, SecondFactorMinutes: -1}}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			iss := verifiertest.NewIssuer(t)
			srv := &claimsServer{seen: make(chan *interceptor.Claims, 1)}
			gs := grpc.NewServer(grpc.ChainUnaryInterceptor(interceptor.UnaryServerInterceptor(m.mode(t, iss))))
			testpb.RegisterTestServiceServer(gs, srv)
			client := testpb.NewTestServiceClient(grpctest.Serve(t, gs))
			tests := []struct {
				name   string
				token  string
				reason verifier.Reason // "" = reaches the handler
			}{
				{"rule5/template-category", iss.MintWithHeader(t, map[string]any{"alg": "RS256", "kid": iss.KID, "cat": "cl_B7d4PD222AAA"}, nil), verifier.ReasonTokenTypeMismatch},
				{"rule5/machine-subject", iss.Mint(t, map[string]any{"sub": "mch_1"}), verifier.ReasonTokenTypeMismatch},
				{"rule10/pending-refused", iss.Mint(t, map[string]any{"sts": "pending"}), verifier.ReasonSessionPending},
				{"claims/current-token", iss.Mint(t, claims), ""},
			}
			for _, tt := range tests {
				_, err := client.UnaryCall(withToken(t.Context(), tt.token), &testpb.SimpleRequest{})
				if tt.reason != "" {
					checkStatus(t, err, codes.Unauthenticated, tt.reason)
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				got := <-srv.seen
				if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(interceptor.Claims{}, "Raw")); diff != "" {
					t.Errorf("%s: claims seen by the handler (-want +got):\n%s", tt.name, diff)
				}
			}
		})
	}
}
