package server

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// errorInfo returns the single ErrorInfo detail of err's status.
func errorInfo(t *testing.T, err error) (codes.Code, *errdetails.ErrorInfo) {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("not a gRPC status: %v", err)
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return st.Code(), info
		}
	}
	return st.Code(), nil
}

func newVerifyClient(t *testing.T, cfg verifier.Config) authsvcv1.AuthServiceClient {
	t.Helper()
	v, err := verifier.New(cfg)
	if err != nil {
		t.Fatalf("verifier.New: %v", err)
	}
	t.Cleanup(v.Close)
	srv, err := New(Config{Verifier: v})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	return newTestClient(t, srv, GRPCOptions{})
}

// TestVerifySessionTokenReasons covers every reason of DESIGN.md
// "Verification order and rules" through the gRPC surface: the status code,
// the ErrorInfo domain, UPPER_SNAKE reason and metadata["reason"].
func TestVerifySessionTokenReasons(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	client := newVerifyClient(t, iss.Config())
	now := time.Now().Unix()
	tests := []struct {
		name    string
		token   string
		parties []string
		code    codes.Code
		reason  verifier.Reason
	}{
		{"rule1 not three parts", "abc.def", nil, codes.Unauthenticated, verifier.ReasonTokenInvalid},
		{"rule1 parts not JSON", "a.b.c", nil, codes.Unauthenticated, verifier.ReasonTokenInvalid},
		{"rule2 alg none", iss.MintWithHeader(t, map[string]any{"alg": "none", "typ": "JWT", "kid": iss.KID}, nil), nil, codes.Unauthenticated, verifier.ReasonInvalidAlgorithm},
		{"rule2 alg HS256", iss.MintWithHeader(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": iss.KID}, nil), nil, codes.Unauthenticated, verifier.ReasonInvalidAlgorithm},
		{"rule2 crit header", iss.MintWithHeader(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": iss.KID, "crit": []string{"exp"}}, nil), nil, codes.Unauthenticated, verifier.ReasonTokenInvalid},
		{"rule3 unknown kid", iss.MintWithHeader(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": "ins_unknown"}, nil), nil, codes.Unauthenticated, verifier.ReasonKidMismatch},
		{"rule4 tampered payload", tamper(iss.Mint(t, nil)), nil, codes.Unauthenticated, verifier.ReasonInvalidSignature},
		{"rule6 expired", iss.Mint(t, map[string]any{"exp": now - 60}), nil, codes.Unauthenticated, verifier.ReasonExpired},
		{"rule6 exp missing", iss.Mint(t, map[string]any{"exp": nil}), nil, codes.Unauthenticated, verifier.ReasonTokenInvalid},
		{"rule6 not active yet", iss.Mint(t, map[string]any{"nbf": now + 60}), nil, codes.Unauthenticated, verifier.ReasonNotActiveYet},
		{"rule6 iat in the future", iss.Mint(t, map[string]any{"iat": now + 60}), nil, codes.Unauthenticated, verifier.ReasonIatInFuture},
		{"rule6 sub missing", iss.Mint(t, map[string]any{"sub": nil}), nil, codes.Unauthenticated, verifier.ReasonTokenInvalid},
		{"rule8 lookalike issuer", iss.Mint(t, map[string]any{"iss": "https://clerkevil.com"}), nil, codes.Unauthenticated, verifier.ReasonInvalidIssuer},
		{"rule8 http issuer", iss.Mint(t, map[string]any{"iss": "http://clerk.x"}), nil, codes.Unauthenticated, verifier.ReasonInvalidIssuer},
		{"rule9 azp not in request list", iss.Mint(t, map[string]any{"azp": "https://a.example"}), []string{"https://b.example"}, codes.Unauthenticated, verifier.ReasonUnauthorizedParty},
		{"rule9 azp missing with a list", iss.Mint(t, nil), []string{"https://b.example"}, codes.Unauthenticated, verifier.ReasonUnauthorizedParty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: tt.token, AuthorizedParties: tt.parties})
			code, info := errorInfo(t, err)
			if code != tt.code {
				t.Fatalf("code = %v, want %v (%v)", code, tt.code, err)
			}
			if info == nil {
				t.Fatalf("no ErrorInfo in %v", err)
			}
			want := &errdetails.ErrorInfo{Domain: "authsvc.v1", Reason: tt.reason.Code(), Metadata: map[string]string{"reason": string(tt.reason)}}
			if diff := cmp.Diff(want, info, protocmp.Transform()); diff != "" {
				t.Errorf("ErrorInfo (-want +got):\n%s", diff)
			}
			if !strings.Contains(status.Convert(err).Message(), string(tt.reason)) {
				t.Errorf("message %q does not name the reason", status.Convert(err).Message())
			}
			if strings.Contains(err.Error(), tt.token) && len(tt.token) > 10 {
				t.Errorf("the error message carries the token")
			}
		})
	}
}

// tamper swaps the payload for one with another sub, keeping the header and
// the signature: the result is well-formed but not what was signed.
func tamper(token string) string {
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		panic(err)
	}
	forged := strings.Replace(string(payload), `"sub":"user_test"`, `"sub":"user_admin"`, 1)
	if forged == string(payload) {
		panic("tamper: no sub claim to change")
	}
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]
}

// TestVerifySessionTokenKeysUnavailable: keys that cannot be had are
// UNAVAILABLE, never UNAUTHENTICATED, so callers can tell an outage from a
// bad token.
func TestVerifySessionTokenKeysUnavailable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		setup  func(*verifiertest.Issuer, *verifier.Config)
		reason verifier.Reason
	}{
		{"JWKS endpoint down from the start", func(i *verifiertest.Issuer, _ *verifier.Config) { i.SetDown(true) }, verifier.ReasonKeyFetch},
		{"secret key rejected by Clerk", func(_ *verifiertest.Issuer, c *verifier.Config) { c.SecretKey = "sk_test_wrong" }, verifier.ReasonSecretKeyInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iss := verifiertest.NewIssuer(t)
			cfg := iss.Config()
			tt.setup(iss, &cfg)
			client := newVerifyClient(t, cfg)
			_, err := client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: iss.Mint(t, nil)})
			code, info := errorInfo(t, err)
			if code != codes.Unavailable || info == nil || info.GetMetadata()["reason"] != string(tt.reason) {
				t.Fatalf("got %v %v, want UNAVAILABLE %s", code, info, tt.reason)
			}
			if strings.Contains(err.Error(), "sk_test_") {
				t.Errorf("the error message carries the secret key: %v", err)
			}
		})
	}
}

