package verifier

import (
	"encoding/binary"
	"errors"
)

// errBase64URL is any input decodeBase64URL refuses.
var errBase64URL = errors.New("verifier: not base64url")

// b64urlBad marks a byte outside the base64url alphabet in b64url's tables;
// it lies above the 48 bits that eight characters fill.
const b64urlBad = 1 << 63

// b64url[k][c] is the six bits of base64url character c placed where the
// k-th of eight characters goes in a 48-bit big-endian group, or b64urlBad.
// Rows 4 to 7 double as the places of a four-character group's characters.
var b64url = func() (t [8][256]uint64) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for k := range t {
		for c := range t[k] {
			t[k][c] = b64urlBad
		}
		for v := range len(alphabet) {
			t[k][alphabet[v]] = uint64(v) << (42 - 6*k)
		}
	}
	return t
}()

// decodeBase64URL decodes src, unpadded base64url, into dst, which must
// hold at least len(src)*6/8 bytes, and returns the bytes written. It
// refuses what base64.RawURLEncoding.Strict() refuses (a byte outside the
// alphabet, '=' included; a length of 4n+1; non-zero trailing bits) and
// also line breaks, which that decoder skips. FuzzDecodeBase64URL holds it
// to that decoder.
//
// It is the standard decoder's work in fewer instructions: eight characters
// are eight table lookups ORed into one word and one store, and validity is
// checked once, at the end, instead of per group. On an unseen token it is
// a fifth of the decoding (BenchmarkDecodeToken).
func decodeBase64URL(dst, src []byte) (int, error) {
	t := &b64url
	var bad uint64
	n := 0
	// Eight characters to six bytes, written as eight: while dst has room
	// for the two bytes of zeros after them.
	for len(src) >= 8 && len(dst)-n >= 8 {
		v := t[0][src[0]] | t[1][src[1]] | t[2][src[2]] | t[3][src[3]] |
			t[4][src[4]] | t[5][src[5]] | t[6][src[6]] | t[7][src[7]]
		bad |= v
		binary.BigEndian.PutUint64(dst[n:], v<<16)
		n += 6
		src = src[8:]
	}
	for len(src) >= 4 {
		v := t[4][src[0]] | t[5][src[1]] | t[6][src[2]] | t[7][src[3]]
		bad |= v
		_ = dst[n+2]
		dst[n], dst[n+1], dst[n+2] = byte(v>>16), byte(v>>8), byte(v)
		n += 3
		src = src[4:]
	}
	switch len(src) {
	case 1:
		return 0, errBase64URL
	case 2:
		v := t[4][src[0]] | t[5][src[1]]
		if v&0xffff != 0 { // the last character's four low bits
			return 0, errBase64URL
		}
		bad |= v
		dst[n] = byte(v >> 16)
		n++
	case 3:
		v := t[4][src[0]] | t[5][src[1]] | t[6][src[2]]
		if v&0xff != 0 { // the last character's two low bits
			return 0, errBase64URL
		}
		bad |= v
		_ = dst[n+1]
		dst[n], dst[n+1] = byte(v>>16), byte(v>>8)
		n += 2
	}
	if bad&b64urlBad != 0 {
		return 0, errBase64URL
	}
	return n, nil
}
