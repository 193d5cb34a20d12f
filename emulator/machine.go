package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Machine tokens: M2M tokens (opaque mt_… or JWT), API keys (ak_…) and
// OAuth access tokens (opaque oat_… or at+jwt), issued and verified at the
// Backend API paths Clerk uses. The emulator's secret key stands for one
// machine, [EmulatorMachineID]: M2M tokens are minted for it. Revoked,
// expired and unknown tokens all answer 404 on verify, as Clerk does.

// EmulatorMachineID is the machine the emulator's secret key belongs to:
// the subject of every M2M token it mints.
const EmulatorMachineID = "mch_emulator0000000000000000000"

// m2mCategory is the cat header Clerk stamps on M2M JWTs.
const m2mCategory = "cl_B7d4PD333AAA"

// machineStore holds the opaque machine tokens by secret and by id. The
// zero value is ready. Every access holds Emulator.mu.
type machineStore struct {
	bySecret map[string]*machineToken
	byID     map[string]*machineToken
}

// machineToken is one opaque token of any kind, in Clerk's JSON names.
type machineToken struct {
	Object           string         `json:"object"`
	ID               string         `json:"id"`
	Type             string         `json:"type,omitempty"`
	Name             string         `json:"name,omitempty"`
	Subject          string         `json:"subject"`
	ClientID         string         `json:"client_id,omitempty"`
	Claims           map[string]any `json:"claims"`
	Scopes           []string       `json:"scopes"`
	Revoked          bool           `json:"revoked"`
	RevocationReason *string        `json:"revocation_reason"`
	Expired          bool           `json:"expired"`
	Expiration       *int64         `json:"expiration"`
	Description      *string        `json:"description,omitempty"` // api keys only
	CreatedBy        *string        `json:"created_by,omitempty"`  // api keys only
	CreatedAt        int64          `json:"created_at"`
	UpdatedAt        int64          `json:"updated_at"`

	secret string
}

// view is t in the shape Clerk answers for its kind: an API key also
// carries description, created_by and last_used_at (null when unset), an
// OAuth access token has no claims or revocation_reason.
func (t *machineToken) view() map[string]any {
	b, _ := json.Marshal(t) // a machineToken always encodes
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	switch t.Object {
	case "api_key":
		m["description"], m["created_by"], m["last_used_at"] = t.Description, t.CreatedBy, nil
	case "clerk_idp_oauth_access_token":
		delete(m, "claims")
		delete(m, "revocation_reason")
	}
	return m
}

func (s *machineStore) add(t *machineToken) {
	if s.bySecret == nil {
		s.bySecret, s.byID = map[string]*machineToken{}, map[string]*machineToken{}
	}
	s.bySecret[t.secret], s.byID[t.ID] = t, t
}

// verify returns a copy of the live token whose secret is secret and whose
// object is object, or nil.
func (s *machineStore) verify(object, secret string, nowMillis int64) *machineToken {
	t := s.bySecret[secret]
	if t == nil || t.Object != object || t.Revoked || (t.Expiration != nil && *t.Expiration <= nowMillis) {
		return nil
	}
	c := *t
	return &c
}

func (s *machineStore) revoke(object, id, reason string, nowMillis int64) *machineToken {
	t := s.byID[id]
	if t == nil || t.Object != object {
		return nil
	}
	t.Revoked, t.UpdatedAt = true, nowMillis
	if reason != "" {
		t.RevocationReason = &reason
	}
	c := *t
	return &c
}

func (e *Emulator) expiry(seconds *int64) (*int64, error) {
	if seconds == nil {
		return nil, nil
	}
	if *seconds <= 0 {
		return nil, errParamValue("seconds_until_expiration", "seconds_until_expiration must be positive")
	}
	exp := e.now().Add(time.Duration(*seconds) * time.Second).UnixMilli()
	return &exp, nil
}

// createM2MTokenRequest is the body of POST /v1/m2m_tokens.
type createM2MTokenRequest struct {
	SecondsUntilExpiration *int64         `json:"seconds_until_expiration"`
	Claims                 map[string]any `json:"claims"`
	TokenFormat            string         `json:"token_format"`
	Scopes                 []string       `json:"scopes"`
}

