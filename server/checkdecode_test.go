package server

import (
	"testing"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/authsvc/authsvc/internal/edgetest"
)

// checkDecodeAgrees fails unless unmarshalCheckRequest makes of b what
// proto.Unmarshal makes of it: the same message, unknown fields included,
// or an error for both. b is given whole and split in two buffers, as
// grpc hands over a message that spanned frames.
func checkDecodeAgrees(t *testing.T, b []byte) {
	t.Helper()
	want := &authv3.CheckRequest{}
	wantErr := proto.Unmarshal(b, want)
	slices := []mem.BufferSlice{{mem.SliceBuffer(b)}}
	if len(b) > 1 {
		slices = append(slices, mem.BufferSlice{mem.SliceBuffer(b[:len(b)/2]), mem.SliceBuffer(b[len(b)/2:])})
	}
	for _, data := range slices {
		got := &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Source: &authv3.AttributeContext_Peer{Service: "left over"}}}
		err := unmarshalCheckRequest(data, got)
		switch {
		case (err == nil) != (wantErr == nil):
			t.Fatalf("%d buffers, %x: error %v, proto.Unmarshal's %v", len(data), b, err, wantErr)
		case err == nil && !proto.Equal(got, want):
			t.Fatalf("%d buffers, %x:\ngot  %v\nwant %v", len(data), b, got, want)
		}
	}
}

// checkDecodeSeeds are encodings of CheckRequests of every shape Check may
// meet: Envoy's usual one, every field set, fields repeated (which merge),
// unknown fields and known ones with the wrong wire type at every level of
// the walked path, and strings that are not UTF-8.
func checkDecodeSeeds(t testing.TB) [][]byte {
	enc := func(m proto.Message) []byte {
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	signedIn := enc(edgetest.SignedInCheckRequest("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", 1700000000))
	meta, err := structpb.NewStruct(map[string]any{"a": []any{1, "b", map[string]any{"c": true}}})
	if err != nil {
		t.Fatal(err)
	}
	full := enc(&authv3.CheckRequest{Attributes: &authv3.AttributeContext{
		Source: &authv3.AttributeContext_Peer{
			Address: &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{Address: "10.0.0.1", PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: 443}}}},
			Service: "front", Labels: map[string]string{"app": "web"}, Principal: "spiffe://x", Certificate: "pem",
		},
		Destination:       &authv3.AttributeContext_Peer{Service: "back"},
		ContextExtensions: map[string]string{"route": "r1", "": ""},
		MetadataContext:   &corev3.Metadata{FilterMetadata: map[string]*structpb.Struct{"f": meta}},
		TlsSession:        &authv3.AttributeContext_TLSSession{Sni: "app.example.com"},
		Request: &authv3.AttributeContext_Request{
			Time: timestamppb.New(timestamppb.Now().AsTime()),
			Http: &authv3.AttributeContext_HttpRequest{
				Id: "1", Method: "POST", Path: "/a?b", Host: "h", Scheme: "https", Query: "b", Fragment: "f", Size: 12,
				Protocol: "HTTP/1.1", Body: "body", RawBody: []byte{0, 1},
				Headers:   map[string]string{"cookie": "__session=x", "": "empty name", "x-empty": ""},
				HeaderMap: &corev3.HeaderMap{Headers: []*corev3.HeaderValue{{Key: "cookie", RawValue: []byte("__session=y")}, {Key: "a", Value: "b"}}},
			},
		},
	}})
	// field appends one field of number num and type typ with value v
	// (bytes for BytesType, a number otherwise).
	field := func(b []byte, num protowire.Number, typ protowire.Type, v any) []byte {
		b = protowire.AppendTag(b, num, typ)
		switch typ {
		case protowire.BytesType:
			return protowire.AppendBytes(b, v.([]byte))
		case protowire.VarintType:
			return protowire.AppendVarint(b, v.(uint64))
		case protowire.Fixed32Type:
			return protowire.AppendFixed32(b, v.(uint32))
		}
		return protowire.AppendFixed64(b, v.(uint64))
	}
	// nest wraps an HttpRequest's fields in request → attributes → CheckRequest.
	nest := func(http []byte) []byte {
		return field(nil, 1, protowire.BytesType, field(nil, 4, protowire.BytesType, field(nil, 2, protowire.BytesType, http)))
	}
	entry := func(parts ...[]byte) []byte {
		var e []byte
		for _, p := range parts {
			e = append(e, p...)
		}
		return field(nil, 3, protowire.BytesType, e)
	}
	key := func(s string) []byte { return field(nil, 1, protowire.BytesType, []byte(s)) }
	val := func(s string) []byte { return field(nil, 2, protowire.BytesType, []byte(s)) }
	seeds := [][]byte{
		nil, signedIn, full, append(append([]byte{}, full...), signedIn...), append(append([]byte{}, signedIn...), signedIn...),
		// Unknown fields, and known numbers with the wrong wire type, at each level.
		append(field(nil, 99, protowire.VarintType, uint64(7)), signedIn...),
		field(signedIn, 1, protowire.VarintType, uint64(1)),
		field(nil, 1, protowire.BytesType, field(field(nil, 4, protowire.Fixed32Type, uint32(1)), 77, protowire.BytesType, []byte("x"))),
		field(nil, 1, protowire.BytesType, field(nil, 4, protowire.BytesType, field(field(nil, 2, protowire.Fixed64Type, uint64(1)), 9, protowire.VarintType, uint64(3)))),
		nest(field(field(nil, 4, protowire.VarintType, uint64(1)), 3, protowire.Fixed32Type, uint32(1))),
		nest(field(nil, 500, protowire.BytesType, []byte("unknown"))),
		// Map entries: missing key or value, repeated ones, extra fields,
		// the wrong wire type, duplicate keys across entries.
		nest(append(entry(val("no key")), entry(key("no value"))...)),
		nest(entry(key("a"), key("b"), val("1"), val("2"), field(nil, 3, protowire.BytesType, []byte("extra")))),
		nest(entry(field(nil, 1, protowire.VarintType, uint64(5)), val("v"))),
		nest(append(entry(key("k"), val("1")), entry(key("k"), val("2"))...)),
		nest(entry(key("\xff"), val("v"))), nest(entry(key("k"), val("\xc3"))),
		nest(field(nil, 4, protowire.BytesType, []byte("/\xff"))),
		// Malformed: a tag of field 0, a truncated length, an end group alone.
		{0x00}, nest([]byte{0x1a, 0x05, 0x0a}), {0x0c}, nest([]byte{0x0b, 0x0c}),
	}
	return seeds
}

