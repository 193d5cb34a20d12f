package verifier

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/bits"
	"strconv"
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

// errRefSyntax is the oracle's "not a JSON object" outcome.
var errRefSyntax = errors.New("reference: not a json object")

// referenceDecodeClaims is the slow, obviously right decoder the scanner
// replaces, written independently of it: encoding/json for syntax and
// values, members matched by exact name (a map, never encoding/json's
// case-insensitive struct matching), and DESIGN rule 6's strict I-JSON and
// claim-type rules spelled out one by one. Its errors have the scanner's
// classes: errRefSyntax, *strictError, or *typeError.
func referenceDecodeClaims(payload []byte, w *wireClaims) error {
	trimmed := bytes.TrimLeft(payload, " \t\r\n")
	if !utf8.Valid(payload) || !json.Valid(payload) || len(trimmed) == 0 || trimmed[0] != '{' {
		return errRefSyntax
	}
	if what := ijsonViolation(payload); what != "" {
		return &strictError{what: what}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		return errRefSyntax
	}
	r := refDecoder{m: m}
	for name, dst := range map[string]*string{"sub": &w.Sub, "sid": &w.Sid, "azp": &w.Azp, "iss": &w.Iss,
		"org_id": &w.OrgID, "org_slug": &w.OrgSlug, "org_role": &w.OrgRole, "fea": &w.Fea, "pla": &w.Pla, "sts": &w.Sts} {
		r.plain(name, dst)
	}
	for name, dst := range map[string]*numericDate{"iat": &w.Iat, "nbf": &w.Nbf, "exp": &w.Exp} {
		r.date(name, dst)
	}
	r.plain("v", &w.V)
	r.plain("org_permissions", &w.OrgPermissions)
	if raw, ok := r.object("act"); ok {
		w.Act = raw
	}
	if raw, ok := r.object("o"); ok {
		var om map[string]json.RawMessage
		_ = json.Unmarshal(raw, &om)
		w.O = &wireOrg{}
		ro := refDecoder{m: om}
		for name, dst := range map[string]*string{"id": &w.O.ID, "slg": &w.O.Slg, "rol": &w.O.Rol, "per": &w.O.Per, "fpm": &w.O.Fpm} {
			ro.plain(name, dst)
		}
		r.bad = r.bad || ro.bad
	}
	w.Aud = r.aud()
	w.Fva, w.HasFva = r.fva()
	if r.bad {
		return &typeError{field: "reference"}
	}
	return nil
}

// refDecoder decodes members of one object by exact name; bad records a
// wrong type.
type refDecoder struct {
	m   map[string]json.RawMessage
	bad bool
}

// plain decodes with encoding/json's own rules (null leaves dst alone).
func (r *refDecoder) plain(name string, dst any) {
	if raw, ok := r.m[name]; ok && json.Unmarshal(raw, dst) != nil {
		r.bad = true
	}
}

// date decodes a NumericDate: an integer literal within int64, never null.
func (r *refDecoder) date(name string, dst *numericDate) {
	raw, ok := r.m[name]
	if !ok {
		return
	}
	dst.Present = true
	if string(raw) == "null" || json.Unmarshal(raw, &dst.N) != nil {
		r.bad = true
	}
}

// object returns a member that must be a JSON object.
func (r *refDecoder) object(name string) (json.RawMessage, bool) {
	raw, ok := r.m[name]
	if !ok {
		return nil, false
	}
	if raw[0] != '{' {
		r.bad = true
		return nil, false
	}
	return raw, true
}

// aud is a string or an array of strings; nil when absent.
func (r *refDecoder) aud() []string {
	raw, ok := r.m["aud"]
	if !ok {
		return nil
	}
	var one string
	if raw[0] == '"' && json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var elems []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &elems) != nil {
		r.bad = true
		return nil
	}
	out := []string{}
	for _, e := range elems {
		var s string
		if e[0] != '"' || json.Unmarshal(e, &s) != nil {
			r.bad = true
		}
		out = append(out, s)
	}
	return out
}

// fva is an array of exactly two integer literals.
func (r *refDecoder) fva() (v [2]int64, present bool) {
	raw, ok := r.m["fva"]
	if !ok {
		return v, false
	}
	var elems []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &elems) != nil || len(elems) != 2 {
		r.bad = true
		return v, true
	}
	for i, e := range elems {
		if string(e) == "null" || json.Unmarshal(e, &v[i]) != nil {
			r.bad = true
		}
	}
	return v, true
}

