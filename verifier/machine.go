package verifier

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// TokenKind is the kind of a token [Verifier.VerifyToken] verifies.
type TokenKind uint8

// The token kinds. KindUnknown is never accepted.
const (
	KindUnknown TokenKind = iota // not a kind any path verifies (a JWT template token, say)
	KindSession                  // a Clerk session token (JWT)
	KindM2M                      // a machine-to-machine token: mt_… or a JWT with the M2M category or an mch_ subject
	KindAPIKey                   // an API key: ak_…
	KindOAuth                    // an OAuth access token: oat_… or a JWT with typ at+jwt
)

func (k TokenKind) String() string {
	switch k {
	case KindSession:
		return "session"
	case KindM2M:
		return "m2m"
	case KindAPIKey:
		return "api key"
	case KindOAuth:
		return "oauth"
	}
	return "unknown"
}

// The opaque-token prefixes Clerk issues (@clerk/backend's M2M_TOKEN_PREFIX,
// API_KEY_PREFIX and OAUTH_TOKEN_PREFIX).
const (
	prefixM2M    = "mt_"
	prefixAPIKey = "ak_"
	prefixOAuth  = "oat_"
)

// OpaqueKind tells an opaque machine token apart by its prefix: mt_ (M2M),
// ak_ (API key) or oat_ (OAuth). Anything else, JWTs included, is
// KindUnknown. It verifies nothing.
func OpaqueKind(token string) TokenKind {
	switch {
	case strings.HasPrefix(token, prefixM2M):
		return KindM2M
	case strings.HasPrefix(token, prefixAPIKey):
		return KindAPIKey
	case strings.HasPrefix(token, prefixOAuth):
		return KindOAuth
	}
	return KindUnknown
}

// Machine is the identity a verified machine token speaks for. Values
// returned by the verifier are shared and read-only.
type Machine struct {
	// ID is the token's id (mt_…, ak_…, oat_…), or a JWT's jti ("" without).
	ID string
	// Subject is whom the token speaks for: mch_… (a machine), user_… or org_….
	Subject string
	// Name is the API key's or OAuth application's name, when known.
	Name string
	// Scopes are the scopes granted: the machine ids an M2M token may
	// call, an API key's scopes, or the OAuth scopes.
	Scopes []string
	// Claims is a JSON object: the token's custom claims (opaque M2M
	// tokens and API keys), or a JWT's whole payload as signed. Nil when
	// there are none.
	Claims json.RawMessage
	// Expiration is when the token expires, Unix seconds; 0 means never.
	Expiration int64
	// ClientID is the OAuth application's client id (OAuth only).
	ClientID string
	// CreatedAt is when the token was created, Unix seconds; 0 when unknown.
	CreatedAt int64
	// JWT is true for a JWT verified locally, false for an opaque token
	// the Backend API vouched for.
	JWT bool
}

// OpaqueVerifier verifies an opaque machine token with Clerk (the Backend
// API's verify endpoints). It returns the identity, or an error: an
// [*Error] with [ReasonTokenInvalid] or [ReasonExpired] for a token Clerk
// refuses, any other error for an outage. Implementations must be safe for
// concurrent use and must not put the token in their errors.
type OpaqueVerifier interface {
	VerifyOpaque(ctx context.Context, kind TokenKind, token string) (*Machine, error)
}

// VerifyTokenOptions are the per-call settings of [Verifier.VerifyToken].
type VerifyTokenOptions struct {
	// Accepts lists the kinds accepted; empty means KindSession only. A
	// token of another kind fails with [ReasonTokenTypeMismatch].
	Accepts []TokenKind
	// AuthorizedParties and AcceptPending apply to session tokens, as in
	// [VerifyOptions]; machine tokens carry no azp or sts.
	AuthorizedParties []string
	AcceptPending     bool
	// Opaque verifies opaque tokens (mt_, ak_, oat_). Nil means opaque
	// tokens of an accepted kind fail with [ReasonKeyMissing]: there is no
	// way to verify them.
	Opaque OpaqueVerifier
}

