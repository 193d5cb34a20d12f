package verifier

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strings"
)

// maxTokenLen bounds the token size the verifier decodes at all. The gRPC
// contract rejects tokens over 8 KiB earlier; this is the library's own cap.
const maxTokenLen = 16 << 10

// absent marks a numeric claim that the payload did not carry (or set to
// null): decoding leaves the field untouched.
const absent = math.MinInt64

// typAbsent marks a header without typ.
const typAbsent = "\x00"

// header is the protected header. jku, x5u, jwk and x5c are not decoded, so
// they can never be followed.
type header struct {
	Alg  string          `json:"alg"`
	Typ  string          `json:"typ"`
	Kid  string          `json:"kid"`
	Crit json.RawMessage `json:"crit"`
}

// wireClaims is the payload as signed. Numeric dates are integers; a
// non-integer or a value of the wrong type makes the token invalid.
type wireClaims struct {
	Sub            string          `json:"sub"`
	Sid            string          `json:"sid"`
	Azp            string          `json:"azp"`
	Iss            string          `json:"iss"`
	Iat            int64           `json:"iat"`
	Nbf            int64           `json:"nbf"`
	Exp            int64           `json:"exp"`
	V              int             `json:"v"`
	OrgID          string          `json:"org_id"`
	OrgSlug        string          `json:"org_slug"`
	OrgRole        string          `json:"org_role"`
	OrgPermissions []string        `json:"org_permissions"`
	O              *wireOrg        `json:"o"`
	Fea            string          `json:"fea"`
	Act            json.RawMessage `json:"act"`
}

// wireOrg is the v2 compact organization claim.
type wireOrg struct {
	ID  string `json:"id"`
	Slg string `json:"slg"`
	Rol string `json:"rol"`
	Per string `json:"per"`
	Fpm string `json:"fpm"`
}

// token is a decoded, not yet verified, compact JWS.
type token struct {
	signingInput string // header "." payload, as received
	header       header
	payload      []byte
	sig          []byte
	claims       wireClaims
	// claimsErr is a claim of the wrong type: reported only after the
	// signature verified, so claim problems never precede it.
	claimsErr error
}

// decodeToken runs rule 1: three base64url parts, header and payload JSON
// objects. Errors are token-invalid and never quote the token.
func decodeToken(s string) (*token, error) {
	if len(s) > maxTokenLen {
		return nil, invalid("token is longer than 16 KiB")
	}
	i := strings.IndexByte(s, '.')
	j := strings.LastIndexByte(s, '.')
	if i < 0 || i == j || strings.IndexByte(s[i+1:j], '.') >= 0 {
		return nil, invalid("token does not have three parts")
	}
	t := &token{signingInput: s[:j]}
	hdr, err := decodePart(s[:i])
	if err != nil {
		return nil, invalid("header is not base64url")
	}
	if t.payload, err = decodePart(s[i+1 : j]); err != nil {
		return nil, invalid("payload is not base64url")
	}
	if t.sig, err = decodePart(s[j+1:]); err != nil {
		return nil, invalid("signature is not base64url")
	}
	t.header.Typ = typAbsent
	if !isObject(hdr) || json.Unmarshal(hdr, &t.header) != nil {
		return nil, invalid("header is not a json object")
	}
	if err := decodeClaims(t.payload, &t.claims); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, invalid("payload is not a json object")
		}
		t.claimsErr = invalid("claim " + te.Field + " has the wrong type")
	}
	return t, nil
}

// decodeClaims decodes a payload into w. It fails when payload is not a JSON
// object; a claim of the wrong type is a *json.UnmarshalTypeError, with the
// other claims still decoded.
func decodeClaims(payload []byte, w *wireClaims) error {
	if !isObject(payload) {
		return errors.New("verifier: payload is not a json object")
	}
	w.Iat, w.Nbf, w.Exp = absent, absent, absent
	return json.Unmarshal(payload, w)
}

// decodePart decodes one base64url part. Up to two trailing '=' are
// tolerated, as Clerk's SDKs do; line breaks (which Go's decoder would skip)
// and non-zero trailing bits are rejected.
func decodePart(p string) ([]byte, error) {
	if strings.ContainsAny(p, "\r\n") {
		return nil, errors.New("verifier: line break in base64url")
	}
	p = strings.TrimSuffix(strings.TrimSuffix(p, "="), "=")
	return base64.RawURLEncoding.Strict().DecodeString(p)
}

func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

func invalid(detail string) *Error {
	return &Error{Reason: ReasonTokenInvalid, Detail: detail}
}
