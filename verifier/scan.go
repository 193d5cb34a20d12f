package verifier

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The token's header and payload are decoded by this small strict JSON
// reader instead of encoding/json, which costs more than the rest of an
// unseen verification together (see bench_test.go). Its syntax is exactly
// the JSON that encoding/json accepts (and it rejects invalid UTF-8); it
// decodes the known members into typed fields, validates and skips
// everything else, and matches member names exactly (encoding/json also
// matches them case-insensitively).
//
// On top of the syntax it enforces I-JSON (RFC 7493) in the same pass: a
// duplicate member name in any object, a number outside float64 and an
// escaped lone surrogate are recorded as a strictError, which, like a
// typeError, is reported only when the document is otherwise well-formed.
// FuzzDecodeClaims checks all of it against a strict oracle built on
// encoding/json.

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

var errSyntax = errors.New("verifier: invalid json")

// typeError is a known member whose value has the wrong JSON type.
type typeError struct{ field string }

func (e *typeError) Error() string { return "verifier: claim " + e.field + " has the wrong type" }

// strictError is well-formed JSON that is not I-JSON: what names the
// violation ("a duplicate member name", …), never the input.
type strictError struct{ what string }

func (e *strictError) Error() string { return "verifier: payload is not i-json: " + e.what }

// scanner reads one JSON document. typeErr and strictErr keep the first
// violation of each kind; reading goes on so that a later syntax error
// still wins.
type scanner struct {
	b         []byte
	text      string // b as a string: unescaped string values are slices of it
	i         int
	depth     int
	typeErr   *typeError
	strictErr *strictError
}

// strict records an I-JSON violation; the first one is reported.
func (s *scanner) strict(what string) {
	if s.strictErr == nil {
		s.strictErr = &strictError{what: what}
	}
}

// document reads the object that is the whole input, calling member for
// each member; member must consume exactly one value.
func (s *scanner) document(member func(key []byte) error) error {
	if !utf8.Valid(s.b) {
		return errSyntax
	}
	s.text = string(s.b)
	if err := s.object(member); err != nil {
		return err
	}
	s.ws()
	if s.i != len(s.b) {
		return errSyntax
	}
	if s.strictErr != nil {
		return s.strictErr
	}
	if s.typeErr != nil {
		return s.typeErr
	}
	return nil
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return s.b[s.i]
	}
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		return errSyntax
	}
	s.i++
	return nil
}

func (s *scanner) enter() error {
	s.depth++
	if s.depth > maxJSONDepth {
		return errSyntax
	}
	return nil
}

// object reads an object, calling member with each (unescaped) key.
func (s *scanner) object(member func(key []byte) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if err := s.enter(); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.i++
		s.depth--
		return nil
	}
	var names nameSet
	for {
		if s.peek() != '"' {
			return errSyntax
		}
		keyStart := s.i + 1
		key, err := s.str()
		if err != nil {
			return err
		}
		if names.add(s, key, keyStart) {
			s.strict("a duplicate member name")
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := member(key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return nil
		default:
			return errSyntax
		}
	}
}

// nameSet holds the member names of one object, to find duplicates. Most
// objects have a handful of members with plain (unescaped) names, which
// are kept as offsets into the input, so that adding one writes no
// pointer and allocates nothing; a cheap fingerprint rules out most
// comparisons (Clerk's claim names are mostly three letters long). Past
// smallNames members, or at the first escaped name, a map of the unescaped
// names takes over, so a crafted object with thousands of members costs
// linear time, not quadratic.
type nameSet struct {
	n     int
	bloom uint64 // one bit per (length, first byte, last byte) seen
	start [smallNames]uint32
	end   [smallNames]uint32
	big   map[string]struct{}
}

const smallNames = 16

// add adds the name just read by s.str: name is its unescaped value and
// start the input offset of its first byte. It reports whether the object
// already had that name.
func (ns *nameSet) add(s *scanner, name []byte, start int) bool {
	if ns.big == nil {
		plain := s.i-1-start == len(name)
		if plain && ns.n < smallNames {
			return ns.addPlain(s.b, name, start)
		}
		ns.big = make(map[string]struct{}, 2*smallNames)
		for i := range ns.n {
			ns.big[string(s.b[ns.start[i]:ns.end[i]])] = struct{}{}
		}
	}
	if _, dup := ns.big[string(name)]; dup {
		return true
	}
	ns.big[string(name)] = struct{}{}
	return false
}

func (ns *nameSet) addPlain(input, name []byte, start int) bool {
	bit := uint64(1)
	if len(name) > 0 {
		bit <<= (uint(len(name))*7 + uint(name[0])*3 + uint(name[len(name)-1])) & 63
	}
	if ns.bloom&bit != 0 {
		for i := range ns.n {
			if string(input[ns.start[i]:ns.end[i]]) == string(name) {
				return true
			}
		}
	}
	ns.bloom |= bit
	ns.start[ns.n], ns.end[ns.n] = uint32(start), uint32(start+len(name))
	ns.n++
	return false
}

