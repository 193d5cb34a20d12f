package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/authsvc/authsvc/backendapi"
	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// VerifyToken verifies a session or machine token of a kind the request
// accepts (empty accepts: sessions only). Opaque machine tokens go to the
// Backend API (Config.Backend; without it they are FAILED_PRECONDITION),
// with the verifier's short cache of successes in front.
func (s *Server) VerifyToken(ctx context.Context, req *authsvcv1.VerifyTokenRequest) (*authsvcv1.VerifyTokenResponse, error) {
	if err := checkToken(req.GetToken()); err != nil {
		return nil, err
	}
	accepts, err := tokenKinds(req.GetAccepts())
	if err != nil {
		return nil, err
	}
	opts := verifier.VerifyTokenOptions{Accepts: accepts, AuthorizedParties: req.GetAuthorizedParties(), AcceptPending: req.GetAcceptPending()}
	if s.cfg.Backend != nil {
		opts.Opaque = BackendOpaqueVerifier(s.cfg.Backend)
	} else if k := verifier.OpaqueKind(req.GetToken()); k != verifier.KindUnknown && acceptsKind(accepts, k) {
		return nil, errBackendNotConfigured
	}
	res, err := s.cfg.Verifier.VerifyToken(ctx, req.GetToken(), opts)
	if err != nil {
		if verifier.ReasonOf(err) != "" {
			return nil, verifyStatus(err)
		}
		return nil, backendStatus(err)
	}
	if res.Kind == verifier.KindSession {
		v, err := s.claims.verifyResponse(res.Claims)
		if err != nil {
			return nil, verifyStatus(err)
		}
		return &authsvcv1.VerifyTokenResponse{TokenType: authsvcv1.TokenType_TOKEN_TYPE_SESSION, Identity: &authsvcv1.VerifyTokenResponse_Claims{Claims: v.GetClaims()}}, nil
	}
	m, err := machineProto(res.Machine)
	if err != nil {
		return nil, internalError("machine claims")
	}
	return &authsvcv1.VerifyTokenResponse{TokenType: tokenTypeProto(res.Kind), Identity: &authsvcv1.VerifyTokenResponse_Machine{Machine: m}}, nil
}

func acceptsKind(accepts []verifier.TokenKind, k verifier.TokenKind) bool {
	if len(accepts) == 0 {
		return k == verifier.KindSession
	}
	for _, a := range accepts {
		if a == k {
			return true
		}
	}
	return false
}

// tokenKinds converts accepts; an unknown or unspecified type is
// INVALID_ARGUMENT.
func tokenKinds(types []authsvcv1.TokenType) ([]verifier.TokenKind, error) {
	out := make([]verifier.TokenKind, 0, len(types))
	for _, t := range types {
		switch t {
		case authsvcv1.TokenType_TOKEN_TYPE_SESSION:
			out = append(out, verifier.KindSession)
		case authsvcv1.TokenType_TOKEN_TYPE_M2M:
			out = append(out, verifier.KindM2M)
		case authsvcv1.TokenType_TOKEN_TYPE_API_KEY:
			out = append(out, verifier.KindAPIKey)
		case authsvcv1.TokenType_TOKEN_TYPE_OAUTH:
			out = append(out, verifier.KindOAuth)
		default:
			return nil, invalidArgument("accepts", "unknown token type "+t.String())
		}
	}
	return out, nil
}

func tokenTypeProto(k verifier.TokenKind) authsvcv1.TokenType {
	switch k {
	case verifier.KindSession:
		return authsvcv1.TokenType_TOKEN_TYPE_SESSION
	case verifier.KindM2M:
		return authsvcv1.TokenType_TOKEN_TYPE_M2M
	case verifier.KindAPIKey:
		return authsvcv1.TokenType_TOKEN_TYPE_API_KEY
	case verifier.KindOAuth:
		return authsvcv1.TokenType_TOKEN_TYPE_OAUTH
	}
	return authsvcv1.TokenType_TOKEN_TYPE_UNSPECIFIED
}