// TokenResult is a verified token: its kind and either Claims (a session
// token) or Machine (every other kind).
type TokenResult struct {
	Kind    TokenKind
	Claims  *Claims
	Machine *Machine
}

// VerifyToken verifies a session or machine token of a kind opts accepts.
//
//  1. An opaque token (by prefix) of an accepted kind is verified through
//     opts.Opaque, its successes cached for [Config.OpaqueCacheTTL].
//  2. With sessions accepted, a JWT goes through [Verifier.VerifyWithOptions]
//     first, so session tokens cost what they cost there.
//  3. Otherwise (or when that says the JWT is not a session token) the JWT
//     is verified as a machine JWT: same keys and signature rules, then
//     classified (typ at+jwt: OAuth; cat M2M or sub mch_: M2M, never with
//     the session category), then exp (required), nbf, iat, sub (required)
//     and iss (required for OAuth, checked when present for M2M).
//
// Machine JWTs are not checked against audiences or authorized parties: an
// M2M JWT's aud names the machines it may call and carries no azp, as in
// @clerk/backend; callers check [Machine.Scopes].
func (v *Verifier) VerifyToken(ctx context.Context, token string, opts VerifyTokenOptions) (*TokenResult, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	accepts := opts.Accepts
	if len(accepts) == 0 {
		accepts = sessionOnly
	}
	if kind := OpaqueKind(token); kind != KindUnknown {
		if !slices.Contains(accepts, kind) {
			return nil, mismatch(kind)
		}
		m, err := v.verifyOpaque(ctx, kind, token, opts.Opaque)
		if err != nil {
			return nil, err
		}
		return &TokenResult{Kind: kind, Machine: m}, nil
	}
	if slices.Contains(accepts, KindSession) && !(acceptsMachineJWT(accepts) && machineHeader(token)) {
		c, err := v.VerifyWithOptions(ctx, token, VerifyOptions{AuthorizedParties: opts.AuthorizedParties, AcceptPending: opts.AcceptPending})
		if err == nil {
			return &TokenResult{Kind: KindSession, Claims: c}, nil
		}
		// Not a session token: a machine JWT fails the session path with
		// token-type-mismatch, an at+jwt one with token-invalid (its typ).
		switch r := ReasonOf(err); {
		case r == ReasonTokenTypeMismatch && acceptsMachineJWT(accepts):
		case r == ReasonTokenInvalid && slices.Contains(accepts, KindOAuth):
		default:
			return nil, err
		}
	}
	return v.verifyMachineJWT(ctx, token, accepts)
}

var sessionOnly = []TokenKind{KindSession}

// PeekKind guesses token's kind without verifying anything: the opaque
// kind by prefix ([OpaqueKind]), KindM2M or KindOAuth for a JWT whose
// protected header carries the M2M category or typ at+jwt, and KindUnknown
// otherwise (a session token, or an M2M JWT known only by its mch_
// subject). It only picks a verification path, as [Verifier.VerifyToken]
// does: the path then decides on verified data. It never panics.
func PeekKind(token string) TokenKind {
	if k := OpaqueKind(token); k != KindUnknown {
		return k
	}
	return machineHeaderKind(token)
}

// machineHeader reports whether token's protected header, decoded without
// verifying anything, marks a machine JWT (the M2M category, or typ
// at+jwt), so that a call accepting sessions and machines sends it
// straight to the machine path instead of verifying its signature twice.
// It only picks the path: the machine path decides, on verified data.
func machineHeader(token string) bool { return machineHeaderKind(token) != KindUnknown }