// TestCheckRequestDecodeMatchesProtobuf runs every seed and every prefix of
// the fullest one (each a truncation somewhere in the walk).
func TestCheckRequestDecodeMatchesProtobuf(t *testing.T) {
	t.Parallel()
	seeds := checkDecodeSeeds(t)
	for _, b := range seeds {
		checkDecodeAgrees(t, b)
	}
	full := seeds[2]
	for i := range full {
		checkDecodeAgrees(t, full[:i])
	}
}

// TestCheckRequestDecodeRecursionLimit: Values nested in the metadata up
// to protobuf-go's recursion limit: at the deepest nesting it takes and at
// the first it refuses, the hand decoder agrees (it hands the metadata to
// protobuf-go with the levels above already counted).
func TestCheckRequestDecodeRecursionLimit(t *testing.T) {
	t.Parallel()
	encode := func(levels int) []byte {
		v := structpb.NewNullValue()
		for range levels {
			v = structpb.NewListValue(&structpb.ListValue{Values: []*structpb.Value{v}})
		}
		b, err := proto.Marshal(&authv3.CheckRequest{Attributes: &authv3.AttributeContext{
			MetadataContext: &corev3.Metadata{FilterMetadata: map[string]*structpb.Struct{"f": {Fields: map[string]*structpb.Value{"v": v}}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// Each level is a ListValue and a Value: about half the limit.
	first := -1
	for levels := protowire.DefaultRecursionLimit/2 - 10; levels < protowire.DefaultRecursionLimit/2+10; levels++ {
		if proto.Unmarshal(encode(levels), &authv3.CheckRequest{}) != nil {
			first = levels
			break
		}
	}
	if first < 0 {
		t.Fatal("protobuf-go took every nesting tried; the test no longer reaches its limit")
	}
	checkDecodeAgrees(t, encode(first-1))
	checkDecodeAgrees(t, encode(first))
}

// FuzzCheckRequestDecode checks that the hand decoder of CheckRequest makes
// of any input what proto.Unmarshal makes of it. Run with
//
//	go test ./server -run '^$' -fuzz FuzzCheckRequestDecode -fuzztime 60s
func FuzzCheckRequestDecode(f *testing.F) {
	for _, b := range checkDecodeSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(checkDecodeAgrees)
}

// BenchmarkCheckRequestDecode compares protobuf-go's decoding of Envoy's
// usual CheckRequest with the hand decoder's.
func BenchmarkCheckRequestDecode(b *testing.B) {
	raw := checkDecodeSeeds(b)[1]
	b.Run("protobuf-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := proto.Unmarshal(raw, &authv3.CheckRequest{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		data := mem.BufferSlice{mem.SliceBuffer(raw)}
		for b.Loop() {
			if err := unmarshalCheckRequest(data, &authv3.CheckRequest{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