func TestVerifySessionTokenInvalidArgument(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	client := newVerifyClient(t, iss.Config())
	for name, token := range map[string]string{"empty": "", "over 8 KiB": strings.Repeat("a", MaxTokenBytes+1)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: token})
			if status.Code(err) != codes.InvalidArgument {
				t.Fatalf("code = %v, want InvalidArgument", status.Code(err))
			}
		})
	}
	if iss.JWKSFetches() != 0 {
		t.Errorf("bad arguments fetched keys %d times", iss.JWKSFetches())
	}
}

// TestVerifySessionTokenClaims checks the claims message for both claim-set
// versions, including the raw claims and the actor.
func TestVerifySessionTokenClaims(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	client := newVerifyClient(t, iss.Config())
	now := time.Now().Unix()
	tests := []struct {
		name   string
		claims map[string]any
		want   *authsvcv1.Claims
	}{
		{
			name: "v1 org claims and actor",
			claims: map[string]any{"sub": "user_1", "sid": "sess_1", "azp": "https://app.example", "iat": now, "nbf": now - 10, "exp": now + 60,
				"org_id": "org_1", "org_slug": "acme", "org_role": "org:admin", "org_permissions": []string{"org:sys_memberships:manage"},
				"act": map[string]any{"sub": "user_admin"}},
			want: &authsvcv1.Claims{SessionId: "sess_1", UserId: "user_1", AuthorizedParty: "https://app.example", Issuer: iss.URL,
				IssuedAt: now, NotBefore: now - 10, ExpiresAt: now + 60, OrgId: "org_1", OrgSlug: "acme", OrgRole: "org:admin",
				OrgPermissions: []string{"org:sys_memberships:manage"}, Version: 1},
		},
		{
			name: "v2 compact org claim",
			claims: map[string]any{"sub": "user_2", "sid": "sess_2", "iat": now, "nbf": now - 10, "exp": now + 60, "v": 2,
				"o": map[string]any{"id": "org_2", "slg": "beta", "rol": "admin"}},
			want: &authsvcv1.Claims{SessionId: "sess_2", UserId: "user_2", Issuer: iss.URL,
				IssuedAt: now, NotBefore: now - 10, ExpiresAt: now + 60, OrgId: "org_2", OrgSlug: "beta", OrgRole: "org:admin", Version: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: iss.Mint(t, tt.claims)})
			if err != nil {
				t.Fatalf("VerifySessionToken: %v", err)
			}
			got := resp.GetClaims()
			if diff := cmp.Diff(tt.want, got, protocmp.Transform(), protocmp.IgnoreFields(&authsvcv1.Claims{}, "raw", "actor")); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			if got.GetRaw().GetFields()["sub"].GetStringValue() != tt.want.UserId {
				t.Errorf("raw claims lack sub: %v", got.GetRaw())
			}
			if act, ok := tt.claims["act"]; ok {
				if got.GetActor().GetFields()["sub"].GetStringValue() != act.(map[string]any)["sub"] {
					t.Errorf("actor = %v, want %v", got.GetActor(), act)
				}
			} else if got.GetActor() != nil {
				t.Errorf("actor = %v, want none", got.GetActor())
			}
		})
	}
}

// TestVerifyStatusContext: the caller's context errors keep their codes.
func TestVerifyStatusContext(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		code codes.Code
	}{
		{&verifier.Error{Reason: verifier.ReasonKeyFetch, Err: context.DeadlineExceeded}, codes.DeadlineExceeded},
		{&verifier.Error{Reason: verifier.ReasonKeyFetch, Err: context.Canceled}, codes.Canceled},
		{errors.New("boom"), codes.Internal},
	} {
		if got := status.Code(verifyStatus(tt.err)); got != tt.code {
			t.Errorf("verifyStatus(%v) = %v, want %v", tt.err, got, tt.code)
		}
	}
}
