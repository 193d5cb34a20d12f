package server

import (
	"errors"
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/authsvc/authsvc/verifier"
)

// checkStructWire fails unless st's direct encoding decodes to st itself:
// written as the struct_value of a Value, read back by protobuf-go.
func checkStructWire(t *testing.T, st *structpb.Struct) {
	t.Helper()
	b, err := appendStructField(nil, valueStructNum, st)
	if err != nil {
		t.Fatalf("direct encoding of %v: %v", st, err)
	}
	got := &structpb.Value{}
	if err := proto.Unmarshal(b, got); err != nil {
		t.Fatalf("direct encoding of %v does not decode: %v", st, err)
	}
	if !proto.Equal(got.GetStructValue(), st) {
		t.Fatalf("direct encoding of %v decodes to %v", st, got.GetStructValue())
	}
	if want := proto.Size(structpb.NewStructValue(st)); len(b) != want {
		t.Fatalf("direct encoding of %v is %d bytes, protobuf-go's %d", st, len(b), want)
	}
}

// TestStructWire: every kind of value, at every place, round-trips; the
// cases protobuf-go itself refuses, or the direct encoder declines, are
// errors (and the caller then encodes with protobuf-go).
func TestStructWire(t *testing.T) {
	t.Parallel()
	for _, in := range structSeeds {
		st, err := structFromJSON([]byte(in))
		if err != nil {
			continue
		}
		t.Run(in, func(t *testing.T) { checkStructWire(t, st) })
	}
	t.Run("every kind by hand", func(t *testing.T) {
		st := &structpb.Struct{Fields: map[string]*structpb.Value{
			"nil value":    nil,
			"no kind":      {},
			"null":         structpb.NewNullValue(),
			"odd null":     {Kind: &structpb.Value_NullValue{NullValue: -3}},
			"nan":          structpb.NewNumberValue(math.NaN()),
			"-inf":         structpb.NewNumberValue(math.Inf(-1)),
			"-0":           structpb.NewNumberValue(math.Copysign(0, -1)),
			"":             structpb.NewStringValue(""),
			"long":         structpb.NewStringValue(strings.Repeat("é", 300)),
			"long inside":  structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{"l": structpb.NewListValue(&structpb.ListValue{Values: []*structpb.Value{structpb.NewStringValue(strings.Repeat("x", 20000))}})}}),
			"false":        structpb.NewBoolValue(false),
			"nil struct":   {Kind: &structpb.Value_StructValue{}},
			"empty struct": structpb.NewStructValue(&structpb.Struct{}),
			"nil list":     {Kind: &structpb.Value_ListValue{}},
			"list":         structpb.NewListValue(&structpb.ListValue{Values: []*structpb.Value{nil, {}, structpb.NewBoolValue(true), structpb.NewListValue(&structpb.ListValue{})}}),
		}}
		checkStructWire(t, st)
		checkStructWire(t, &structpb.Struct{})
	})
	t.Run("not UTF-8", func(t *testing.T) {
		for name, st := range map[string]*structpb.Struct{
			"key":    {Fields: map[string]*structpb.Value{"\xff": structpb.NewNullValue()}},
			"value":  {Fields: map[string]*structpb.Value{"a": structpb.NewStringValue("\xff")}},
			"inside": {Fields: map[string]*structpb.Value{"a": structpb.NewListValue(&structpb.ListValue{Values: []*structpb.Value{structpb.NewStringValue("ok\xc3")}})}},
		} {
			if _, err := proto.Marshal(st); err == nil {
				t.Fatalf("%s: protobuf-go encodes it; the test no longer shows a refusal", name)
			}
			if _, err := appendStructField(nil, 1, st); !errors.Is(err, errStructWireUTF8) {
				t.Errorf("%s: direct encoding error %v, want %v", name, err, errStructWireUTF8)
			}
		}
	})
	t.Run("depth", func(t *testing.T) {
		nest := func(levels int) *structpb.Struct {
			st := &structpb.Struct{}
			for range levels {
				st = &structpb.Struct{Fields: map[string]*structpb.Value{"a": structpb.NewStructValue(st)}}
			}
			return st
		}
		checkStructWire(t, nest(structWireMaxDepth/2-1))
		if _, err := appendStructField(nil, 1, nest(structWireMaxDepth)); !errors.Is(err, errStructWireDepth) {
			t.Errorf("nested %d levels: error %v, want %v", structWireMaxDepth, err, errStructWireDepth)
		}
	})
	t.Run("nil", func(t *testing.T) {
		if b, err := appendStructField([]byte("x"), 1, nil); err != nil || string(b) != "x" {
			t.Errorf("nil Struct appended %q, %v; want nothing", b, err)
		}
	})
}

