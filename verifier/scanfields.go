package verifier

import "encoding/json"

// Typed member readers for the scanner. Each consumes one value. A JSON null
// leaves a string (or v) untouched and sets org_permissions to nil, as
// encoding/json does; for the claims whose type DESIGN rule 6 pins (exp,
// nbf, iat, aud, fva, act, o) null is the wrong type. Any other wrong type
// is a typeError.

func (s *scanner) strField(dst *string, field string) error {
	switch s.peek() {
	case '"':
		v, err := s.strValue()
		if err != nil {
			return err
		}
		*dst = v
		return nil
	case 'n':
		return s.literal("null")
	default:
		return s.mismatch(field)
	}
}

// dateField reads a NumericDate (exp, nbf, iat): present, and a JSON
// integer literal that fits int64. Anything else, null included, is a type
// error: DESIGN rule 6 wants a present date to be an integer.
func (s *scanner) dateField(dst *numericDate, field string) error {
	dst.Present = true
	return s.intField(&dst.N, field)
}

// intField reads a JSON integer literal that fits int64; anything else,
// null included, is a type error.
func (s *scanner) intField(dst *int64, field string) error {
	c := s.peek()
	if c != '-' && (c < '0' || c > '9') {
		return s.mismatch(field)
	}
	tok, isInt, err := s.number()
	if err != nil {
		return err
	}
	n, ok := parseInt64(tok)
	if !isInt || !ok {
		if s.typeErr == nil {
			s.typeErr = &typeError{field: field}
		}
		return nil
	}
	*dst = n
	return nil
}

// parseInt64 parses a JSON integer literal, reporting overflow.
func parseInt64(tok []byte) (int64, bool) {
	neg := len(tok) > 0 && tok[0] == '-'
	if neg {
		tok = tok[1:]
	}
	const limit = uint64(1) << 63
	var u uint64
	if len(tok) <= 18 { // below 10^18 < 2^63: no overflow, no division per digit
		for _, c := range tok {
			u = u*10 + uint64(c-'0')
		}
		if neg {
			return -int64(u), true
		}
		return int64(u), true
	}
	for _, c := range tok {
		if u > (limit-uint64(c-'0'))/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg:
		return int64(-u), true // -u wraps to MinInt64 exactly when u == limit
	case u == limit:
		return 0, false
	default:
		return int64(u), true
	}
}

// intFieldInt reads v: an integer, null leaving it untouched.
func (s *scanner) intFieldInt(dst *int, field string) error {
	if s.peek() == 'n' {
		return s.literal("null")
	}
	n := int64(*dst)
	if err := s.intField(&n, field); err != nil {
		return err
	}
	*dst = int(n)
	return nil
}

func (s *scanner) strSliceField(dst *[]string, field string) error {
	switch s.peek() {
	case 'n':
		*dst = nil
		return s.literal("null")
	case '[':
	default:
		return s.mismatch(field)
	}
	out := make([]string, 0, 4)
	err := s.array(func() error {
		var v string
		err := s.strField(&v, field)
		out = append(out, v)
		return err
	})
	*dst = out
	return err
}

// audField reads aud: a string or an array of strings (RFC 7519 §4.1.3).
// Anything else, null included, is a type error.
func (s *scanner) audField(w *wireClaims) error {
	switch s.peek() {
	case '"':
		v, err := s.strValue()
		w.Aud = []string{v}
		return err
	case '[':
	default:
		return s.mismatch("aud")
	}
	w.Aud = make([]string, 0, 2)
	return s.array(func() error {
		if s.peek() != '"' {
			return s.mismatch("aud")
		}
		v, err := s.strValue()
		w.Aud = append(w.Aud, v)
		return err
	})
}

// fvaField reads fva: an array of exactly two integers (minutes since the
// first and the second factor were verified, -1 for never). Anything else,
// null included, is a type error.
func (s *scanner) fvaField(w *wireClaims) error {
	if s.peek() != '[' {
		return s.mismatch("fva")
	}
	w.HasFva, w.Fva = true, [2]int64{}
	n := 0
	err := s.array(func() error {
		var v int64
		if err := s.intField(&v, "fva"); err != nil {
			return err
		}
		if n < len(w.Fva) {
			w.Fva[n] = v
		}
		n++
		return nil
	})
	if err == nil && n != len(w.Fva) && s.typeErr == nil {
		s.typeErr = &typeError{field: "fva"}
	}
	return err
}

