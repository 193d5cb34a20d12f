package verifier

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// Run the fuzz targets with, for example,
//
//	go test -run '^$' -fuzz '^FuzzDecodeClaims$' -fuzztime 1000000x ./verifier

func TestDecodePart(t *testing.T) {
	t.Parallel()
	// The vectors of backend-core-spec §1.9, with the base64url alphabet.
	tests := []struct {
		in      string
		want    []byte
		wantErr bool
	}{
		{in: "", want: []byte{}},
		{in: "AQAB", want: []byte{1, 0, 1}},
		{in: "AQA", want: []byte{1, 0}},
		{in: "AQ", want: []byte{1}},
		{in: "AQ==", want: []byte{1}},
		{in: "AQ=", want: []byte{1}},
		{in: "A", wantErr: true},
		{in: "AR", wantErr: true},
		{in: "-_", wantErr: true},
		{in: "+/", wantErr: true},
		{in: "A=Q", wantErr: true},
		{in: "AQ===", wantErr: true},
		{in: "AQ\nAB", wantErr: true},
		{in: "AQ\rAB", wantErr: true},
		{in: "-_-_", want: []byte{0xfb, 0xff, 0xbf}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			buf := make([]byte, len(tt.in)+1)
			got, _, err := decodePart(buf, []byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("decodePart(%q) err = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if !tt.wantErr {
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("decodePart(%q) (-want +got):\n%s", tt.in, diff)
				}
			}
		})
	}
}

// referenceDecodeClaims is the slow, obviously right decoder the scanner
// replaces: encoding/json into the same struct.
func referenceDecodeClaims(payload []byte, w *wireClaims) error {
	trimmed := strings.TrimLeft(string(payload), " \t\r\n")
	if !strings.HasPrefix(trimmed, "{") {
		return errors.New("not an object")
	}
	w.Iat, w.Nbf, w.Exp = absent, absent, absent
	return json.Unmarshal(payload, w)
}

var (
	claimNames = []string{"sub", "sid", "azp", "iss", "iat", "nbf", "exp", "v", "org_id", "org_slug", "org_role", "org_permissions", "o", "fea", "act"}
	orgNames   = []string{"id", "slg", "rol", "per", "fpm"}
)

// comparableToJSON reports whether encoding/json is a valid oracle for
// payload: valid UTF-8 (the scanner rejects invalid UTF-8; encoding/json
// replaces it) and no member name, at any depth, that encoding/json would
// match case-insensitively to a claim name.
func comparableToJSON(payload []byte) bool {
	if !utf8.Valid(payload) {
		return false
	}
	for _, k := range memberNames(payload) {
		if foldsToOther(k, claimNames) || foldsToOther(k, orgNames) {
			return false
		}
	}
	return true
}

