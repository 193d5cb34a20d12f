package server

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// structSeeds are the table rows and the fuzz seeds: Clerk-shaped claims,
// every JSON value kind, escapes, and inputs protojson rejects.
var structSeeds = []string{
	`{"azp":"https://app.example","exp":1700000600,"fva":[1,-1],"iat":1700000000,"iss":"https://clerk.example.com","nbf":1699999990,"sid":"sess_1","sub":"user_1","v":2,"o":{"id":"org_1","rol":"admin","slg":"acme","per":"read,write","fpm":"3"}}`,
	`{}`, ` { "a" : [ ] , "b" : { } } `, `{"t":true,"f":false,"n":null,"x":-0.5e-3,"y":0,"z":1E+2}`,
	`{"e":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}`, `{"k\u0041":"é"}`, `{"a":[1,[2,[3,{"b":null}]]]}`,
	`{"a":1,"a":2}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":+1}`, `{"a":1e400}`, `{"a":1e-400}`,
	`{"a":"\ud83d"}`, `{"a":"\ude00x"}`, `{"a":"\u12"}`, `{"a":"\x"}`, "{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}",
	`{"a":tru}`, `{"a":truex}`, `{"a":nul}`, `{"a":1true}`, `{"a":1}x`, `{"a":1,}`, `{,}`, `[1]`, `"s"`, `null`, ``, ` `,
	`{"a":[1,]}`, `{"a" 1}`, `{1:2}`, `{"a":1}{}`, `{"a":[}`, `{"a":"b`, `{"a":"\`, `{"a":-}`, `{"a":-0}`,
}

func TestStructFromJSONMatchesProtojson(t *testing.T) {
	t.Parallel()
	for _, in := range structSeeds {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			checkStructFromJSON(t, []byte(in))
		})
	}
	t.Run("deep", func(t *testing.T) {
		t.Parallel()
		checkStructFromJSON(t, []byte(`{"a":`+strings.Repeat("[", 10001)+strings.Repeat("]", 10001)+`}`))
		checkStructFromJSON(t, []byte(`{"a":`+strings.Repeat("[", 9990)+strings.Repeat("]", 9990)+`}`))
	})
}

// checkStructFromJSON fails when structFromJSON and protojson disagree on
// whether in is valid, or on the Struct it gives, or when that Struct's
// direct encoding does not decode to it.
func checkStructFromJSON(t *testing.T, in []byte) {
	t.Helper()
	want := &structpb.Struct{}
	wantErr := protojson.Unmarshal(in, want)
	got, err := structFromJSON(in)
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("structFromJSON(%q) error %v, protojson error %v", in, err, wantErr)
	case err == nil && !proto.Equal(got, want):
		t.Fatalf("structFromJSON(%q) = %v, protojson %v", in, got, want)
	case err == nil:
		// What the codec sends of it (structwire.go) must decode to it too,
		// unless the direct encoder declines the nesting.
		if _, err := appendStructField(nil, 1, got); !errors.Is(err, errStructWireDepth) {
			checkStructWire(t, got)
		}
	}
}

// FuzzStructFromJSON checks that structFromJSON accepts exactly what
// protojson accepts and decodes it the same. Run with
//
//	go test ./server -run '^$' -fuzz FuzzStructFromJSON -fuzztime 60s
func FuzzStructFromJSON(f *testing.F) {
	for _, s := range structSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkStructFromJSON)
}

func BenchmarkClaimsStruct(b *testing.B) {
	raw := []byte(structSeeds[0])
	b.Run("protojson", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := protojson.Unmarshal(raw, &structpb.Struct{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := structFromJSON(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
