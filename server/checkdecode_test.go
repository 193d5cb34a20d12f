package server

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
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

// checkDecodeAgrees fails unless decodeCheckInput makes of b what Check
// would read from proto.Unmarshal's message of the same bytes: an error
// for both, or the same attributes and headers, and then the same facts or
// the same refusal. b is given whole and split in two buffers, as grpc
// hands over a message that spanned frames.
func checkDecodeAgrees(t *testing.T, b []byte) {
	t.Helper()
	req := &authv3.CheckRequest{}
	wantErr := proto.Unmarshal(b, req)
	var want checkInput
	checkInputOf(req, &want)
	datas := []mem.BufferSlice{{mem.SliceBuffer(b)}}
	if len(b) > 1 {
		datas = append(datas, mem.BufferSlice{mem.SliceBuffer(b[:len(b)/2]), mem.SliceBuffer(b[len(b)/2:])})
	}
	for _, data := range datas {
		got := checkInput{host: "left over", entries: []headerEntry{{"left", "over"}}}
		err := decodeCheckInput(data, &got)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%d buffers, %x: error %v, proto.Unmarshal's %v", len(data), b, err, wantErr)
		}
		if err != nil {
			continue
		}
		if got.hasHTTP != want.hasHTTP || got.host != want.host || got.scheme != want.scheme || got.path != want.path {
			t.Fatalf("%d buffers, %x: attributes %v %q %q %q, want %v %q %q %q", len(data), b,
				got.hasHTTP, got.host, got.scheme, got.path, want.hasHTTP, want.host, want.scheme, want.path)
		}
		if !proto.Equal(got.headerMap, want.headerMap) {
			t.Fatalf("%d buffers, %x: header_map %v, want %v", len(data), b, got.headerMap, want.headerMap)
		}
		kept := map[string]string{}
		for _, e := range got.entries {
			kept[e.name] = e.value
		}
		if hs := want.headers; len(hs) != len(kept) || !maps.Equal(hs, kept) {
			t.Fatalf("%d buffers, %x: headers %v, want %v", len(data), b, kept, hs)
		}
		gotER, gotErr := got.edgeRequest()
		wantER, wantErr := want.edgeRequest()
		slices.Sort(gotER.clerk)
		slices.Sort(wantER.clerk)
		switch {
		case (gotErr == nil) != (wantErr == nil):
			t.Fatalf("%d buffers, %x: facts error %v, want %v", len(data), b, gotErr, wantErr)
		case gotErr != nil && gotErr.Error() != wantErr.Error() && !(isCaseDuplicate(gotErr) && isCaseDuplicate(wantErr)):
			t.Fatalf("%d buffers, %x: facts error %v, want %v", len(data), b, gotErr, wantErr)
		case !reflect.DeepEqual(gotER, wantER):
			t.Fatalf("%d buffers, %x: facts\n%+v, want\n%+v", len(data), b, gotER, wantER)
		}
	}
}

// isCaseDuplicate: of two pairs of names that differ only in case, the
// map form names whichever its random order meets first.
func isCaseDuplicate(err error) bool {
	return strings.Contains(err.Error(), "is given twice with different case")
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
		// Names that differ only in case (refused unless the same name
		// repeated, where the last counts), and past smallEntries entries,
		// repeated names and case duplicates again.
		nest(append(append(entry(key("Cookie"), val("__session=a")), entry(key("x-clerk-user-id"), val("u"))...), entry(key("Cookie"), val("__session=b"))...)),
		nest(append(entry(key("Cookie"), val("__session=a")), entry(key("cookie"), val("__session=b"))...)),
		nest(manyEntries(entry, key, val, false)), nest(manyEntries(entry, key, val, true)),
		// Malformed: a tag of field 0, a truncated length, an end group alone.
		{0x00}, nest([]byte{0x1a, 0x05, 0x0a}), {0x0c}, nest([]byte{0x0b, 0x0c}),
	}
	return seeds
}

// factNames are header names Check reads, for manyEntries.
var factNames = []string{"cookie", "referer", "origin", "user-agent", "accept", "x-forwarded-uri", "x-clerk-user-id"}

// manyEntries is 2×smallEntries headers map entries, every name (those
// Check reads among them) sent twice with different values, and with fold
// one name also in upper case.
func manyEntries(entry func(...[]byte) []byte, key, val func(string) []byte, fold bool) []byte {
	var b []byte
	for i := range 2 * smallEntries {
		name := "x-h" + strconv.Itoa(i%smallEntries)
		if i%smallEntries < len(factNames) {
			name = factNames[i%smallEntries]
		}
		b = append(b, entry(key(name), val("v"+strconv.Itoa(i)))...)
	}
	if fold {
		b = append(b, entry(key("X-H9"), val("upper"))...)
	}
	return b
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
// of any input what Check would read from proto.Unmarshal's message. Run with
//
//	go test ./server -run '^$' -fuzz FuzzCheckRequestDecode -fuzztime 60s
func FuzzCheckRequestDecode(f *testing.F) {
	for _, b := range checkDecodeSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(checkDecodeAgrees)
}

// BenchmarkCheckRequestDecode compares protobuf-go's decoding of Envoy's
// usual CheckRequest, and reading Check's facts from it, with the hand
// decoder's.
func BenchmarkCheckRequestDecode(b *testing.B) {
	raw := checkDecodeSeeds(b)[1]
	b.Run("protobuf-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req := &authv3.CheckRequest{}
			if err := proto.Unmarshal(raw, req); err != nil {
				b.Fatal(err)
			}
			var in checkInput
			checkInputOf(req, &in)
			if _, err := in.edgeRequest(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		data := mem.BufferSlice{mem.SliceBuffer(raw)}
		for b.Loop() {
			var in checkInput
			if err := decodeCheckInput(data, &in); err != nil {
				b.Fatal(err)
			}
			if _, err := in.edgeRequest(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