// memberNames lists every object member name in payload, duplicates
// included, as far as it parses.
func memberNames(payload []byte) []string {
	type frame struct{ obj, wantKey bool }
	var stack []frame
	var names []string
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	for {
		tok, err := dec.Token()
		if err != nil {
			return names
		}
		if n := len(stack); n > 0 && stack[n-1].wantKey {
			if k, ok := tok.(string); ok {
				names = append(names, k)
				stack[n-1].wantKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{obj: true, wantKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim('}'), json.Delim(']'):
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

func foldsToOther(k string, names []string) bool {
	for _, n := range names {
		if k != n && strings.EqualFold(k, n) {
			return true
		}
	}
	return false
}

// errClass names the outcome: "ok", "type" or "syntax".
func errClass(err error) string {
	var te *typeError
	var jte *json.UnmarshalTypeError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &te), errors.As(err, &jte):
		return "type"
	default:
		return "syntax"
	}
}

// checkAgainstJSON decodes payload with the scanner and with encoding/json
// and reports any difference.
func checkAgainstJSON(t *testing.T, payload []byte) {
	t.Helper()
	var got, want wireClaims
	gotErr := decodeClaims(payload, &got)
	if !comparableToJSON(payload) {
		return
	}
	wantErr := referenceDecodeClaims(payload, &want)
	if g, w := errClass(gotErr), errClass(wantErr); g != w {
		t.Fatalf("payload %q: scanner %s (%v), encoding/json %s (%v)", payload, g, gotErr, w, wantErr)
	}
	if gotErr != nil {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("payload %q (-encoding/json +scanner):\n%s", payload, diff)
	}
	if diff := cmp.Diff(want.toClaims(payload), got.toClaims(payload)); diff != "" {
		t.Fatalf("payload %q claims (-encoding/json +scanner):\n%s", payload, diff)
	}
}

// claimSeeds are payloads that exercise every scanner path; they seed
// FuzzDecodeClaims too.
var claimSeeds = []string{
	`{"sub":"user_1","sid":"sess_1","iss":"https://clerk.example.com","iat":1,"nbf":2,"exp":3}`,
	` {"exp":1800000060, "azp":"https://a.com" } `,
	`{"v":2,"fea":"o:reports,u:billing,o:members","o":{"id":"org_1","slg":"s","rol":"admin","per":"read,manage","fpm":"3,1","x":[1]}}`,
	`{"org_id":"org_1","org_slug":"a","org_role":"org:admin","org_permissions":["a","b",null]}`,
	`{"org_permissions":[]}`, `{"org_permissions":null}`, `{"org_permissions":"x"}`, `{"org_permissions":[1]}`,
	`{"act":{"sub":"user_2","n":[1,2.5e3,-0,true,false,null]}}`, `{"act":null}`, `{"act": "x" }`,
	`{"exp":null,"iat":null,"nbf":null}`, `{"exp":-0}`, `{"exp":1.5}`, `{"exp":1e3}`, `{"exp":"1"}`, `{"exp":true}`,
	`{"exp":9223372036854775807}`, `{"exp":9223372036854775808}`, `{"exp":-9223372036854775808}`, `{"exp":-9223372036854775809}`,
	`{"v":"2"}`, `{"o":null}`, `{"o":[]}`, `{"o":{"id":1}}`, `{"o":{"id":"a"},"o":{"slg":"b"}}`,
	`{"sub":"a","sub":"b"}`, `{"sub":"a","sub":null}`, `{"SUB":"x"}`, `{"\u0073ub":"escaped key"}`,
	`{"sub":"\u00e9\ud83d\ude00\ud800\u0041\n\t\"\\\/\b\f\r"}`, `{"sub":"\ud800\ud800"}`, `{"sub":"\udc00"}`,
	`{"sub":"x\u"}`, `{"sub":"x\q"}`, `{"sub":"a` + "\x01" + `"}`, `{"sub":"é"}`,
	`{}`, `{ }`, `[]`, `null`, `"x"`, `{"a":1}x`, `{"a":1,}`, `{"a" 1}`, `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`,
	`{"a":[1,]}`, `{"a":[1 2]}`, `{"a":tru}`, `{"a":nul}`, `{"a":{"b":}}`, `{,}`, `{"a":1`, `{"a"`, ``, `{"a":"\u12"}`,
	`{"a":[[[[[[[[[[]]]]]]]]]]}`,
}

func TestDecodeClaimsMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range claimSeeds {
		t.Run(s, func(t *testing.T) {
			t.Parallel()
			checkAgainstJSON(t, []byte(s))
		})
	}
}

func TestDecodeClaimsNestingLimit(t *testing.T) {
	t.Parallel()
	for _, depth := range []int{maxJSONDepth - 1, maxJSONDepth, maxJSONDepth + 1} {
		payload := `{"a":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`
		checkAgainstJSON(t, []byte(payload))
	}
}

func FuzzDecodeClaims(f *testing.F) {
	for _, s := range claimSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		checkAgainstJSON(t, payload)
	})
}

func TestDecodeHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    header
		wantErr bool
	}{
		{name: "clerk header", in: `{"alg":"RS256","kid":"ins_1","typ":"JWT","cat":"cl_B7d4PD111AAA"}`, want: header{Alg: "RS256", Kid: "ins_1", Typ: "JWT"}},
		{name: "typ absent", in: `{"alg":"RS256"}`, want: header{Alg: "RS256", Typ: typAbsent}},
		{name: "typ null is absent", in: `{"alg":"RS256","typ":null}`, want: header{Alg: "RS256", Typ: typAbsent}},
		{name: "crit kept raw", in: `{"crit":["b64"]}`, want: header{Typ: typAbsent, Crit: json.RawMessage(`["b64"]`)}},
		{name: "jku and jwk skipped", in: `{"jku":"https://x","jwk":{"kty":"RSA"},"x5u":"https://y"}`, want: header{Typ: typAbsent}},
		{name: "alg of the wrong type", in: `{"alg":256}`, wantErr: true},
		{name: "array", in: `[]`, wantErr: true},
		{name: "trailing data", in: `{}{}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got header
			err := decodeHeader([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
		})
	}
}
