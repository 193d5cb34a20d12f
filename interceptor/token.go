package interceptor

import (
	"strings"

	"google.golang.org/grpc/metadata"

	"github.com/authsvc/authsvc/internal/rpcstatus"
	"github.com/authsvc/authsvc/verifier"
)

// MaxTokenBytes is the longest token accepted from metadata, the same limit
// authsvc applies. Clerk's session tokens are well under 2 KiB.
const MaxTokenBytes = rpcstatus.MaxTokenBytes

// tokenFromMetadata extracts the session token stored under key in md.
//
// Rules, strictest reading of "authorization: Bearer <token>":
//   - no value, or a value that is blank or a bare "Bearer" → [ReasonTokenMissing];
//   - more than one value → [verifier.ReasonTokenInvalid] (never pick one);
//   - the value is "Bearer <token>" (scheme case-insensitive, spaces and
//     tabs around and after it ignored) or the bare token; any other scheme, or a
//     token longer than [MaxTokenBytes] or holding bytes outside printable
//     ASCII or spaces → [verifier.ReasonTokenInvalid].
//
// It returns the token, or "" and the reason it was refused.
func tokenFromMetadata(md metadata.MD, key string) (string, verifier.Reason) {
	return tokenFromValues(md.Get(key))
}

// tokenFromValues is [tokenFromMetadata] on the values of the key.
func tokenFromValues(vals []string) (string, verifier.Reason) {
	switch len(vals) {
	case 0:
		return "", ReasonTokenMissing
	case 1:
	default:
		return "", verifier.ReasonTokenInvalid
	}
	return parseCredential(vals[0])
}

// parseCredential applies the value rules of [tokenFromMetadata].
func parseCredential(v string) (string, verifier.Reason) {
	v = strings.Trim(v, " \t")
	if v == "" || strings.EqualFold(v, "bearer") {
		return "", ReasonTokenMissing
	}
	token := v
	if i := strings.IndexAny(v, " \t"); i >= 0 {
		if !strings.EqualFold(v[:i], "bearer") {
			return "", verifier.ReasonTokenInvalid
		}
		token = strings.TrimLeft(v[i:], " \t")
	}
	if len(token) > MaxTokenBytes || !isTokenText(token) {
		return "", verifier.ReasonTokenInvalid
	}
	return token, ""
}

// isTokenText reports whether s is non-empty printable ASCII with no space
// (bytes 0x21–0x7e), the only bytes a compact JWS can hold; the verifier
// decides the rest. It runs on every call, before the cache, so it tests
// 32 bytes a step: a byte's high bit in below is set when it is under 0x21
// (or 0x80 and over), in above when it is over 0x7e, and the steps' masks
// are gathered and tested once at the end (s is at most MaxTokenBytes).
func isTokenText(s string) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	bad := func(x uint64) uint64 {
		below := (x - ones*0x21) &^ x
		above := (x + ones*(0x7f-0x7e)) | x
		return below | above
	}
	var acc uint64
	i := 0
	for ; i+32 <= len(s); i += 32 {
		acc |= bad(le64(s, i)) | bad(le64(s, i+8)) | bad(le64(s, i+16)) | bad(le64(s, i+24))
	}
	for ; i+8 <= len(s); i += 8 {
		acc |= bad(le64(s, i))
	}
	if acc&highs != 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return s != ""
}

// le64 is the eight bytes of s at i, little-endian (one load).
func le64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
