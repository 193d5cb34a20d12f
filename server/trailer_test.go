package server

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/policy"
	"github.com/authsvc/authsvc/internal/rpcstatus"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// TestVerifyErrorTrailer: every verification error of VerifySessionToken
// carries the authsvc-reason trailer, equal to its ErrorInfo reason; a
// success and an INVALID_ARGUMENT (no reason) carry none.
func TestVerifyErrorTrailer(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	client := newVerifyClient(t, iss.Config())
	down := verifiertest.NewIssuer(t)
	down.SetDown(true)
	outage := newVerifyClient(t, down.Config())
	now := time.Now().Unix()
	tests := []struct {
		name   string
		client authsvcv1.AuthServiceClient
		token  string
		want   verifier.Reason // "" for no trailer
	}{
		{"malformed", client, "a.b.c", verifier.ReasonTokenInvalid},
		{"unknown kid", client, iss.MintWithHeader(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": "ins_unknown"}, nil), verifier.ReasonKidMismatch},
		{"tampered", client, tamper(iss.Mint(t, nil)), verifier.ReasonInvalidSignature},
		{"expired", client, iss.Mint(t, map[string]any{"exp": now - 60}), verifier.ReasonExpired},
		{"foreign issuer", client, iss.Mint(t, map[string]any{"iss": "https://clerkevil.com"}), verifier.ReasonInvalidIssuer},
		{"keys unavailable", outage, down.Mint(t, nil), verifier.ReasonKeyFetch},
		{"valid token", client, iss.Mint(t, nil), ""},
		{"empty token is INVALID_ARGUMENT", client, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var trailer metadata.MD
			_, err := tt.client.VerifySessionToken(t.Context(), &authsvcv1.VerifySessionTokenRequest{Token: tt.token}, grpc.Trailer(&trailer))
			if got := rpcstatus.ReasonOf(err); got != tt.want {
				t.Fatalf("reason = %q, want %q (%v)", got, tt.want, err)
			}
			var want []string
			if tt.want != "" {
				want = []string{string(tt.want)}
			}
			if diff := cmp.Diff(want, trailer.Get(rpcstatus.TrailerKey)); diff != "" {
				t.Errorf("authsvc-reason trailer (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStatusTable: the server writes every reason of the shared contract
// table (rpcstatus.Table) with the table's code; the interceptor package's
// tests read the same table back.
func TestStatusTable(t *testing.T) {
	t.Parallel()
	policyErr := map[verifier.Reason]error{
		rpcstatus.ReasonCallerCredentialMissing: policy.ErrNoCredential,
		rpcstatus.ReasonCallerUnknown:           policy.ErrUnknownCredential,
		rpcstatus.ReasonCallerNotAllowed:        policy.ErrNotAllowed,
	}
	for _, row := range rpcstatus.Table {
		t.Run(row.Name, func(t *testing.T) {
			t.Parallel()
			var err error
			switch perr, isPolicy := policyErr[row.Reason]; {
			case row.Reason == rpcstatus.ReasonCallerCredentialMalformed:
				_, err = callCredentials(metadata.NewIncomingContext(t.Context(), metadata.Pairs("authorization", "Basic x")))
			case isPolicy:
				err = policyStatus(perr)
			default:
				err = verifyStatus(&verifier.Error{Reason: row.Reason, Err: errors.New("cause")})
			}
			if status.Code(err) != row.Code || rpcstatus.ReasonOf(err) != row.Reason {
				t.Errorf("server wrote %v %q, want %v %q", status.Code(err), rpcstatus.ReasonOf(err), row.Code, row.Reason)
			}
		})
	}
}