func machineProto(m *verifier.Machine) (*authsvcv1.MachineIdentity, error) {
	claims, err := jsonStruct(m.Claims)
	if err != nil {
		return nil, err
	}
	return &authsvcv1.MachineIdentity{
		Id: m.ID, Subject: m.Subject, Name: m.Name, Scopes: m.Scopes, Claims: claims,
		Expiration: m.Expiration, ClientId: m.ClientID, CreatedAt: m.CreatedAt, Jwt: m.JWT,
	}, nil
}

// BackendOpaqueVerifier verifies opaque machine tokens with c, the way
// @clerk/backend reads the verify endpoints' answers: 404 (unknown,
// revoked or expired) is token-invalid, 401 is secret-key-invalid (an
// outage of this service, not the caller's fault), and a 200 that still
// says revoked or expired is refused as such. Other errors are returned as
// they are (backendStatus maps them).
func BackendOpaqueVerifier(c *backendapi.Client) verifier.OpaqueVerifier {
	return backendOpaque{c: c}
}

type backendOpaque struct{ c *backendapi.Client }

func (b backendOpaque) VerifyOpaque(ctx context.Context, kind verifier.TokenKind, token string) (*verifier.Machine, error) {
	ctx = withOpaqueBudget(ctx, b.c)
	var (
		m                *verifier.Machine
		revoked, expired bool
		err              error
	)
	switch kind {
	case verifier.KindM2M:
		var t *backendapi.M2MToken
		if t, err = b.c.M2MTokens.Verify(ctx, token); err == nil {
			m = &verifier.Machine{ID: t.ID, Subject: t.Subject, Scopes: t.Scopes, Expiration: millis(t.Expiration), CreatedAt: t.CreatedAt / 1000}
			revoked, expired = t.Revoked, t.Expired
			m.Claims, err = claimsJSON(t.Claims)
		}
	case verifier.KindAPIKey:
		var k *backendapi.APIKey
		if k, err = b.c.APIKeys.Verify(ctx, token); err == nil {
			m = &verifier.Machine{ID: k.ID, Subject: k.Subject, Name: k.Name, Scopes: k.Scopes, Expiration: millis(k.Expiration), CreatedAt: k.CreatedAt / 1000}
			revoked, expired = k.Revoked, k.Expired
			m.Claims, err = claimsJSON(k.Claims)
		}
	case verifier.KindOAuth:
		var o *backendapi.VerifiedOAuthToken
		if o, err = b.c.OAuthAccessTokens.Verify(ctx, token); err == nil {
			m = &verifier.Machine{ID: o.ID, Subject: o.Subject, Name: o.Name, Scopes: o.Scopes, Expiration: millis(o.Expiration), ClientID: o.ClientID, CreatedAt: o.CreatedAt / 1000}
			revoked, expired = o.Revoked, o.Expired
		}
	default:
		return nil, &verifier.Error{Reason: verifier.ReasonTokenTypeMismatch, Detail: "not an opaque machine token"}
	}
	switch {
	case err != nil:
		return nil, opaqueError(err)
	case revoked:
		return nil, &verifier.Error{Reason: verifier.ReasonTokenInvalid, Detail: kind.String() + " token is revoked"}
	case expired:
		return nil, &verifier.Error{Reason: verifier.ReasonExpired, Detail: kind.String() + " token is expired"}
	}
	return m, nil
}

func opaqueError(err error) error {
	var apiErr *backendapi.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.StatusCode {
		case http.StatusNotFound, http.StatusGone, http.StatusBadRequest, http.StatusUnprocessableEntity:
			return &verifier.Error{Reason: verifier.ReasonTokenInvalid, Detail: fmt.Sprintf("clerk answered %d", apiErr.StatusCode)}
		case http.StatusUnauthorized, http.StatusForbidden:
			return &verifier.Error{Reason: verifier.ReasonSecretKeyInvalid, Detail: fmt.Sprintf("clerk answered %d", apiErr.StatusCode)}
		}
	}
	return err
}

// millis converts Clerk's optional Unix milliseconds to Unix seconds (0:
// no expiry).
func millis(ms *int64) int64 {
	if ms == nil {
		return 0
	}
	return *ms / 1000
}

func claimsJSON(c map[string]any) ([]byte, error) {
	if len(c) == 0 {
		return nil, nil
	}
	return json.Marshal(c)
}