func machineHeaderKind(token string) TokenKind {
	i := strings.IndexByte(token, '.')
	if i <= 0 || i > 1024 {
		return KindUnknown
	}
	var buf [768]byte
	n, err := decodeBase64URL(buf[:], []byte(token[:i]))
	if err != nil {
		return KindUnknown
	}
	var h header
	if decodeHeader(buf[:n], &h) != nil {
		return KindUnknown
	}
	switch {
	case h.Typ == "at+jwt" || h.Typ == "application/at+jwt":
		return KindOAuth
	case h.Cat == categoryMachine:
		return KindM2M
	}
	return KindUnknown
}

func acceptsMachineJWT(accepts []TokenKind) bool {
	return slices.Contains(accepts, KindM2M) || slices.Contains(accepts, KindOAuth)
}

func mismatch(kind TokenKind) *Error {
	return &Error{Reason: ReasonTokenTypeMismatch, Detail: "token is " + kind.String() + ", not an accepted kind"}
}

// verifyMachineJWT verifies a JWT on the machine path, through its own
// decision cache (so nothing verified here is served to the session path,
// and a hit re-checks the kind against this call's accepts).
func (v *Verifier) verifyMachineJWT(ctx context.Context, s string, accepts []TokenKind) (*TokenResult, error) {
	if v.keys == nil {
		return nil, &Error{Reason: ReasonKeyMissing, Detail: "no inline key and no secret key configured"}
	}
	now := v.cfg.Now()
	if v.machineCache != nil {
		if e := v.machineCache.get(s); e != nil && v.keys.current(e.kid) == e.key {
			if !slices.Contains(accepts, e.kind) {
				return nil, mismatch(e.kind)
			}
			if err := checkTimes(e.claims, now, v.cfg.ClockSkew); err != nil {
				return nil, err
			}
			return &TokenResult{Kind: e.kind, Machine: e.machine}, nil
		}
	}
	e, err := v.machineJWTFull(ctx, s, now, accepts)
	if err != nil {
		return nil, err
	}
	if v.machineCache != nil {
		v.machineCache.put(s, e)
	}
	return &TokenResult{Kind: e.kind, Machine: e.machine}, nil
}

// machineJWTFull runs the machine-JWT rules, numbered as the session
// rules they mirror (rules.go).
func (v *Verifier) machineJWTFull(ctx context.Context, s string, now time.Time, accepts []TokenKind) (*cacheEntry, error) {
	// 1. Three base64url parts; header and payload JSON objects.
	var t token
	defer t.release()
	memo := v.machineHdrMemo.Load()
	if err := decodeToken(s, &t, memo); err != nil {
		return nil, err
	}
	// 2. typ (JWT, or at+jwt for OAuth only), alg, crit.
	h := t.header
	oauthTyp := h.Typ == "at+jwt" || h.Typ == "application/at+jwt"
	if oauthTyp {
		h.Typ = "JWT"
	}
	hash, err := checkHeader(&h)
	if err != nil {
		return nil, err
	}
	// 3. The key, 4. the signature, before any claim is looked at.
	key, err := v.keys.key(ctx, h.Kid)
	if err != nil {
		return nil, err
	}
	if !key.allows(h.Alg) {
		return nil, &Error{Reason: ReasonInvalidAlgorithm, Detail: "alg " + h.Alg + " does not match the key"}
	}
	if err := verifySignature(key.pub, hash, t.signingInput, t.sig); err != nil {
		return nil, err
	}
	// 5. The kind, and whether this call accepts it.
	kind := machineJWTKind(oauthTyp, h.Cat, t.claims.Sub)
	// KindUnknown (a JWT template token, an unknown cat) is refused even
	// when accepts names it: it is the zero TokenKind, so a caller's
	// unmapped setting must not let such tokens in as machines.
	if kind == KindUnknown || kind == KindSession || !slices.Contains(accepts, kind) {
		return nil, mismatch(kind)
	}
	// 6. Strict claims, exp (required), nbf, iat, sub (required).
	if t.claimsErr != nil {
		return nil, t.claimsErr
	}
	if !t.claims.Exp.Present {
		return nil, invalid("exp is missing")
	}
	c := t.claims.toClaims(t.payload)
	if err := checkTimes(c, now, v.cfg.ClockSkew); err != nil {
		return nil, err
	}
	if c.UserID == "" {
		return nil, invalid("sub is missing")
	}
	// 8. Issuer: required on OAuth JWTs (RFC 9068), checked when present on M2M.
	if c.Issuer != "" || kind == KindOAuth {
		if err := v.checkIssuer(c.Issuer); err != nil {
			return nil, err
		}
	}
	m, err := machineFromJWT(c, &t.claims.Machine, t.claims.MachineBad)
	if err != nil {
		return nil, err
	}
	if memo == nil || memo.text != t.headerText {
		v.machineHdrMemo.Store(&headerMemo{text: strings.Clone(t.headerText), h: t.header})
	}
	return &cacheEntry{claims: c, key: key, kid: h.Kid, kind: kind, machine: m}, nil
}

