package verifier

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// verifyFull runs rules 1 to 9 of DESIGN.md "Verification order and rules"
// on a token the decision cache has not vouched for. It returns the claims
// and the key (and kid) that verified them. Rule 10, the last, depends on
// the call alone and is run by the caller after caching, as on a hit.
func (v *Verifier) verifyFull(ctx context.Context, s string, now time.Time, parties []string) (*Claims, *verKey, string, error) {
	// 1. Three base64url parts; header and payload JSON objects.
	var t token
	defer t.release()
	if err := decodeToken(s, &t, v.hdrMemo.Load()); err != nil {
		return nil, nil, "", err
	}
	// 2. typ, alg, crit.
	hash, err := checkHeader(&t.header)
	if err != nil {
		return nil, nil, "", err
	}
	// 3. The key: inline, or the JWKS key for kid (one shared refresh).
	key, err := v.keys.key(ctx, t.header.Kid)
	if err != nil {
		return nil, nil, "", err
	}
	if !key.allows(t.header.Alg) {
		return nil, nil, "", &Error{Reason: ReasonInvalidAlgorithm, Detail: "alg " + t.header.Alg + " does not match the key"}
	}
	// 4. The signature, before any claim is looked at.
	if err := verifySignature(key.pub, hash, t.signingInput, t.sig); err != nil {
		return nil, nil, "", err
	}
	// 5. Token type: a session category, and no machine subject.
	if err := checkSessionType(t.header.Cat, t.claims.Sub); err != nil {
		return nil, nil, "", err
	}
	// 6. Strict I-JSON and claim types, then exp (required), nbf, iat, sub.
	if t.claimsErr != nil {
		return nil, nil, "", t.claimsErr
	}
	if !t.claims.Exp.Present {
		return nil, nil, "", invalid("exp is missing")
	}
	c := t.claims.toClaims(t.payload)
	if err := checkTimes(c, now, v.cfg.ClockSkew); err != nil {
		return nil, nil, "", err
	}
	if c.UserID == "" {
		return nil, nil, "", invalid("sub is missing")
	}
	// 7. Audience, 8. issuer, 9. authorized party.
	if err := v.checkAudience(c.Audience); err != nil {
		return nil, nil, "", err
	}
	if err := v.checkIssuer(c.Issuer); err != nil {
		return nil, nil, "", err
	}
	if err := checkParty(c.AuthorizedParty, parties); err != nil {
		return nil, nil, "", err
	}
	if m := v.hdrMemo.Load(); m == nil || m.text != t.headerText {
		v.hdrMemo.Store(&headerMemo{text: strings.Clone(t.headerText), h: t.header})
	}
	return c, key, t.header.Kid, nil
}

// checkVerified re-runs, for claims taken from the decision cache, the
// rules that depend on the clock, the configuration or the call: 6 (times),
// 7 (audience), 9 (authorized parties) and 10 (session status).
func (v *Verifier) checkVerified(c *Claims, now time.Time, parties []string, acceptPending bool) error {
	if err := checkTimes(c, now, v.cfg.ClockSkew); err != nil {
		return err
	}
	if err := v.checkAudience(c.Audience); err != nil {
		return err
	}
	if err := checkParty(c.AuthorizedParty, parties); err != nil {
		return err
	}
	return checkSessionStatus(c.SessionStatus, acceptPending)
}

// checkHeader runs rule 2 and returns the hash the algorithm uses.
func checkHeader(h *header) (crypto.Hash, error) {
	if h.HasTyp && h.Typ != "JWT" {
		return 0, invalid("typ is not JWT")
	}
	var hash crypto.Hash
	switch h.Alg {
	case "RS256":
		hash = crypto.SHA256
	case "RS384":
		hash = crypto.SHA384
	case "RS512":
		hash = crypto.SHA512
	default:
		return 0, &Error{Reason: ReasonInvalidAlgorithm, Detail: "alg is not RS256, RS384 or RS512"}
	}
	if len(h.Crit) > 0 {
		return 0, invalid("crit header is not supported")
	}
	return hash, nil
}

func verifySignature(pub *rsa.PublicKey, hash crypto.Hash, signingInput, sig []byte) error {
	var sum []byte
	switch hash {
	case crypto.SHA256:
		d := sha256.Sum256(signingInput)
		sum = d[:]
	case crypto.SHA384:
		d := sha512.Sum384(signingInput)
		sum = d[:]
	default:
		d := sha512.Sum512(signingInput)
		sum = d[:]
	}
	if err := rsa.VerifyPKCS1v15(pub, hash, sum, sig); err != nil {
		return &Error{Reason: ReasonInvalidSignature, Detail: "signature does not verify"}
	}
	return nil
}

