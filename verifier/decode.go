package verifier

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"sync"
)

// maxTokenLen bounds the token size the verifier decodes at all. The gRPC
// contract rejects tokens over 8 KiB earlier; this is the library's own cap.
const maxTokenLen = 16 << 10

// numericDate is exp, nbf or iat as signed: Present says the payload had
// the member (whatever its value), N its value when it is an integer.
type numericDate struct {
	N       int64
	Present bool
}

// header is the protected header. jku, x5u, jwk and x5c are not decoded, so
// they can never be followed. Cat is the classified cat member (rule 5).
type header struct {
	Alg string `json:"alg"`
	// Typ is typ's string value; HasTyp says the member was there at all,
	// whatever its value (null included: DESIGN rule 2 counts it present).
	Typ    string          `json:"typ"`
	HasTyp bool            `json:"-"`
	Kid    string          `json:"kid"`
	Crit   json.RawMessage `json:"crit"`
	Cat    tokenCategory   `json:"-"`
}

// wireClaims is the payload as signed. Numeric dates are integers; a
// non-integer or a value of the wrong type makes the token invalid.
type wireClaims struct {
	Sub            string          `json:"sub"`
	Sid            string          `json:"sid"`
	Azp            string          `json:"azp"`
	Iss            string          `json:"iss"`
	Iat            numericDate     `json:"-"`
	Nbf            numericDate     `json:"-"`
	Exp            numericDate     `json:"-"`
	V              int             `json:"v"`
	OrgID          string          `json:"org_id"`
	OrgSlug        string          `json:"org_slug"`
	OrgRole        string          `json:"org_role"`
	OrgPermissions []string        `json:"org_permissions"`
	O              *wireOrg        `json:"o"`
	Fea            string          `json:"fea"`
	Pla            string          `json:"pla"`
	Sts            string          `json:"sts"`
	Aud            []string        `json:"-"` // a string or an array of strings; nil when absent
	Fva            [2]int64        `json:"-"` // exactly two integers when HasFva
	HasFva         bool            `json:"-"`
	Act            json.RawMessage `json:"act"`
	// Machine holds a machine JWT's own members (jti, scope, client_id,
	// name, scopes), read in the same pass; MachineBad says one had the
	// wrong type, which only the machine path refuses.
	Machine    jwtMachineClaims `json:"-"`
	MachineBad bool             `json:"-"`
}

// wireOrg is the v2 compact organization claim.
type wireOrg struct {
	ID  string `json:"id"`
	Slg string `json:"slg"`
	Rol string `json:"rol"`
	Per string `json:"per"`
	Fpm string `json:"fpm"`
}

// token is a decoded, not yet verified, compact JWS. signingInput and sig
// live in a pooled scratch buffer until release; the payload has its own
// allocation because it outlives the call as Claims.Raw.
type token struct {
	signingInput []byte // header "." payload, as received
	headerText   string // the header's base64url text
	header       header
	payload      []byte
	sig          []byte
	claims       wireClaims
	// claimsErr is a claim of the wrong type: reported only after the
	// signature verified, so claim problems never precede it.
	claimsErr error
	scratch   *[]byte
}

// headerMemo is the last header that verified, decoded. Clerk signs every
// token of a key with the same header, so most tokens skip decoding it;
// decoding is a pure function of the text, so the memo cannot change any
// outcome.
type headerMemo struct {
	text string
	h    header
}

// scratchPool recycles the buffer holding a token's bytes and its decoded
// header and signature.
var scratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

const maxPooledScratch = 8 << 10

// release returns the scratch buffer; signingInput and sig die with it.
func (t *token) release() {
	if t.scratch != nil && cap(*t.scratch) <= maxPooledScratch {
		scratchPool.Put(t.scratch)
	}
	t.scratch, t.signingInput, t.sig = nil, nil, nil
}

// decodeToken runs rule 1 into t: three base64url parts, header and payload
// JSON objects. memo, if not nil, is a header known to decode. Errors are
// token-invalid and never quote the token. The caller must call t.release.
func decodeToken(s string, t *token, memo *headerMemo) error {
	if len(s) > maxTokenLen {
		return invalid("token is longer than 16 KiB")
	}
	// IndexByte is vectorised; LastIndexByte is not.
	i := strings.IndexByte(s, '.')
	j := -1
	if i >= 0 {
		if k := strings.IndexByte(s[i+1:], '.'); k >= 0 {
			j = i + 1 + k
		}
	}
	if j < 0 || strings.IndexByte(s[j+1:], '.') >= 0 {
		return invalid("token does not have three parts")
	}
	// The scratch buffer holds the token's bytes, then the decoded header
	// and signature; the payload gets its own allocation.
	need := len(s) + i + len(s) - j
	t.scratch = scratchPool.Get().(*[]byte)
	if cap(*t.scratch) < need {
		*t.scratch = make([]byte, need)
	}
	mem := (*t.scratch)[:need]
	raw, buf := mem[:len(s):len(s)], mem[len(s):]
	copy(raw, s)
	t.signingInput, t.headerText = raw[:j:j], s[:i]
	memoHit := memo != nil && memo.text == t.headerText
	var hdr []byte
	var err error
	if !memoHit {
		if hdr, buf, err = decodePart(buf, raw[:i]); err != nil {
			return invalid("header is not base64url")
		}
	}
	if t.sig, _, err = decodePart(buf, raw[j+1:]); err != nil {
		return invalid("signature is not base64url")
	}
	if t.payload, _, err = decodePart(make([]byte, j-i-1), raw[i+1:j]); err != nil {
		return invalid("payload is not base64url")
	}
	if memoHit {
		t.header = memo.h
	} else if decodeHeader(hdr, &t.header) != nil {
		return invalid("header is not a json object")
	}
	if err := decodeClaims(t.payload, &t.claims); err != nil {
		var te *typeError
		var se *strictError
		switch {
		case errors.As(err, &se):
			t.claimsErr = invalid("payload is not i-json: " + se.what)
		case errors.As(err, &te):
			t.claimsErr = invalid("claim " + te.field + " has the wrong type")
		default:
			return invalid("payload is not a json object")
		}
	}
	return nil
}

// decodeHeader decodes a protected header; any error, an I-JSON violation
// included (two alg or two cat members could mean different things to
// different readers), makes it invalid.
func decodeHeader(b []byte, h *header) error {
	s := scanner{b: b}
	return s.document(func(key []byte) error { return s.headerMember(h, key) })
}

// decodeClaims decodes a payload into w. It fails when payload is not a JSON
// object; an I-JSON violation is a *strictError, and otherwise a claim of
// the wrong type is a *typeError, with the other claims still decoded.
func decodeClaims(payload []byte, w *wireClaims) error {
	s := scanner{b: payload}
	return s.document(func(key []byte) error { return s.claimsMember(w, key) })
}

// decodePart decodes one base64url part into the start of buf and returns
// it (capped) and the unused rest of buf. Up to two trailing '=' are
// tolerated, as Clerk's SDKs do; line breaks (which Go's decoder would
// skip) and non-zero trailing bits are rejected.
func decodePart(buf, p []byte) (part, rest []byte, err error) {
	p = bytes.TrimSuffix(bytes.TrimSuffix(p, []byte("=")), []byte("="))
	want := len(p) * 6 / 8
	if want > len(buf) {
		return nil, nil, errors.New("verifier: base64url part too long")
	}
	n, err := decodeBase64URL(buf, p)
	if err != nil {
		return nil, nil, err
	}
	return buf[:n:n], buf[n:], nil
}

func invalid(detail string) *Error {
	return &Error{Reason: ReasonTokenInvalid, Detail: detail}
}
