package rpcstatus

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/authsvc/authsvc/verifier"
)

// TestRoundTrip: every row of the contract written with Error reads back
// with ReasonOf, through a wrapped error too, and carries exactly one
// ErrorInfo in Domain with the UPPER_SNAKE code.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, row := range Table {
		t.Run(row.Name, func(t *testing.T) {
			t.Parallel()
			err := Error(row.Code, row.Reason, "msg")
			if got := ReasonOf(err); got != row.Reason {
				t.Errorf("ReasonOf = %q, want %q", got, row.Reason)
			}
			if got := ReasonOf(fmt.Errorf("wrapped: %w", err)); got != row.Reason {
				t.Errorf("ReasonOf(wrapped) = %q, want %q", got, row.Reason)
			}
			st := status.Convert(err)
			if st.Code() != row.Code || st.Message() != "msg" {
				t.Errorf("status = %v %q, want %v msg", st.Code(), st.Message(), row.Code)
			}
			want := []any{&errdetails.ErrorInfo{Domain: Domain, Reason: row.Reason.Code(), Metadata: map[string]string{"reason": string(row.Reason)}}}
			if diff := cmp.Diff(want, st.Details(), protocmp.Transform()); diff != "" {
				t.Errorf("details (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(metadata.Pairs(TrailerKey, string(row.Reason)), Trailer(row.Reason)); diff != "" {
				t.Errorf("Trailer (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReasonOfIgnores: statuses that are not authsvc's carry no reason.
func TestReasonOfIgnores(t *testing.T) {
	t.Parallel()
	other, _ := status.New(codes.Unauthenticated, "x").WithDetails(&errdetails.ErrorInfo{Domain: "clerk.com", Reason: "X", Metadata: map[string]string{"reason": "x"}})
	tests := []struct {
		name string
		err  error
	}{
		{"nil", nil},
		{"not a status", errors.New("plain")},
		{"no details", status.Error(codes.Unauthenticated, "x")},
		{"another domain", other.Err()},
		{"empty reason", Error(codes.Internal, "", "x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ReasonOf(tt.err); got != "" {
				t.Errorf("ReasonOf = %q, want none", got)
			}
		})
	}
	if Trailer("") != nil || ReasonOfStatus(nil) != "" {
		t.Error("empty reason must give no trailer and nil status no reason")
	}
}

func TestFromContextError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		want   codes.Code
		wantOK bool
	}{
		{"deadline", context.DeadlineExceeded, codes.DeadlineExceeded, true},
		{"wrapped cancel", fmt.Errorf("x: %w", context.Canceled), codes.Canceled, true},
		{"other", errors.New("x"), codes.OK, false},
		{"verifier error", &verifier.Error{Reason: verifier.ReasonKeyFetch}, codes.OK, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, ok := FromContextError(tt.err)
			if ok != tt.wantOK || (ok && st.Code() != tt.want) {
				t.Errorf("FromContextError = %v, %v; want %v, %v", st, ok, tt.want, tt.wantOK)
			}
		})
	}
}