// array reads an array, calling elem for each element.
func (s *scanner) array(elem func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if err := s.enter(); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.i++
		s.depth--
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return nil
		default:
			return errSyntax
		}
	}
}

// skip validates and skips one value of any type.
func (s *scanner) skip() error {
	switch c := s.peek(); {
	case c == '{':
		return s.object(func([]byte) error { return s.skip() })
	case c == '[':
		return s.array(s.skip)
	case c == '"':
		_, err := s.str()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, _, err := s.number()
		return err
	default:
		return errSyntax
	}
}

func (s *scanner) literal(lit string) error {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return errSyntax
	}
	s.i += len(lit)
	return nil
}

// mismatch records a type error for field and skips the value.
func (s *scanner) mismatch(field string) error {
	if s.typeErr == nil {
		s.typeErr = &typeError{field: field}
	}
	return s.skip()
}

// number reads a number and returns its text and whether it is an integer
// literal (no fraction, no exponent). A number outside float64's range is
// recorded as an I-JSON violation.
func (s *scanner) number() (tok []byte, isInt bool, err error) {
	start := s.i
	exp := false
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.digits() == 0:
		return nil, false, errSyntax
	}
	isInt = true
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return nil, false, errSyntax
		}
		isInt = false
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return nil, false, errSyntax
		}
		isInt = false
		exp = true
	}
	tok = s.b[start:s.i]
	// Without an exponent, fewer than 300 digits cannot leave float64's
	// range (its largest finite value is about 1.8e308); anything else is
	// checked exactly. Underflow to zero is within range, as for strconv.
	if exp || len(tok) > maxPlainNumber {
		if _, err := strconv.ParseFloat(string(tok), 64); err != nil {
			s.strict("a number outside float64")
		}
	}
	return tok, isInt, nil
}

// maxPlainNumber is the longest number without an exponent that is
// certainly inside float64's range.
const maxPlainNumber = 300

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// strValue reads a string value. Without escapes it is a slice of s.text,
// so the values of one document share one allocation.
func (s *scanner) strValue() (string, error) {
	start := s.i + 1
	v, err := s.str()
	if err != nil {
		return "", err
	}
	if end := s.i - 1; end-start == len(v) {
		return s.text[start:end], nil
	}
	return string(v), nil
}

// stringEnd flags, with the high bit of each byte of w (eight input bytes,
// little-endian), the bytes stringStop marks; the lowest flag is exact,
// which is all str needs (a borrow can set false flags above a true one).
// FuzzDecodeClaims holds the scanner to encoding/json.
func stringEnd(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) &^ v }
	quote, backslash := w^(ones*'"'), w^(ones*'\\')
	return (zero(quote) | zero(backslash) | (w-ones*0x20)&^w) & highs
}

// stringStop marks the bytes that end the fast scan of a string: the quote,
// the backslash and the control characters JSON forbids raw.
var stringStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str reads a string and returns its value: a slice of the input when it
// has no escapes, else a new buffer.
func (s *scanner) str() ([]byte, error) {
	s.i++ // the opening quote
	start := s.i
	b := s.b
	i := s.i
	// Eight bytes at a time to the first quote, backslash or control
	// character (stringEnd), then byte by byte for the last few.
	for i+8 <= len(b) {
		if m := stringEnd(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			i += bits.TrailingZeros64(m) / 8
			break
		}
		i += 8
	}
	for i < len(b) && !stringStop[b[i]] {
		i++
	}
	s.i = i
	switch {
	case i == len(b) || b[i] < 0x20:
		return nil, errSyntax
	case b[i] == '\\':
		return s.strEscaped(start)
	}
	s.i++
	return b[start:i], nil
}

// strEscaped continues str from the first backslash, unescaping as
// encoding/json does: a lone or broken surrogate becomes U+FFFD, and is
// recorded as an I-JSON violation.
func (s *scanner) strEscaped(start int) ([]byte, error) {
	out := append([]byte(nil), s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return out, nil
		case c < 0x20:
			return nil, errSyntax
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			return nil, errSyntax
		}
		esc := s.b[s.i+1]
		s.i += 2
		switch esc {
		case '"', '\\', '/':
			out = append(out, esc)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.u4()
			if !ok {
				return nil, errSyntax
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, errSyntax
		}
	}
	return nil, errSyntax
}

// u4 reads the four hex digits after "\u" and, for a high surrogate
// followed by "\uXXXX" forming a valid pair, the second half too.
func (s *scanner) u4() (rune, bool) {
	r := hex4(s.b[s.i:])
	if r < 0 {
		return 0, false
	}
	s.i += 4
	if !utf16.IsSurrogate(r) {
		return r, true
	}
	if len(s.b)-s.i >= 6 && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
		if r2 := hex4(s.b[s.i+2:]); r2 >= 0 {
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				s.i += 6
				return dec, true
			}
		}
	}
	s.strict("a lone surrogate")
	return utf8.RuneError, true
}

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