func (e *Emulator) createM2MToken(_ *http.Request, req *createM2MTokenRequest) (int, any, error) {
	exp, err := e.expiry(req.SecondsUntilExpiration)
	if err != nil {
		return 0, nil, err
	}
	if req.TokenFormat != "" && req.TokenFormat != "opaque" && req.TokenFormat != "jwt" {
		return 0, nil, errParamValue("token_format", "token_format must be opaque or jwt")
	}
	if req.TokenFormat == "jwt" && exp == nil {
		return 0, nil, errParamValue("seconds_until_expiration", "a jwt m2m token needs seconds_until_expiration")
	}
	t, err := e.newM2MToken(req.Claims, req.Scopes, exp, req.TokenFormat == "jwt")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, withToken(t, "token"), nil
}

// newM2MToken mints an M2M token for [EmulatorMachineID]: a JWT with the
// M2M category (jwt, which needs exp), or an opaque mt_… token that the
// verify endpoint knows. The caller holds e.mu.
func (e *Emulator) newM2MToken(claims map[string]any, scopes []string, exp *int64, jwt bool) (*machineToken, error) {
	now := e.nowMillis()
	t := &machineToken{Object: "machine_to_machine_token", ID: newID("mt_"), Subject: EmulatorMachineID,
		Claims: claims, Scopes: nonNil(scopes), Expiration: exp, CreatedAt: now, UpdatedAt: now}
	if !jwt {
		t.secret = newID("mt_")
		e.mach.add(t)
		return t, nil
	}
	var err error
	t.secret, err = e.signM2MJWT(t)
	return t, err
}

// signM2MJWT signs an M2M JWT for t: the M2M category in the header, sub
// the machine, jti the token id, aud the scopes.
func (e *Emulator) signM2MJWT(t *machineToken) (string, error) {
	claims := map[string]any{}
	for k, v := range t.Claims {
		claims[k] = v
	}
	now := e.now().Unix()
	claims["iss"], claims["sub"], claims["jti"] = e.issuer, t.Subject, t.ID
	claims["iat"], claims["nbf"], claims["exp"] = now, now-5, *t.Expiration/1000
	claims["aud"] = t.Scopes
	h := e.header("JWT")
	h["cat"] = m2mCategory
	return e.sign(h, claims)
}

// createAPIKeyRequest is the body of POST /v1/api_keys.
type createAPIKeyRequest struct {
	Name                   string         `json:"name"`
	Subject                string         `json:"subject"`
	Description            *string        `json:"description"`
	Claims                 map[string]any `json:"claims"`
	Scopes                 []string       `json:"scopes"`
	CreatedBy              *string        `json:"created_by"`
	SecondsUntilExpiration *int64         `json:"seconds_until_expiration"`
}

func (e *Emulator) createAPIKey(_ *http.Request, req *createAPIKeyRequest) (int, any, error) {
	switch {
	case req.Name == "":
		return 0, nil, errParamMissing("name")
	case !apiKeySubject(req.Subject):
		return 0, nil, errParamValue("subject", "subject must be a user or organization id")
	}
	exp, err := e.expiry(req.SecondsUntilExpiration)
	if err != nil {
		return 0, nil, err
	}
	t := e.newAPIKey(req.Name, req.Subject, req.Claims, req.Scopes, exp)
	t.Description, t.CreatedBy = req.Description, req.CreatedBy
	return http.StatusOK, withToken(t, "secret"), nil
}

func apiKeySubject(s string) bool {
	return strings.HasPrefix(s, "user_") || strings.HasPrefix(s, "org_")
}

// newAPIKey stores an API key with a fresh ak_… secret. The caller holds e.mu.
func (e *Emulator) newAPIKey(name, subject string, claims map[string]any, scopes []string, exp *int64) *machineToken {
	now := e.nowMillis()
	t := &machineToken{Object: "api_key", ID: newID("ak_"), Type: "api_key", Name: name, Subject: subject,
		Claims: claims, Scopes: nonNil(scopes), Expiration: exp, CreatedAt: now, UpdatedAt: now, secret: newID("ak_")}
	e.mach.add(t)
	return t
}

