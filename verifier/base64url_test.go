package verifier

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// strictRawURL is the standard library's unpadded base64url decoder that
// refuses non-zero trailing bits, the oracle of checkBase64URL.
var strictRawURL = base64.RawURLEncoding.Strict()

// checkBase64URL holds decodeBase64URL to the standard library's strict
// unpadded base64url decoder, which also skips line breaks: the two must
// agree on every input without one, and a line break must be refused.
func checkBase64URL(t *testing.T, src []byte) {
	t.Helper()
	want := make([]byte, len(src))
	wn, werr := strictRawURL.Decode(want, src)
	if bytes.ContainsAny(src, "\r\n") {
		werr = errBase64URL
	}
	// Room for the eight-byte stores.
	got := make([]byte, len(src)*6/8+8)
	gn, gerr := decodeBase64URL(got, src)
	if (gerr != nil) != (werr != nil) {
		t.Fatalf("decodeBase64URL(%q) error = %v, standard decoder's = %v", src, gerr, werr)
	}
	if werr == nil && !bytes.Equal(got[:gn], want[:wn]) {
		t.Fatalf("decodeBase64URL(%q) = %x, want %x", src, got[:gn], want[:wn])
	}
	// With dst exactly as long as the output, nothing is written past it.
	if werr == nil {
		exact := make([]byte, wn)
		if n, err := decodeBase64URL(exact, src); err != nil || !bytes.Equal(exact[:n], want[:wn]) {
			t.Fatalf("decodeBase64URL(%q) into %d bytes = %x, %v; want %x", src, wn, exact[:n], err, want[:wn])
		}
	}
}

func TestDecodeBase64URL(t *testing.T) {
	t.Parallel()
	enc := base64.RawURLEncoding.EncodeToString
	var all []byte
	for i := range 256 {
		all = append(all, byte(i))
	}
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"one character (4n+1)", "A"},
		{"five characters (4n+1)", "AQABA"},
		{"two characters", enc([]byte{0xfb})},
		{"three characters", enc([]byte{0xfb, 0xff})},
		{"a four-character group", enc([]byte{0xfb, 0xff, 0xbf})},
		{"an eight-character group", enc([]byte("abcdef"))},
		{"every byte value", enc(all)},
		{"trailing bits set, two characters", "AR"},
		{"trailing bits set, three characters", "AQB"},
		{"standard alphabet's +", "ab+d"},
		{"standard alphabet's /", "abcdefg/"},
		{"padding", "AQ=="},
		{"padding inside", "A=QAB"},
		{"line feed", "AQAB\nAQAB"},
		{"carriage return", "AQABAQA\r"},
		{"NUL", "AQA\x00"},
		{"high byte in an eight-character group", "AQABAQA\xff"},
		{"high byte in the tail", "AQABAQABAQ\x80"},
		{"space", "AQ AB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkBase64URL(t, []byte(tt.in))
		})
	}
}

// TestDecodeBase64URLEveryLength: every length of output from 0 to 40, so
// every split between eight-character groups, four-character groups and
// the tail, and a bad character at every position of each.
func TestDecodeBase64URLEveryLength(t *testing.T) {
	t.Parallel()
	for n := range 41 {
		src := []byte(base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0x5a, 0xc3, 0x0f}, n)[:n]))
		checkBase64URL(t, src)
		for i := range src {
			bad := bytes.Clone(src)
			bad[i] = '.'
			checkBase64URL(t, bad)
		}
	}
}

func FuzzDecodeBase64URL(f *testing.F) {
	for _, s := range []string{"", "AQAB", "AQ", "AQA", "AR", "-_-_", "ab+/", "AQ\nAB", "eyJhbGciOiJSUzI1NiJ9"} {
		f.Add([]byte(s))
	}
	f.Fuzz(checkBase64URL)
}
