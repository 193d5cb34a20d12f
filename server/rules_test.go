package server

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/testing/protocmp"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/attackvectors"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// wantRejected fails unless err is UNAUTHENTICATED with reason's ErrorInfo.
func wantRejected(t *testing.T, err error, reason verifier.Reason) {
	t.Helper()
	code, info := errorInfo(t, err)
	if code != codes.Unauthenticated || info == nil {
		t.Fatalf("got %v %v (%v), want UNAUTHENTICATED %s", code, info, err, reason)
	}
	want := &errdetails.ErrorInfo{Domain: "authsvc.v1", Reason: reason.Code(), Metadata: map[string]string{"reason": string(reason)}}
	if diff := cmp.Diff(want, info, protocmp.Transform()); diff != "" {
		t.Fatalf("ErrorInfo (-want +got):\n%s", diff)
	}
}

// TestAttackVectorsOverGRPC runs the shared attack table through
// VerifySessionToken and through GetAuthState (header token and cookie
// token), each token twice so that the decision cache is crossed too.
func TestAttackVectorsOverGRPC(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	client := newVerifyClient(t, iss.Config())
	now := time.Now().Unix()
	attackvectors.Run(t, iss, now, func(t *testing.T, a attackvectors.Attack, token string) {
		for range 2 {
			resp, err := client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: token})
			wantRejected(t, err, a.Reason)
			if resp != nil {
				t.Fatalf("response %v with the error", resp)
			}
		}
		reqs := map[verifier.AuthReason]*authsvcv1.GetAuthStateRequest{
			a.Header: {HeaderToken: &token},
			a.Cookie: {Headers: map[string]string{"cookie": "__client_uat=1; __session=" + token, "user-agent": "Mozilla/5.0", "host": "app.example.com"}},
		}
		for want, req := range reqs {
			resp, err := client.GetAuthState(context.Background(), req)
			if err != nil {
				t.Fatalf("GetAuthState: %v", err)
			}
			if resp.GetStatus() != authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT || resp.GetReason() != string(want) || resp.GetClaims() != nil {
				t.Errorf("GetAuthState = %v/%s claims %v, want signed out/%s", resp.GetStatus(), resp.GetReason(), resp.GetClaims(), want)
			}
		}
	})
}

// TestVerifySessionTokenNewRules covers rules 5, 7 and 10 over gRPC with
// the service's configuration and the request's accept_pending.
func TestVerifySessionTokenNewRules(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	plain := newVerifyClient(t, iss.Config())
	audCfg := iss.Config()
	audCfg.Audiences = []string{"https://api.example.com"}
	aud := newVerifyClient(t, audCfg)
	pendingCfg := iss.Config()
	pendingCfg.AcceptPendingSessions = true
	pending := newVerifyClient(t, pendingCfg)
	cat := func(c string) string {
		return iss.MintWithHeader(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": iss.KID, "cat": c}, nil)
	}
	tests := []struct {
		name          string
		client        authsvcv1.AuthServiceClient
		token         string
		acceptPending bool
		want          verifier.Reason // "" = accepted
	}{
		{"rule5/session-category", plain, cat("cl_B7d4PD111AAA"), false, ""},
		{"rule5/ignore-category-marker", plain, cat("cl_I7d4PD111III"), false, ""},
		{"rule5/template-category", plain, cat("cl_B7d4PD222AAA"), false, verifier.ReasonTokenTypeMismatch},
		{"rule5/machine-category", plain, cat("cl_B7d4PD333AAA"), false, verifier.ReasonTokenTypeMismatch},
		{"rule5/machine-subject", plain, iss.Mint(t, map[string]any{"sub": "mch_1"}), false, verifier.ReasonTokenTypeMismatch},
		{"rule7/aud-absent", aud, iss.Mint(t, nil), false, verifier.ReasonInvalidAudience},
		{"rule7/aud-no-match", aud, iss.Mint(t, map[string]any{"aud": "https://other.example.com"}), false, verifier.ReasonInvalidAudience},
		{"rule7/aud-match", aud, iss.Mint(t, map[string]any{"aud": []string{"x", "https://api.example.com"}}), false, ""},
		{"rule7/aud-unconfigured", plain, iss.Mint(t, map[string]any{"aud": "x"}), false, ""},
		{"rule10/pending-refused", plain, iss.Mint(t, map[string]any{"sts": "pending"}), false, verifier.ReasonSessionPending},
		{"rule10/pending-accepted-by-request", plain, iss.Mint(t, map[string]any{"sts": "pending"}), true, ""},
		{"rule10/pending-accepted-by-service", pending, iss.Mint(t, map[string]any{"sts": "pending"}), false, ""},
		{"rule10/active-accepted", plain, iss.Mint(t, map[string]any{"sts": "active"}), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := tt.client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: tt.token, AcceptPending: tt.acceptPending})
			if tt.want != "" {
				wantRejected(t, err, tt.want)
				return
			}
			if err != nil || resp.GetClaims().GetUserId() == "" {
				t.Fatalf("VerifySessionToken = %v, %v; want claims", resp, err)
			}
		})
	}
}

