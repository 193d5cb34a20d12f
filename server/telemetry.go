package server

import (
	"context"
	"runtime"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// Observer is told what the verification RPCs and GetAuthState decided,
// for metrics; authsvc's Prometheus metrics (authsvc_verifications_total,
// authsvc_auth_states_total) implement it. Its methods run on the calls'
// goroutines, after the handler: they must be safe for concurrent use and
// cheap.
type Observer interface {
	// Verification is one VerifySessionToken or VerifyToken call: method
	// is its full gRPC name, outcome one of the Outcome constants, reason
	// the verifier's reason for a refusal ("" otherwise).
	Verification(method, outcome string, reason verifier.Reason)
	// AuthState is one GetAuthState decision, with its reason.
	AuthState(status authsvcv1.AuthStatus, reason string)
}

// The outcomes of a verification, as given to [Observer.Verification].
const (
	OutcomeValid       = "valid"       // the token verified
	OutcomeInvalid     = "invalid"     // the token was refused (UNAUTHENTICATED)
	OutcomeUnavailable = "unavailable" // no usable key (UNAVAILABLE)
	OutcomeError       = "error"       // anything else: a bad argument, the caller's deadline, an internal error
)

// telemetryUnaryInterceptor records the outcome of VerifySessionToken
// (authsvc_verifications_total) and the decision of GetAuthState
// (authsvc_auth_states_total) from the handler's result. It runs innermost,
// after the caller policy, so a refused call is a policy denial and not a
// verification. Other methods pass through untouched.
func telemetryUnaryInterceptor(m Observer) grpc.UnaryServerInterceptor {
	verify := authsvcv1.AuthService_VerifySessionToken_FullMethodName
	authState := authsvcv1.AuthService_GetAuthState_FullMethodName
	verifyToken := authsvcv1.AuthService_VerifyToken_FullMethodName
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		resp, err := handler(ctx, req)
		switch info.FullMethod {
		case verify, verifyToken:
			outcome, reason := verifyOutcome(err)
			m.Verification(info.FullMethod, outcome, reason)
		case authState:
			if r, ok := resp.(*authsvcv1.GetAuthStateResponse); ok && err == nil {
				m.AuthState(r.GetStatus(), r.GetReason())
			}
		}
		return resp, err
	}
}

// verifyOutcome classifies a VerifySessionToken result by the status that
// status.go made from it: the reason travels in the ErrorInfo metadata.
func verifyOutcome(err error) (string, verifier.Reason) {
	if err == nil {
		return OutcomeValid, ""
	}
	st := status.Convert(err)
	var reason verifier.Reason
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == ErrorDomain {
			reason = verifier.Reason(info.GetMetadata()["reason"])
		}
	}
	switch st.Code() {
	case codes.Unauthenticated:
		return OutcomeInvalid, reason
	case codes.Unavailable:
		return OutcomeUnavailable, reason
	}
	return OutcomeError, reason
}

// streamWorkers is the size of the pool of long-lived goroutines that run
// RPCs (grpc.NumStreamWorkers). grpc hands a stream to a worker only when
// one is idle and otherwise starts a goroutine as before, so the pool must
// exceed the usual number of calls in flight to help: at 1 worker per CPU
// almost every call under load still paid runtime.newstack/copystack.
const minStreamWorkers = 64

// numStreamWorkers runs RPCs on a pool of goroutines whose stacks have
// already grown, instead of a new goroutine per stream (runtime.newstack
// and copystack were a tenth of a warm call's CPU). A blocked handler (a
// Backend API call) never holds up others: with no idle worker grpc starts
// a goroutine. Idle workers cost their stacks (a few KB each), and grpc
// restarts each worker every 65 536 calls so a grown stack is not kept
// forever.
func numStreamWorkers() grpc.ServerOption {
	return grpc.NumStreamWorkers(uint32(max(minStreamWorkers, 16*runtime.GOMAXPROCS(0))))
}
