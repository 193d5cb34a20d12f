package server

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/protobuf/proto"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

func TestClaimsMemo(t *testing.T) {
	t.Parallel()
	var m claimsMemo
	a := &verifier.Claims{UserID: "user_a", Raw: []byte(`{"sub":"user_a"}`)}
	b := &verifier.Claims{UserID: "user_b", Raw: []byte(`{"sub":"user_b"}`)}
	pa1, err := m.proto(a)
	if err != nil {
		t.Fatal(err)
	}
	pa2, _ := m.proto(a)
	pb, _ := m.proto(b)
	if pa1 != pa2 {
		t.Errorf("the same claims converted twice, want one shared message")
	}
	if pb == pa1 || pb.GetUserId() != "user_b" || pb.GetRaw().GetFields()["sub"].GetStringValue() != "user_b" {
		t.Errorf("claims b got %v", pb)
	}
	if _, err := m.proto(&verifier.Claims{Raw: []byte(`not json`)}); err == nil {
		t.Errorf("unconvertible raw claims: no error")
	}

	for i := range claimsMemoSize + 10 {
		if _, err := m.proto(&verifier.Claims{UserID: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(m.m); n > claimsMemoSize {
		t.Errorf("memo holds %d entries, bound %d", n, claimsMemoSize)
	}
}

// BenchmarkClaimsProtoMemo compares the per-call conversion with a memo hit.
func BenchmarkClaimsProtoMemo(b *testing.B) {
	c := &verifier.Claims{UserID: "user_1", Raw: []byte(`{"azp":"https://app.example.com","exp":1795673676,"iat":1795670076,"iss":"https://clerk.example.com","nbf":1795670066,"org_id":"org_1","org_permissions":["org:sys_memberships:read"],"org_role":"org:admin","org_slug":"acme","sid":"sess_1","sub":"user_1"}`)}
	b.Run("convert", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := claimsProto(c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("memo-hit", func(b *testing.B) {
		var m claimsMemo
		for b.Loop() {
			if _, err := m.proto(c); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestVerifySessionTokenSharedClaimsConcurrently: many calls with one token
// share one memoized claims message; gRPC marshals it concurrently, which
// the race detector checks here.
func TestVerifySessionTokenSharedClaimsConcurrently(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	client := newVerifyClient(t, iss.Config())
	token := iss.Mint(t, map[string]any{"sub": "user_shared"})
	errs := make(chan error, 20)
	for range 20 {
		go func() {
			resp, err := client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: token})
			if err == nil && resp.GetClaims().GetRaw().GetFields()["sub"].GetStringValue() != "user_shared" {
				err = fmt.Errorf("claims %v", resp.GetClaims())
			}
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestMemoCodec: a memoised response is encoded once and the same bytes are
// sent again, equal to proto.Marshal's; other messages and a response built
// per call go through grpc's codec and decode back.
func TestMemoCodec(t *testing.T) {
	t.Parallel()
	var m claimsMemo
	codec := newMemoCodec(&m)
	c := &verifier.Claims{UserID: "user_codec", Raw: []byte(`{"sub":"user_codec","o":{"id":"org_1"}}`)}
	resp, err := m.verifyResponse(c)
	if err != nil {
		t.Fatal(err)
	}
	signedIn, ok, err := m.signedInResponse(verifier.State{Status: verifier.StatusSignedIn, Reason: verifier.AuthReasonStandardSignedIn, Claims: c})
	if err != nil || !ok {
		t.Fatalf("signedInResponse: %v %v", ok, err)
	}
	entry, err := m.entry(c)
	if err != nil {
		t.Fatal(err)
	}
	check := entry.checkOK // Envoy Check's OK answer for c
	if got := check.GetOkResponse().GetHeaders(); len(got) == 0 || got[0].GetHeader().GetValue() != "user_codec" {
		t.Fatalf("memoised Check answer headers = %v, want the identity headers", got)
	}
	for _, msg := range []proto.Message{resp, signedIn, check} {
		first, err := codec.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		second, _ := codec.Marshal(msg)
		if len(first) != 1 || len(second) != 1 || &second[0].ReadOnlyData()[0] != &first[0].ReadOnlyData()[0] {
			t.Errorf("%T: second encoding is not the memoised bytes", msg)
		}
		// Struct maps make proto.Marshal's bytes order-dependent, so the
		// memoised bytes are compared by what they decode to.
		back := msg.ProtoReflect().New().Interface()
		if err := proto.Unmarshal(second.Materialize(), back); err != nil || !proto.Equal(back, msg) {
			t.Errorf("%T: memoised bytes do not decode to the message (%v)", msg, err)
		}
	}
	fresh := &authsvcv1.VerifySessionTokenResponse{Claims: resp.GetClaims()}
	if m.wireOf(fresh) != nil || m.wireOf(&authsvcv1.GetUserRequest{}) != nil {
		t.Error("a per-call message was taken for a memoised one")
	}
	data, err := codec.Marshal(fresh)
	if err != nil {
		t.Fatal(err)
	}
	var back authsvcv1.VerifySessionTokenResponse
	if err := codec.Unmarshal(data, &back); err != nil || !proto.Equal(&back, fresh) {
		t.Errorf("round trip through the base codec: %v, %v", err, &back)
	}
	if _, ok, _ := m.signedInResponse(verifier.State{Status: verifier.StatusSignedOut, Reason: verifier.AuthReasonStandardSignedOut}); ok {
		t.Error("a signed-out state got the memoised signed-in response")
	}
}

// TestClaimsMemoOff: with the verifier's cache off no claims are remembered
// (every call has new claims); each response is handed to the codec's next
// encoding of it, once.
func TestClaimsMemoOff(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v, err := verifier.New(verifier.Config{JWTKey: iss.PublicKeyPEM(), CacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Verifier: v})
	if err != nil {
		t.Fatal(err)
	}
	token := iss.Mint(t, nil)
	req := &authsvcv1.VerifySessionTokenRequest{Token: token}
	a, errA := s.VerifySessionToken(t.Context(), req)
	b, errB := s.VerifySessionToken(t.Context(), req)
	if errA != nil || errB != nil || a == b || !proto.Equal(a, b) {
		t.Fatalf("two calls: %v %v, shared %v", errA, errB, a == b)
	}
	if len(s.claims.m) != 0 {
		t.Errorf("memo holds %d entries with the cache off", len(s.claims.m))
	}
	if s.claims.wireOf(a) == nil || s.claims.wireOf(a) != nil {
		t.Error("with the cache off, a response's encoding slot is not handed out exactly once")
	}
}