// TestVerifySessionTokenPendingCached: the same pending token, in turn
// accepted and refused by accept_pending, over one server (so every call
// after the first is a decision-cache hit); GetAuthState likewise.
func TestVerifySessionTokenPendingCached(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	client := newVerifyClient(t, iss.Config())
	token := iss.Mint(t, map[string]any{"sts": "pending"})
	for i, accept := range []bool{true, false, true, false} {
		resp, err := client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: token, AcceptPending: accept})
		if !accept {
			wantRejected(t, err, verifier.ReasonSessionPending)
			continue
		}
		if err != nil || resp.GetClaims().GetSessionStatus() != "pending" {
			t.Fatalf("call %d: %v, %v; want claims with session_status pending", i, resp, err)
		}
	}
	for _, tt := range []struct {
		name   string
		accept bool
		status authsvcv1.AuthStatus
		reason string
	}{
		{"rule10/authstate-pending-refused", false, authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT, "session-pending"},
		{"rule10/authstate-pending-accepted-by-request", true, authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN, "standard-signed-in"},
	} {
		resp, err := client.GetAuthState(context.Background(), &authsvcv1.GetAuthStateRequest{HeaderToken: &token, AcceptPending: tt.accept})
		if err != nil || resp.GetStatus() != tt.status || resp.GetReason() != tt.reason {
			t.Errorf("%s: %v/%s (%v), want %v/%s", tt.name, resp.GetStatus(), resp.GetReason(), err, tt.status, tt.reason)
		}
	}
}

// TestVerifySessionTokenNewClaims: sts, aud, fea, pla and fva reach the
// claims message.
func TestVerifySessionTokenNewClaims(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	client := newVerifyClient(t, iss.Config())
	now := time.Now().Unix()
	token := iss.Mint(t, map[string]any{"sub": "user_1", "sid": "sess_1", "iat": now, "nbf": now, "exp": now + 60, "v": 2,
		"sts": "active", "aud": "https://api.example.com", "fea": "o:reports,u:billing", "pla": "u:free,o:pro", "fva": []int{12, -1}})
	resp, err := client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	want := &authsvcv1.Claims{SessionId: "sess_1", UserId: "user_1", Issuer: iss.URL, IssuedAt: now, NotBefore: now, ExpiresAt: now + 60,
		Version: 2, SessionStatus: "active", Audience: []string{"https://api.example.com"},
		Features: []string{"o:reports", "u:billing"}, Plans: []string{"u:free", "o:pro"},
		Reverification: &authsvcv1.FactorVerificationAge{FirstFactorMinutes: 12, SecondFactorMinutes: -1}}
	if diff := cmp.Diff(want, resp.GetClaims(), protocmp.Transform(), protocmp.IgnoreFields(&authsvcv1.Claims{}, "raw")); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

// TestVerifySessionTokenDeepNesting: a signed payload nested as deep as
// the 8 KiB token limit allows verifies over gRPC as it does in-process
// (the raw claims convert to a Struct), never INTERNAL.
func TestVerifySessionTokenDeepNesting(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	client := newVerifyClient(t, iss.Config())
	now := time.Now().Unix()
	for name, meta := range map[string]string{
		"arrays":  strings.Repeat("[", 2800) + strings.Repeat("]", 2800),
		"objects": strings.Repeat(`{"a":`, 950) + "1" + strings.Repeat("}", 950),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			payload := `{"iss":"` + iss.URL + `","sub":"user_1","exp":` + strconv.FormatInt(now+60, 10) + `,"meta":` + meta + `}`
			token := iss.MintRaw(t, nil, []byte(payload))
			if len(token) > MaxTokenBytes {
				t.Fatalf("token of %d bytes is over the limit", len(token))
			}
			resp, err := client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: token})
			if err != nil || resp.GetClaims().GetRaw().GetFields()["meta"] == nil {
				t.Fatalf("VerifySessionToken = %v, %v; want the claims with meta", resp, err)
			}
		})
	}
}
