package interceptor

import (
	"encoding/binary"
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
// decides the rest. It tests eight bytes at a time: this runs on every
// call, before the cache.
func isTokenText(s string) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		below := (x - ones*0x21) &^ x       // high bit set for a byte < 0x21 (or >= 0x80)
		above := (x + ones*(0x7f-0x7e)) | x // high bit set for a byte > 0x7e
		if (below|above)&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return s != ""
}