// checkTimes runs the exp, nbf and iat rules with skew. Claims are whole
// seconds, so comparing them with the floored Unix seconds of now±skew is
// exact, and no claim value can overflow a time.Time.
func checkTimes(c *Claims, now time.Time, skew time.Duration) error {
	past, future := now.Add(-skew).Unix(), now.Add(skew).Unix()
	if c.ExpiresAt <= past {
		return &Error{Reason: ReasonExpired, Detail: "exp " + itoa(c.ExpiresAt) + " is not after now minus skew"}
	}
	if c.NotBefore > future {
		return &Error{Reason: ReasonNotActiveYet, Detail: "nbf " + itoa(c.NotBefore) + " is after now plus skew"}
	}
	if c.HasIssuedAt && c.IssuedAt > future {
		return &Error{Reason: ReasonIatInFuture, Detail: "iat " + itoa(c.IssuedAt) + " is after now plus skew"}
	}
	return nil
}

// checkAudience runs rule 7: with audiences configured, aud must be present
// and name one of them (an empty array names none). Unconfigured, aud is
// not looked at (its type was checked by rule 6).
func (v *Verifier) checkAudience(aud []string) error {
	if len(v.cfg.Audiences) == 0 {
		return nil
	}
	if len(aud) == 0 {
		return &Error{Reason: ReasonInvalidAudience, Detail: "aud is missing or empty"}
	}
	for _, a := range aud {
		if slices.Contains(v.cfg.Audiences, a) {
			return nil
		}
	}
	return &Error{Reason: ReasonInvalidAudience, Detail: "aud names no configured audience"}
}

// checkSessionStatus runs rule 10: a pending session is refused unless
// accepted. Any other sts (active, absent, or a value Clerk may add) passes.
func checkSessionStatus(sts string, acceptPending bool) error {
	if sts == sessionPending && !acceptPending {
		return &Error{Reason: ReasonSessionPending, Detail: "sts is pending"}
	}
	return nil
}

// sessionPending is the sts of a session with tasks left.
const sessionPending = "pending"

// checkIssuer runs rule 8: an exact configured issuer, or a Clerk-shaped one.
func (v *Verifier) checkIssuer(iss string) error {
	if v.issuers != nil {
		if _, ok := v.issuers[iss]; ok {
			return nil
		}
		return &Error{Reason: ReasonInvalidIssuer, Detail: "iss is not a configured issuer"}
	}
	if !clerkShaped(iss) {
		return &Error{Reason: ReasonInvalidIssuer, Detail: "iss is not an https clerk issuer"}
	}
	return nil
}

// clerkShaped reports whether iss is exactly "https://" and a lower-case host
// clerk.<domain> (at least three labels) or <slug>.clerk.accounts.dev, with
// no port, path, query or user info.
func clerkShaped(iss string) bool {
	host, ok := strings.CutPrefix(iss, "https://")
	if !ok {
		return false
	}
	// The labels are walked in place (this runs for every unseen token, and
	// strings.Split allocated): the first, and the last three, are all the
	// shape looks at.
	var first, last3, last2, last1 string
	n := 0
	for rest := host; ; n++ {
		l, more, found := strings.Cut(rest, ".")
		if !validLabel(l) {
			return false
		}
		if n == 0 {
			first = l
		}
		last3, last2, last1 = last2, last1, l
		if !found {
			n++
			break
		}
		rest = more
	}
	if n >= 3 && first == "clerk" {
		return true
	}
	return n >= 4 && last3 == "clerk" && last2 == "accounts" && last1 == "dev"
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// checkIssuerURL validates a configured issuer: an absolute https URL.
func checkIssuerURL(iss string) error {
	u, err := url.Parse(iss)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return errors.New("not an absolute https url")
	}
	return nil
}

// checkParty runs rule 9.
func checkParty(azp string, parties []string) error {
	if len(parties) == 0 {
		return nil
	}
	if azp == "" {
		return &Error{Reason: ReasonUnauthorizedParty, Detail: "azp is missing"}
	}
	if !slices.Contains(parties, azp) {
		return &Error{Reason: ReasonUnauthorizedParty, Detail: "azp is not an authorized party"}
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
