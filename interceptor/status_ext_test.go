package interceptor_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/interceptor"
	"github.com/authsvc/authsvc/internal/rpcstatus"
)

// TestStatusTableRead runs the shared contract table (rpcstatus.Table, the
// one the server's TestStatusTable proves it writes) through the reading
// side: ReasonOf reads every row back, and remote mode turns each answer
// from authsvc into the documented outcome — a token verdict keeps its
// reason, a key outage stays an outage with its reason, and a refusal of
// this service's own caller credential is an outage (authsvc-unavailable),
// never a verdict on the user's token.
func TestStatusTableRead(t *testing.T) {
	t.Parallel()
	for _, row := range rpcstatus.Table {
		t.Run(row.Name, func(t *testing.T) {
			t.Parallel()
			answer := rpcstatus.Error(row.Code, row.Reason, "from authsvc")
			if got := interceptor.ReasonOf(answer); got != row.Reason {
				t.Fatalf("ReasonOf = %q, want %q", got, row.Reason)
			}
			fake := &fakeAuth{verify: func(context.Context, *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
				return nil, answer
			}}
			client, _ := startDownstream(t, &downstream{}, interceptor.WithRemote(startFakeAuth(t, fake)))
			_, err := client.EmptyCall(withToken(t.Context(), "tok"), &testpb.Empty{})
			wantCode, wantReason := row.Code, row.Reason
			switch {
			case rpcstatus.IsCallerReason(row.Reason):
				wantCode, wantReason = codes.Unavailable, interceptor.ReasonUnavailable
			case row.Reason.KeysUnavailable():
				wantCode = codes.Unavailable
			}
			checkStatus(t, err, wantCode, wantReason)
		})
	}
}
