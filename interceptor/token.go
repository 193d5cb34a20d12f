package interceptor

import (
	"strings"

	"google.golang.org/grpc/metadata"

	"github.com/authsvc/authsvc/verifier"
)

// MaxTokenBytes is the longest token accepted from metadata, the same limit
// authsvc applies. Clerk's session tokens are well under 2 KiB.
const MaxTokenBytes = 8 << 10

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

// isTokenText reports whether s is printable ASCII with no space, the only
// bytes a compact JWS can hold. The verifier decides the rest.
func isTokenText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return s != ""
}
