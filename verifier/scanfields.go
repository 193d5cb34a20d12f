package verifier

import "encoding/json"

// Typed member readers for the scanner. Each consumes one value. A JSON null
// leaves a string or number untouched and sets a slice, pointer or raw value
// as encoding/json does; any other wrong type is a typeError.

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

func (s *scanner) intField(dst *int64, field string) error {
	c := s.peek()
	if c == 'n' {
		return s.literal("null")
	}
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

func (s *scanner) intFieldInt(dst *int, field string) error {
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
		return s.intField(&w.Iat, "iat")
	case "nbf":
		return s.intField(&w.Nbf, "nbf")
	case "exp":
		return s.intField(&w.Exp, "exp")
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
	case "act":
		return s.rawField(&w.Act)
	case "o":
		return s.orgMember(w)
	default:
		return s.skip()
	}
}

func (s *scanner) orgMember(w *wireClaims) error {
	switch s.peek() {
	case 'n':
		w.O = nil
		return s.literal("null")
	case '{':
	default:
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
		return s.strField(&h.Typ, "typ")
	case "kid":
		return s.strField(&h.Kid, "kid")
	case "crit":
		return s.rawField(&h.Crit)
	default:
		return s.skip()
	}
}