// objectField reads a claim that must be a JSON object (act), keeping its
// text. Anything else, null included, is a type error.
func (s *scanner) objectField(dst *json.RawMessage, field string) error {
	if s.peek() != '{' {
		return s.mismatch(field)
	}
	return s.rawField(dst)
}

func (s *scanner) rawField(dst *json.RawMessage) error {
	s.ws()
	start := s.i
	if err := s.skip(); err != nil {
		return err
	}
	*dst = append(json.RawMessage(nil), s.b[start:s.i]...)
	return nil
}

// claimsMember decodes one payload member into w.
func (s *scanner) claimsMember(w *wireClaims, key []byte) error {
	switch string(key) {
	case "sub":
		return s.strField(&w.Sub, "sub")
	case "sid":
		return s.strField(&w.Sid, "sid")
	case "azp":
		return s.strField(&w.Azp, "azp")
	case "iss":
		return s.strField(&w.Iss, "iss")
	case "iat":
		return s.dateField(&w.Iat, "iat")
	case "nbf":
		return s.dateField(&w.Nbf, "nbf")
	case "exp":
		return s.dateField(&w.Exp, "exp")
	case "v":
		return s.intFieldInt(&w.V, "v")
	case "org_id":
		return s.strField(&w.OrgID, "org_id")
	case "org_slug":
		return s.strField(&w.OrgSlug, "org_slug")
	case "org_role":
		return s.strField(&w.OrgRole, "org_role")
	case "org_permissions":
		return s.strSliceField(&w.OrgPermissions, "org_permissions")
	case "fea":
		return s.strField(&w.Fea, "fea")
	case "pla":
		return s.strField(&w.Pla, "pla")
	case "sts":
		return s.strField(&w.Sts, "sts")
	case "aud":
		return s.audField(w)
	case "fva":
		return s.fvaField(w)
	case "act":
		return s.objectField(&w.Act, "act")
	case "o":
		return s.orgMember(w)
	case "jti", "scope", "client_id", "name", "scopes":
		return s.machineMember(&w.Machine, &w.MachineBad, key)
	default:
		return s.skip()
	}
}

// orgMember reads the v2 o claim, which must be an object; anything else,
// null included, is a type error.
func (s *scanner) orgMember(w *wireClaims) error {
	if s.peek() != '{' {
		return s.mismatch("o")
	}
	if w.O == nil {
		w.O = &wireOrg{}
	}
	o := w.O
	return s.object(func(key []byte) error {
		switch string(key) {
		case "id":
			return s.strField(&o.ID, "o:id")
		case "slg":
			return s.strField(&o.Slg, "o:slg")
		case "rol":
			return s.strField(&o.Rol, "o:rol")
		case "per":
			return s.strField(&o.Per, "o:per")
		case "fpm":
			return s.strField(&o.Fpm, "o:fpm")
		default:
			return s.skip()
		}
	})
}

// headerMember decodes one header member into h.
func (s *scanner) headerMember(h *header, key []byte) error {
	switch string(key) {
	case "alg":
		return s.strField(&h.Alg, "alg")
	case "typ":
		h.HasTyp = true
		return s.strField(&h.Typ, "typ")
	case "kid":
		return s.strField(&h.Kid, "kid")
	case "crit":
		return s.rawField(&h.Crit)
	case "cat":
		return s.catField(h)
	default:
		return s.skip()
	}
}

// catField reads the token category. A string is classified exactly; null
// or any other type is a category of its own (categoryOther), never a
// decoding error, as @clerk/backend treats every cat but undefined.
func (s *scanner) catField(h *header) error {
	if s.peek() != '"' {
		h.Cat = categoryOther
		return s.skip()
	}
	v, err := s.str()
	h.Cat = classifyCategory(string(v))
	return err
}
