package server

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/structpb"
)

// maxStructDepth is protojson's default recursion limit, kept so that both
// decoders accept the same inputs.
const maxStructDepth = 10000

var errStructJSON = errors.New("invalid JSON object")

// structFromJSON decodes a JSON object into a Struct, accepting and
// rejecting exactly what protojson.Unmarshal into a Struct does (the fuzz
// test FuzzStructFromJSON compares the two), without protojson's
// reflection: about a tenth of the time and allocations on Clerk's claims.
// The input is copied into one string once; keys and values without escapes
// are slices of it.
func structFromJSON(raw []byte) (*structpb.Struct, error) {
	p := &jsonParser{s: string(raw)}
	p.space()
	st, err := p.object(1)
	if err != nil {
		return nil, err
	}
	if p.space(); p.i != len(p.s) {
		return nil, errStructJSON
	}
	return st, nil
}

// jsonParser is a recursive-descent JSON parser over s from position i.
type jsonParser struct {
	s string
	i int
}

func (p *jsonParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// next reports whether the next byte (after whitespace) is c, and consumes it.
func (p *jsonParser) next(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonParser) object(depth int) (*structpb.Struct, error) {
	if depth > maxStructDepth || !p.next('{') {
		return nil, errStructJSON
	}
	st := &structpb.Struct{Fields: map[string]*structpb.Value{}}
	if p.next('}') {
		return st, nil
	}
	for {
		p.space()
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		if _, dup := st.Fields[k]; dup || !p.next(':') {
			return nil, errStructJSON
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		st.Fields[k] = v
		if p.next('}') {
			return st, nil
		}
		if !p.next(',') {
			return nil, errStructJSON
		}
	}
}

func (p *jsonParser) list(depth int) (*structpb.ListValue, error) {
	if depth > maxStructDepth {
		return nil, errStructJSON
	}
	p.i++ // '['
	l := &structpb.ListValue{}
	if p.next(']') {
		return l, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		l.Values = append(l.Values, v)
		if p.next(']') {
			return l, nil
		}
		if !p.next(',') {
			return nil, errStructJSON
		}
	}
}

func (p *jsonParser) value(depth int) (*structpb.Value, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, errStructJSON
	}
	switch c := p.s[p.i]; {
	case c == '{':
		st, err := p.object(depth)
		if err != nil {
			return nil, err
		}
		return structpb.NewStructValue(st), nil
	case c == '[':
		l, err := p.list(depth)
		if err != nil {
			return nil, err
		}
		return structpb.NewListValue(l), nil
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return structpb.NewStringValue(s), nil
	case c == '-' || c >= '0' && c <= '9':
		f, err := p.number()
		if err != nil {
			return nil, err
		}
		return structpb.NewNumberValue(f), nil
	}
	for _, lit := range [...]struct {
		word string
		v    func() *structpb.Value
	}{
		{"true", func() *structpb.Value { return structpb.NewBoolValue(true) }},
		{"false", func() *structpb.Value { return structpb.NewBoolValue(false) }},
		{"null", structpb.NewNullValue},
	} {
		if end := p.i + len(lit.word); end <= len(p.s) && p.s[p.i:end] == lit.word && (end == len(p.s) || delim(p.s[end])) {
			p.i = end
			return lit.v(), nil
		}
	}
	return nil, errStructJSON
}

// delim reports whether c may follow a literal or a number.
func delim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', '}', ']', ':':
		return true
	}
	return false
}

// number parses -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? as a float64;
// out of range is an error, as in protojson.
func (p *jsonParser) number() (float64, error) {
	start := p.i
	p.accept("-")
	if !p.accept("0") && p.digits() == 0 {
		return 0, errStructJSON
	}
	if p.accept(".") && p.digits() == 0 {
		return 0, errStructJSON
	}
	if p.accept("eE") {
		p.accept("+-")
		if p.digits() == 0 {
			return 0, errStructJSON
		}
	}
	if p.i < len(p.s) && !delim(p.s[p.i]) {
		return 0, errStructJSON
	}
	f, err := strconv.ParseFloat(p.s[start:p.i], 64)
	if err != nil {
		return 0, errStructJSON
	}
	return f, nil
}

// accept consumes one byte that is in set.
func (p *jsonParser) accept(set string) bool {
	if p.i < len(p.s) {
		for j := 0; j < len(set); j++ {
			if p.s[p.i] == set[j] {
				p.i++
				return true
			}
		}
	}
	return false
}

func (p *jsonParser) digits() int {
	n := 0
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

// str parses a string at p.i. Without escapes it is a slice of the input.
func (p *jsonParser) str() (string, error) {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return "", errStructJSON
	}
	start := p.i + 1
	for j := start; j < len(p.s); j++ {
		switch c := p.s[j]; {
		case c == '"':
			if !utf8.ValidString(p.s[start:j]) {
				return "", errStructJSON
			}
			p.i = j + 1
			return p.s[start:j], nil
		case c == '\\':
			return p.escaped(start, j)
		case c < ' ':
			return "", errStructJSON
		}
	}
	return "", errStructJSON
}

// escaped continues str from the first backslash at j, building a copy.
func (p *jsonParser) escaped(start, j int) (string, error) {
	if !utf8.ValidString(p.s[start:j]) {
		return "", errStructJSON
	}
	out := []byte(p.s[start:j])
	for j < len(p.s) {
		c := p.s[j]
		switch {
		case c == '"':
			p.i = j + 1
			return string(out), nil
		case c < ' ':
			return "", errStructJSON
		case c != '\\':
			r, n := utf8.DecodeRuneInString(p.s[j:])
			if r == utf8.RuneError && n == 1 {
				return "", errStructJSON
			}
			out, j = append(out, p.s[j:j+n]...), j+n
			continue
		}
		if j+1 >= len(p.s) {
			return "", errStructJSON
		}
		if e := p.s[j+1]; e != 'u' {
			b, ok := simpleEscape(e)
			if !ok {
				return "", errStructJSON
			}
			out, j = append(out, b), j+2
			continue
		}
		r, ok := hex4(p.s, j+2)
		if !ok {
			return "", errStructJSON
		}
		j += 6
		if utf16.IsSurrogate(r) {
			lo, ok := hex4(p.s, j+2)
			if j+1 >= len(p.s) || p.s[j] != '\\' || p.s[j+1] != 'u' || !ok {
				return "", errStructJSON
			}
			if r = utf16.DecodeRune(r, lo); r == utf8.RuneError {
				return "", errStructJSON
			}
			j += 6
		}
		out = utf8.AppendRune(out, r)
	}
	return "", errStructJSON
}

func simpleEscape(e byte) (byte, bool) {
	switch e {
	case '"', '\\', '/':
		return e, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// hex4 parses the four hex digits at s[i:i+4].
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i:i+4], 16, 16)
	return rune(v), err == nil
}
