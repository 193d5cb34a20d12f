package verifier

import (
	"math/big"
	"strconv"
	"strings"
)

// toClaims turns verified wire claims into [Claims]. raw is the payload JSON
// exactly as signed. exp, nbf and iat that were absent become 0.
func (w *wireClaims) toClaims(raw []byte) *Claims {
	c := &Claims{
		SessionID:       w.Sid,
		UserID:          w.Sub,
		AuthorizedParty: w.Azp,
		Issuer:          w.Iss,
		Version:         1,
		Raw:             raw,
	}
	c.ExpiresAt, c.NotBefore = w.Exp.N, w.Nbf.N
	c.IssuedAt, c.HasIssuedAt = w.Iat.N, w.Iat.Present
	if len(w.Act) > 0 {
		c.Actor = w.Act
	}
	c.SessionStatus = w.Sts
	if len(w.Aud) > 0 {
		c.Audience = w.Aud
	}
	c.Features, c.Plans = commaLists(w.Fea, w.Pla)
	if w.HasFva {
		c.Reverification = &FactorVerificationAge{FirstFactorMinutes: w.Fva[0], SecondFactorMinutes: w.Fva[1]}
	}
	if w.V < 2 {
		c.OrgID, c.OrgSlug, c.OrgRole, c.OrgPermissions = w.OrgID, w.OrgSlug, w.OrgRole, w.OrgPermissions
		return c
	}
	c.Version = w.V
	if o := w.O; o != nil && o.ID != "" {
		c.OrgID, c.OrgSlug = o.ID, o.Slg
		if o.Rol != "" {
			c.OrgRole = "org:" + o.Rol
		}
		c.OrgPermissions = orgPermissions(w.Fea, o.Per, o.Fpm)
	}
	return c
}

// commaLists splits two comma lists (fea and pla), trimming spaces and
// dropping empty entries; a list with no entries is nil. Both share one
// allocation: this runs for every unseen token.
func commaLists(a, b string) (as, bs []string) {
	if a == "" && b == "" {
		return nil, nil
	}
	buf := make([]string, 0, strings.Count(a, ",")+strings.Count(b, ",")+2)
	buf = appendEntries(buf, a)
	n := len(buf)
	buf = appendEntries(buf, b)
	if n > 0 {
		as = buf[:n:n]
	}
	if len(buf) > n {
		bs = buf[n:len(buf):len(buf)]
	}
	return as, bs
}

func appendEntries(dst []string, list string) []string {
	for list != "" {
		var e string
		e, list, _ = strings.Cut(list, ",")
		if e = strings.TrimSpace(e); e != "" {
			dst = append(dst, e)
		}
	}
	return dst
}

// orgPermissions rebuilds v2 organization permissions the way Clerk's JS SDK
// does: the org-scoped features of fea (entries "scope:feature" whose scope
// contains 'o') are indexed in order; fpm holds one decimal bitmask per such
// feature; bit j (least significant first) grants "org:<feature>:<per[j]>".
// Bits beyond the per list and unparsable masks grant nothing. Masks of any
// width are decoded exactly.
func orgPermissions(fea, per, fpm string) []string {
	if fea == "" || per == "" || fpm == "" {
		return nil
	}
	perms := strings.Split(per, ",")
	masks := strings.Split(fpm, ",")
	var out []string
	for i, feature := range orgFeatures(fea) {
		if i >= len(masks) {
			break
		}
		if feature == "" {
			continue
		}
		for _, j := range setBits(strings.TrimSpace(masks[i]), len(perms)) {
			out = append(out, "org:"+feature+":"+perms[j])
		}
	}
	return out
}

// orgFeatures returns the feature names of the org-scoped entries of fea, in
// order. An entry without a scope keeps its index with an empty name.
func orgFeatures(fea string) []string {
	var out []string
	for _, entry := range strings.Split(fea, ",") {
		scope, name, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !strings.Contains(scope, "o") {
			continue
		}
		if !ok {
			name = ""
		}
		out = append(out, name)
	}
	return out
}

// setBits returns the indexes below limit of the bits set in the decimal
// mask, least significant first. An invalid or negative mask has none.
func setBits(mask string, limit int) []int {
	var out []int
	if u, err := strconv.ParseUint(mask, 10, 64); err == nil {
		for j := 0; j < limit && j < 64; j++ {
			if u&(1<<j) != 0 {
				out = append(out, j)
			}
		}
		return out
	}
	n, ok := new(big.Int).SetString(mask, 10)
	if !ok || n.Sign() < 0 {
		return nil
	}
	for j := 0; j < limit && j < n.BitLen(); j++ {
		if n.Bit(j) == 1 {
			out = append(out, j)
		}
	}
	return out
}