// verifyMachineToken answers a verify endpoint: the token's resource, or
// 404 when it is unknown, revoked or expired.
func (e *Emulator) verifyMachineToken(object, field string) apiFunc {
	return handle(e, func(_ *http.Request, req *map[string]string) (int, any, error) {
		secret := (*req)[field]
		if secret == "" {
			return 0, nil, errParamMissing(field)
		}
		t := e.mach.verify(object, secret, e.nowMillis())
		if t == nil {
			return 0, nil, errNotFound("token")
		}
		return http.StatusOK, t.view(), nil
	})
}

// revokeRequest is the body of the machine-token revoke endpoints.
type revokeRequest struct {
	RevocationReason string `json:"revocation_reason"`
}

func (e *Emulator) revokeMachineToken(object string) apiFunc {
	return handle(e, func(r *http.Request, req *revokeRequest) (int, any, error) {
		t := e.mach.revoke(object, r.PathValue("id"), req.RevocationReason, e.nowMillis())
		if t == nil {
			return 0, nil, errNotFound(strings.ReplaceAll(object, "_", " "))
		}
		return http.StatusOK, t.view(), nil
	})
}

// MintOAuthAccessToken issues an OAuth access token for subject (user_…)
// from the OAuth application clientID with scopes, valid for ttl: an
// opaque oat_… token that the verify endpoint knows, or (jwt true) an
// at+jwt signed with the instance key. OAuth tokens are minted by Clerk's
// OAuth flow, not the Backend API, so this is a Go helper with no route.
func (e *Emulator) MintOAuthAccessToken(subject, clientID string, scopes []string, ttl time.Duration, jwt bool) (string, error) {
	if ttl <= 0 {
		return "", errors.New("emulator: oauth token ttl must be positive")
	}
	now := e.now()
	exp := now.Add(ttl).UnixMilli()
	t := &machineToken{Object: "clerk_idp_oauth_access_token", ID: newID("oat_"), Type: "oauth_token", Name: "emulator oauth app",
		Subject: subject, ClientID: clientID, Scopes: nonNil(scopes), Expiration: &exp, CreatedAt: now.UnixMilli(), UpdatedAt: now.UnixMilli()}
	if jwt {
		claims := map[string]any{"iss": e.issuer, "sub": subject, "client_id": clientID, "jti": t.ID,
			"scope": strings.Join(scopes, " "), "iat": now.Unix(), "nbf": now.Unix() - 5, "exp": exp / 1000}
		return e.sign(e.header("at+jwt"), claims)
	}
	t.secret = newID("oat_")
	e.mu.Lock()
	defer e.mu.Unlock()
	e.mach.add(t)
	return t.secret, e.saveLocked()
}

// withToken is t as created: its view plus the secret under key.
func withToken(t *machineToken, key string) map[string]any {
	m := t.view()
	m[key] = t.secret
	return m
}

// MintM2MToken mints an M2M token for [EmulatorMachineID] valid for ttl,
// as POST /v1/m2m_tokens does: opaque (mt_…) or, with jwt, a JWT with the
// M2M category. For dev mode and tests that do not go through HTTP.
func (e *Emulator) MintM2MToken(ttl time.Duration, jwt bool) (string, error) {
	if ttl <= 0 {
		return "", errors.New("emulator: m2m token ttl must be positive")
	}
	exp := e.now().Add(ttl).UnixMilli()
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.newM2MToken(nil, nil, &exp, jwt)
	if err != nil {
		return "", err
	}
	if jwt {
		return t.secret, nil
	}
	return t.secret, e.saveLocked()
}

// CreateAPIKey creates an API key named name for subject (user_… or
// org_…) that never expires, as POST /v1/api_keys does, and returns its
// secret (ak_…) and id.
func (e *Emulator) CreateAPIKey(name, subject string) (secret, id string, err error) {
	if name == "" || !apiKeySubject(subject) {
		return "", "", fmt.Errorf("emulator: an api key needs a name and a user or organization subject: %w", ErrRejected)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.newAPIKey(name, subject, nil, nil, nil)
	return t.secret, t.ID, e.saveLocked()
}