// TestMemoCodecEncodesTheResponses: what the codec sends for each response
// the memo makes, with the memo on and off, with actor claims and with raw
// claims too deep for the direct encoder, decodes to the response itself;
// and a memo that is off keeps no slot beyond its bound.
func TestMemoCodecEncodesTheResponses(t *testing.T) {
	t.Parallel()
	deep := `{"sub":"user_deep","n":` + strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40) + `}`
	claims := []*verifier.Claims{
		{UserID: "user_1", SessionID: "sess_1", OrgPermissions: []string{"org:a", "org:b"}, Version: 2,
			Reverification: &verifier.FactorVerificationAge{FirstFactorMinutes: 3, SecondFactorMinutes: -1},
			Raw:            []byte(`{"sub":"user_1","sid":"sess_1","o":{"id":"org_1","per":"a,b"},"fva":[3,-1],"x":"é\u00e9"}`),
			Actor:          []byte(`{"sub":"user_admin","iss":"https://dashboard.clerk.com"}`)},
		{UserID: "user_deep", Raw: []byte(deep)},
		{UserID: "user_empty"},
	}
	for i, wantDirect := range []bool{true, false, true} {
		if e, err := newMemoEntry(claims[i], true); err != nil || (e.claimsWire != nil) != wantDirect {
			t.Fatalf("%s: direct encoding made: %v (err %v), want %v", claims[i].UserID, e.claimsWire != nil, err, wantDirect)
		}
	}
	for _, off := range []bool{false, true} {
		m := &claimsMemo{off: off}
		codec := newMemoCodec(m)
		send := func(msg proto.Message) proto.Message {
			t.Helper()
			bs, err := codec.Marshal(msg)
			if err != nil {
				t.Fatalf("off=%v: Marshal: %v", off, err)
			}
			got := msg.ProtoReflect().New().Interface()
			if err := proto.Unmarshal(bs.Materialize(), got); err != nil {
				t.Fatalf("off=%v: what was sent does not decode: %v", off, err)
			}
			bs.Free()
			return got
		}
		for _, c := range claims {
			v, err := m.verifyResponse(c)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 { // the second time from the slot, or (off) from protobuf-go
				if got := send(v); !proto.Equal(got, v) {
					t.Errorf("off=%v %s: VerifySessionToken sent %v, want %v", off, c.UserID, got, v)
				}
			}
			st, ok, err := m.signedInResponse(verifier.State{Status: verifier.StatusSignedIn, Reason: verifier.AuthReasonStandardSignedIn, Claims: c})
			if err != nil || !ok {
				t.Fatalf("signedInResponse: %v %v", ok, err)
			}
			if got := send(st); !proto.Equal(got, st) {
				t.Errorf("off=%v %s: GetAuthState sent %v, want %v", off, c.UserID, got, st)
			}
			if ok := m.checkAnswer(c, nil); !proto.Equal(send(ok), ok) {
				t.Errorf("off=%v %s: Check's OK answer was not sent as it is", off, c.UserID)
			}
		}
		if off {
			for range 3 * maxPendingWire { // responses never encoded
				if _, err := m.verifyResponse(claims[0]); err != nil {
					t.Fatal(err)
				}
			}
			if n := len(m.wire); n > maxPendingWire {
				t.Errorf("memo off: %d pending slots, bound %d", n, maxPendingWire)
			}
		}
	}
}

// BenchmarkStructWire compares protobuf-go's encoding of Clerk-shaped raw
// claims with the direct one.
func BenchmarkStructWire(b *testing.B) {
	st, err := structFromJSON([]byte(structSeeds[0]))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("protobuf-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := proto.Marshal(st); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := appendStructField(make([]byte, 0, 2*len(structSeeds[0])), valueStructNum, st); err != nil {
				b.Fatal(err)
			}
		}
	})
}