// ijsonViolation names the first RFC 7493 violation in a valid JSON
// document, or returns "": a duplicate member name (compared unescaped) in
// any object, a number outside float64, or an escaped lone surrogate.
func ijsonViolation(doc []byte) string {
	if hasLoneSurrogate(doc) {
		return "a lone surrogate"
	}
	type frame struct {
		obj, wantKey bool
		names        map[string]bool
	}
	var stack []*frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if n := len(stack); n > 0 && stack[n-1].wantKey {
			if k, ok := tok.(string); ok {
				top := stack[n-1]
				if top.names[k] {
					return "a duplicate member name"
				}
				top.names[k], top.wantKey = true, false
				continue
			}
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				stack = append(stack, &frame{obj: true, wantKey: true, names: map[string]bool{}})
			case '[':
				stack = append(stack, &frame{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case json.Number:
			if _, err := strconv.ParseFloat(string(tok), 64); err != nil {
				return "a number outside float64"
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// hasLoneSurrogate scans the raw text of a valid JSON document for a
// \uD800-\uDFFF escape that is not a high surrogate directly followed by an
// escaped low one.
func hasLoneSurrogate(doc []byte) bool {
	hex := func(b []byte) int {
		n, err := strconv.ParseUint(string(b), 16, 32)
		if err != nil {
			return -1
		}
		return int(n)
	}
	inString := false
	for i := 0; i < len(doc); i++ {
		switch c := doc[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString:
			if doc[i+1] != 'u' {
				i++
				continue
			}
			u := hex(doc[i+2 : i+6])
			i += 5
			switch {
			case u >= 0xDC00 && u <= 0xDFFF:
				return true
			case u >= 0xD800 && u <= 0xDBFF:
				if i+6 >= len(doc) || doc[i+1] != '\\' || doc[i+2] != 'u' {
					return true
				}
				if lo := hex(doc[i+3 : i+7]); lo < 0xDC00 || lo > 0xDFFF {
					return true
				}
				i += 6
			}
		}
	}
	return false
}

// errClass names the outcome: "ok", "type", "strict" or "syntax".
func errClass(err error) string {
	var te *typeError
	var se *strictError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &se):
		return "strict"
	case errors.As(err, &te):
		return "type"
	default:
		return "syntax"
	}
}

// checkAgainstJSON decodes payload with the scanner and with the strict
// oracle and reports any difference.
func checkAgainstJSON(t *testing.T, payload []byte) {
	t.Helper()
	var got, want wireClaims
	gotErr := decodeClaims(payload, &got)
	wantErr := referenceDecodeClaims(payload, &want)
	if g, w := errClass(gotErr), errClass(wantErr); g != w {
		t.Fatalf("payload %q: scanner %s (%v), oracle %s (%v)", payload, g, gotErr, w, wantErr)
	}
	if gotErr != nil {
		return
	}
	wantMachine, wantBad := referenceMachineClaims(t, payload)
	if got.MachineBad != wantBad {
		t.Fatalf("payload %q: machine members of the wrong type: scanner %v, oracle %v", payload, got.MachineBad, wantBad)
	}
	if !wantBad {
		if diff := cmp.Diff(wantMachine, got.Machine, cmp.AllowUnexported(jwtMachineClaims{})); diff != "" {
			t.Fatalf("payload %q machine members (-oracle +scanner):\n%s", payload, diff)
		}
	}
	want.Machine, want.MachineBad = got.Machine, got.MachineBad // compared above
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("payload %q (-oracle +scanner):\n%s", payload, diff)
	}
	if diff := cmp.Diff(want.toClaims(payload), got.toClaims(payload)); diff != "" {
		t.Fatalf("payload %q claims (-oracle +scanner):\n%s", payload, diff)
	}
}

// referenceMachineClaims reads a machine JWT's own members from a valid
// payload with encoding/json: jti, scope, client_id and name are strings
// (null leaves them empty); scopes is a space-separated string, or an array
// of strings (a null element is ""), or null. Any other type is bad.
func referenceMachineClaims(t *testing.T, payload []byte) (m jwtMachineClaims, bad bool) {
	t.Helper()
	var members map[string]json.RawMessage
	if err := json.Unmarshal(payload, &members); err != nil {
		t.Fatalf("payload %q: the scanner accepted it, encoding/json: %v", payload, err)
	}
	for name, dst := range map[string]*string{"jti": &m.Jti, "scope": &m.Scope, "client_id": &m.ClientID, "name": &m.Name} {
		raw, ok := members[name]
		if !ok {
			continue
		}
		var v *string
		if json.Unmarshal(raw, &v) != nil {
			bad = true
		} else if v != nil {
			*dst = *v
		}
	}
	raw, ok := members["scopes"]
	if !ok {
		return m, bad
	}
	m.HasScopes = true
	var str string
	var arr []*string
	switch {
	case string(raw) == "null":
	case json.Unmarshal(raw, &str) == nil:
		m.Scopes = strings.Fields(str)
	case json.Unmarshal(raw, &arr) == nil:
		m.Scopes = make([]string, 0, len(arr))
		for _, e := range arr {
			if e == nil {
				m.Scopes = append(m.Scopes, "")
			} else {
				m.Scopes = append(m.Scopes, *e)
			}
		}
	default:
		bad = true
	}
	return m, bad
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
	// Strict I-JSON (rule 6): duplicates at any depth, numbers at and beyond
	// float64's range, surrogates whole, lone and broken.
	`{"sub":"a","\u0073ub":"b"}`, `{"\u0073ub":"a","sub":"b"}`, `{"a\u0062":1,"c":2,"ab":3}`, `{"\u0061":1,"\u0062":2}`, `{"m":{"x":1,"x":2}}`, `{"m":[{"x":1},{"x":1}]}`, `{"m":{"x":1},"x":1}`,
	`{"act":{"sub":"a","sub":"b"}}`, `{"o":{"id":"a","id":"b"}}`, `{"exp":1,"exp":2}`, `{"a":"x","a":"x"}`,
	`{"a":1e400}`, `{"a":-1e400}`, `{"a":1e-400}`, `{"a":1.7976931348623157e308}`, `{"a":1.7976931348623159e308}`,
	`{"a":-0.0e-0}`, `{"a":` + strings.Repeat("9", 301) + `}`, `{"a":0.` + strings.Repeat("0", 400) + `1}`,
	`{"a":"\ud83d\ude00"}`, `{"a":"\ud83d\u0041"}`, `{"\ud800":1}`, `{"a":"\ud800\ud83d\ude00"}`, `{"a":"\uDBFF\uDFFF"}`,
	`{"a":"\ud83d"}`, `{"a":"\ud83d\"}`, `{"a":"\ufffd"}`, `{"a":"\ud83d\u12"}`,
	// Claim types (rule 6) and the current claims.
	`{"act":[]}`, `{"act":{}}`, `{"o":"x"}`, `{"o":{}}`, `{"nbf":null}`, `{"iat":null}`, `{"iat":1e0}`, `{"nbf":"1"}`,
	`{"aud":"x"}`, `{"aud":["a","b"]}`, `{"aud":[]}`, `{"aud":null}`, `{"aud":1}`, `{"aud":["a",1]}`, `{"aud":["a",null]}`, `{"aud":{"a":1}}`,
	`{"fva":[1,-1]}`, `{"fva":[1]}`, `{"fva":[1,2,3]}`, `{"fva":[1.5,1]}`, `{"fva":null}`, `{"fva":[null,1]}`, `{"fva":"1,2"}`, `{"fva":[]}`,
	`{"fva":[9223372036854775807,-9223372036854775808]}`, `{"fva":[9223372036854775808,1]}`,
	`{"sts":"pending"}`, `{"sts":"active"}`, `{"sts":1}`, `{"sts":null}`, `{"pla":"u:free,o:pro"}`, `{"pla":[]}`, `{"fea":" a, ,b "}`,
	manyMembers(20, false), manyMembers(20, true), manyMembers(16, true), manyMembers(17, true),
	// Strings past eight bytes, ending or escaping at each place of a word.
	`{"sub":"abcdefgh","sid":"abcdefghi","azp":"abcdefghijklmno\"p","iss":"abcdefg\\h","jti":"abcdefghijklmnopq\u00e9r"}`,
	`{"sub":"abcdefghijklm` + "\x1f" + `n"}`, `{"sub":"héllo wörld, ça va? ünïcödé"}`, `{"a":"` + strings.Repeat("x", 63) + `"}`,
	// A machine JWT's own members, read in the same pass.
	`{"sub":"mch_1","jti":"mt_1","scope":"a b","client_id":"c","name":"n","scopes":["x",null,"y"]}`,
	`{"scopes":" a  b "}`, `{"scopes":null}`, `{"scopes":[]}`, `{"scopes":1}`, `{"scopes":["a",1]}`, `{"scopes":{"a":1}}`,
	`{"jti":1}`, `{"jti":null}`, `{"scope":["a"]}`, `{"client_id":true}`, `{"name":{}}`, `{"\u006ati":"escaped"}`,
	`{"jti":1,"exp":"x"}`, `{"name":1,"sub":"a","sub":"b"}`,
}

// manyMembers is an object with n members named m0, m1, …; with dup the
// last repeats the first, past the nameSet's in-place slots when n > 16.
func manyMembers(n int, dup bool) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		name := i
		if dup && i == n-1 {
			name = 0
		}
		b.WriteString(`"m` + strconv.Itoa(name) + `":` + strconv.Itoa(i))
	}
	b.WriteString("}")
	return b.String()
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
		{name: "clerk header", in: `{"alg":"RS256","kid":"ins_1","typ":"JWT","cat":"cl_B7d4PD111AAA"}`, want: header{Alg: "RS256", Kid: "ins_1", Typ: "JWT", HasTyp: true, Cat: categorySession}},
		{name: "rule5 cat absent", in: `{"alg":"RS256"}`, want: header{Alg: "RS256", Cat: categoryAbsent}},
		{name: "rule5 cat template", in: `{"cat":"cl_B7d4PD222AAA"}`, want: header{Cat: categoryTemplate}},
		{name: "rule5 cat machine", in: `{"cat":"cl_B7d4PD333AAA"}`, want: header{Cat: categoryMachine}},
		{name: "rule5 cat ignore marker", in: `{"cat":"cl_I7d4PD111III"}`, want: header{Cat: categoryIgnore}},
		{name: "rule5 cat escaped session", in: `{"cat":"cl_B7d4PD111AA\u0041"}`, want: header{Cat: categorySession}},
		{name: "rule5 cat other case", in: `{"cat":"CL_B7D4PD111AAA"}`, want: header{Cat: categoryOther}},
		{name: "rule5 cat empty", in: `{"cat":""}`, want: header{Cat: categoryOther}},
		{name: "rule5 cat null is a category", in: `{"cat":null}`, want: header{Cat: categoryOther}},
		{name: "rule5 cat number is a category", in: `{"cat":111}`, want: header{Cat: categoryOther}},
		{name: "rule5 cat array is a category", in: `{"cat":["cl_B7d4PD111AAA"]}`, want: header{Cat: categoryOther}},
		{name: "duplicate cat", in: `{"cat":"cl_B7d4PD222AAA","cat":"cl_B7d4PD111AAA"}`, wantErr: true},
		{name: "duplicate alg", in: `{"alg":"HS256","alg":"RS256"}`, wantErr: true},
		{name: "lone surrogate in kid", in: `{"kid":"\ud800"}`, wantErr: true},
		{name: "typ absent", in: `{"alg":"RS256"}`, want: header{Alg: "RS256"}},
		{name: "typ null is present", in: `{"alg":"RS256","typ":null}`, want: header{Alg: "RS256", HasTyp: true}},
		{name: "typ NUL is present", in: `{"alg":"RS256","typ":"\u0000"}`, want: header{Alg: "RS256", Typ: "\x00", HasTyp: true}},
		{name: "crit kept raw", in: `{"crit":["b64"]}`, want: header{Crit: json.RawMessage(`["b64"]`)}},
		{name: "jku and jwk skipped", in: `{"jku":"https://x","jwk":{"kty":"RSA"},"x5u":"https://y"}`, want: header{}},
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

// TestStringEnd: on every eight-byte word made of bytes around each edge
// stringStop has (the control range, the quote, the backslash, the high
// bit), the lowest byte stringEnd flags is the first byte stringStop marks.
func TestStringEnd(t *testing.T) {
	t.Parallel()
	edges := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, '"' - 1, '"', '"' + 1, '\\' - 1, '\\', '\\' + 1, 0x7f, 0x80, 0x9f, 0xa0, 0xdc, 0xe2, 0xff, 'a'}
	var w [8]byte
	// Each byte from the edges, at each position, in words of 'a', of
	// 0x80 and of the edges' neighbours: every borrow a flag can cause.
	for _, fill := range []byte{'a', 0x80, 0x21, 0x1f + 1, 0xff} {
		for pos := range 8 {
			for _, c := range edges {
				for second := range 8 {
					for _, d := range edges {
						for k := range w {
							w[k] = fill
						}
						w[second] = d
						w[pos] = c
						want := 8
						for k, b := range w {
							if stringStop[b] {
								want = k
								break
							}
						}
						got := 8
						if m := stringEnd(binary.LittleEndian.Uint64(w[:])); m != 0 {
							got = bits.TrailingZeros64(m) / 8
						}
						if got != want {
							t.Fatalf("stringEnd(%q): first stop at %d, want %d", w, got, want)
						}
					}
				}
			}
		}
	}
}

// TestParseInt64 holds parseInt64 to strconv.ParseInt on each side of the
// 18-digit fast path and of int64's range.
func TestParseInt64(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{
		"0", "-0", "7", "-7", "1800000060", "-1800000060",
		"99999999999999999", "999999999999999999", "-999999999999999999",
		"1000000000000000000", "-1000000000000000000",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"18446744073709551615", "18446744073709551616", "99999999999999999999",
	} {
		want, err := strconv.ParseInt(tok, 10, 64)
		got, ok := parseInt64([]byte(tok))
		if ok != (err == nil) || (ok && got != want) {
			t.Errorf("parseInt64(%s) = %d, %v; strconv: %d, %v", tok, got, ok, want, err)
		}
	}
}