// machineJWTKind classifies a verified JWT for the machine path. An M2M
// JWT carries the M2M category, or an mch_ subject with no category (or
// the category-less marker); the session and template categories are
// never machine tokens. typ at+jwt marks an OAuth JWT, which must not
// carry a session, template or M2M category.
func machineJWTKind(oauthTyp bool, cat tokenCategory, sub string) TokenKind {
	switch {
	case oauthTyp:
		if cat == categorySession || cat == categoryTemplate || cat == categoryMachine {
			return KindUnknown
		}
		return KindOAuth
	case cat == categoryMachine:
		return KindM2M
	case (cat == categoryAbsent || cat == categoryIgnore) && strings.HasPrefix(sub, machineSubjectPrefix):
		return KindM2M
	case sessionCategories.has(cat):
		return KindSession
	}
	return KindUnknown
}

// jwtMachineClaims are the members of a machine JWT the identity needs
// beyond the standard ones.
type jwtMachineClaims struct {
	Jti, Scope, ClientID, Name string
	Scopes                     []string
	HasScopes                  bool
}

// machineMember reads key, one of the machine members, into w, in the
// claims' own pass over the payload. A value of the wrong type sets *bad
// instead of the claims' type error: to a session token these are unknown
// claims, and only the machine path refuses them (as token-invalid).
func (s *scanner) machineMember(w *jwtMachineClaims, bad *bool, key []byte) error {
	outer := s.typeErr
	s.typeErr = nil
	var err error
	switch string(key) {
	case "jti":
		err = s.strField(&w.Jti, "jti")
	case "scope":
		err = s.strField(&w.Scope, "scope")
	case "client_id":
		err = s.strField(&w.ClientID, "client_id")
	case "name":
		err = s.strField(&w.Name, "name")
	case "scopes":
		w.HasScopes = true
		if s.peek() == '"' {
			var v string
			err = s.strField(&v, "scopes")
			w.Scopes = strings.Fields(v)
		} else {
			err = s.strSliceField(&w.Scopes, "scopes")
		}
	default:
		err = s.skip()
	}
	if s.typeErr != nil {
		*bad = true
	}
	s.typeErr = outer
	return err
}

// machineFromJWT builds the identity of a verified machine JWT. Scopes are
// the scopes claim (an array, or a space-separated string), else the
// RFC 9068 scope string, else aud.
func machineFromJWT(c *Claims, w *jwtMachineClaims, bad bool) (*Machine, error) {
	if bad {
		return nil, invalid("machine claims have the wrong type")
	}
	m := &Machine{ID: w.Jti, Subject: c.UserID, Name: w.Name, Claims: c.Raw, Expiration: c.ExpiresAt,
		ClientID: w.ClientID, CreatedAt: c.IssuedAt, JWT: true}
	switch {
	case w.HasScopes:
		m.Scopes = w.Scopes
	case w.Scope != "":
		m.Scopes = strings.Fields(w.Scope)
	default:
		m.Scopes = c.Audience
	}
	return m, nil
}
