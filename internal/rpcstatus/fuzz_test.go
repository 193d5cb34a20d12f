package rpcstatus

import (
	"testing"
	"unicode/utf8"

	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/authsvc/authsvc/verifier"
)

// FuzzReasonOf feeds ReasonOf the bytes of a grpc-status-details-bin
// trailer, as a client receives them from any server: it never panics,
// and for a status this package wrote it returns the reason written (any
// UTF-8 reason; protobuf cannot carry other strings).
// Seeds are the contract table's rows (testdata/fuzz/FuzzReasonOf).
//
//	go test -run '^$' -fuzz FuzzReasonOf -fuzztime 60s ./internal/rpcstatus
func FuzzReasonOf(f *testing.F) {
	for _, row := range Table {
		b, err := proto.Marshal(New(row.Code, row.Reason, row.Name).Proto())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, string(row.Reason))
	}
	f.Fuzz(func(t *testing.T, details []byte, reason string) {
		var sp spb.Status
		if proto.Unmarshal(details, &sp) == nil {
			_ = ReasonOf(status.FromProto(&sp).Err())
		}
		if !utf8.ValidString(reason) {
			return // protobuf strings are UTF-8; authsvc's reasons are ASCII constants
		}
		if got := ReasonOf(Error(codes.Unauthenticated, verifier.Reason(reason), "x")); got != verifier.Reason(reason) {
			t.Fatalf("ReasonOf(Error(%q)) = %q", reason, got)
		}
	})
}
