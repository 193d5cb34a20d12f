package backendapi

import (
	"context"
	"net/http"
)

// Machine tokens: M2M tokens, API keys and OAuth access tokens. Their
// verify endpoints answer 200 with the token's resource, or an error (404
// for a token Clerk does not know or that was revoked or expired, 401/403
// for a secret key that may not verify it). Timestamps are Unix
// milliseconds, as everywhere in the Backend API. Token and Secret fields
// are bearer credentials: do not log them.

// M2MToken is a machine-to-machine token (object "machine_to_machine_token").
// Token is only set when it is created.
type M2MToken struct {
	Object           string         `json:"object"`
	ID               string         `json:"id"`
	Subject          string         `json:"subject"`
	Scopes           []string       `json:"scopes"`
	Claims           map[string]any `json:"claims"`
	Token            string         `json:"token,omitempty"`
	Revoked          bool           `json:"revoked"`
	RevocationReason *string        `json:"revocation_reason"`
	Expired          bool           `json:"expired"`
	Expiration       *int64         `json:"expiration"`
	CreatedAt        int64          `json:"created_at"`
	UpdatedAt        int64          `json:"updated_at"`
}

// CreateM2MTokenParams is the body of [M2MTokensService.Create]. Nil
// fields are not sent; SecondsUntilExpiration nil means the token does not
// expire. TokenFormat is "opaque" (Clerk's default) or "jwt".
type CreateM2MTokenParams struct {
	SecondsUntilExpiration *int64         `json:"seconds_until_expiration,omitempty"`
	Claims                 map[string]any `json:"claims,omitempty"`
	TokenFormat            string         `json:"token_format,omitempty"`
}

// M2MTokensService creates, revokes and verifies M2M tokens. Its methods are
// safe for concurrent use.
type M2MTokensService service

// Create mints an M2M token for the machine the secret key belongs to.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/m2m-tokens/POST/m2m_tokens
func (s *M2MTokensService) Create(ctx context.Context, params *CreateM2MTokenParams) (*M2MToken, error) {
	if params == nil {
		params = &CreateM2MTokenParams{}
	}
	return call[M2MToken](ctx, s.client, newRequest(http.MethodPost, "m2m_tokens").withBody(params))
}

// Revoke revokes an M2M token by id.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/m2m-tokens/POST/m2m_tokens/{m2m_token_id}/revoke
func (s *M2MTokensService) Revoke(ctx context.Context, id string) (*M2MToken, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	return call[M2MToken](ctx, s.client, newRequest(http.MethodPost, "m2m_tokens", id, "revoke").withBody(struct{}{}))
}

// Verify verifies an opaque M2M token (mt_…).
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/m2m-tokens/POST/m2m_tokens/verify
func (s *M2MTokensService) Verify(ctx context.Context, token string) (*M2MToken, error) {
	return call[M2MToken](ctx, s.client, newRequest(http.MethodPost, "m2m_tokens", "verify").withBody(map[string]string{"token": token}))
}

// APIKey is an API key (object "api_key"). Secret is only set when it is
// created.
type APIKey struct {
	Object           string         `json:"object"`
	ID               string         `json:"id"`
	Type             string         `json:"type"`
	Name             string         `json:"name"`
	Subject          string         `json:"subject"`
	Description      *string        `json:"description"`
	Claims           map[string]any `json:"claims"`
	Scopes           []string       `json:"scopes"`
	Secret           string         `json:"secret,omitempty"`
	Revoked          bool           `json:"revoked"`
	RevocationReason *string        `json:"revocation_reason"`
	Expired          bool           `json:"expired"`
	Expiration       *int64         `json:"expiration"`
	CreatedBy        *string        `json:"created_by"`
	LastUsedAt       *int64         `json:"last_used_at"`
	CreatedAt        int64          `json:"created_at"`
	UpdatedAt        int64          `json:"updated_at"`
}

// CreateAPIKeyParams is the body of [APIKeysService.Create]. Name and
// Subject (user_… or org_…) are required.
type CreateAPIKeyParams struct {
	Name                   string         `json:"name"`
	Subject                string         `json:"subject"`
	Description            *string        `json:"description,omitempty"`
	Claims                 map[string]any `json:"claims,omitempty"`
	Scopes                 []string       `json:"scopes,omitempty"`
	SecondsUntilExpiration *int64         `json:"seconds_until_expiration,omitempty"`
}

// APIKeysService creates, revokes and verifies API keys. Its methods are
// safe for concurrent use.
type APIKeysService service

// Create creates an API key; the result's Secret is the key itself.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/api-keys/POST/api_keys
func (s *APIKeysService) Create(ctx context.Context, params *CreateAPIKeyParams) (*APIKey, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[APIKey](ctx, s.client, newRequest(http.MethodPost, "api_keys").withBody(params))
}

// Revoke revokes an API key by id.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/api-keys/POST/api_keys/{apiKeyID}/revoke
func (s *APIKeysService) Revoke(ctx context.Context, id string) (*APIKey, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	return call[APIKey](ctx, s.client, newRequest(http.MethodPost, "api_keys", id, "revoke").withBody(struct{}{}))
}

// Verify verifies an API key (ak_…).
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/api-keys/POST/api_keys/verify
func (s *APIKeysService) Verify(ctx context.Context, secret string) (*APIKey, error) {
	return call[APIKey](ctx, s.client, newRequest(http.MethodPost, "api_keys", "verify").withBody(map[string]string{"secret": secret}))
}

// VerifiedOAuthToken is a verified OAuth access token (object
// "clerk_idp_oauth_access_token").
type VerifiedOAuthToken struct {
	Object     string   `json:"object"`
	ID         string   `json:"id"`
	ClientID   string   `json:"client_id"`
	Type       string   `json:"type"`
	Name       string   `json:"name"`
	Subject    string   `json:"subject"`
	Scopes     []string `json:"scopes"`
	Revoked    bool     `json:"revoked"`
	Expired    bool     `json:"expired"`
	Expiration *int64   `json:"expiration"`
	CreatedAt  int64    `json:"created_at"`
	UpdatedAt  int64    `json:"updated_at"`
}

// OAuthAccessTokensService verifies OAuth access tokens issued by the
// instance's OAuth applications. Its methods are safe for concurrent use.
type OAuthAccessTokensService service

// Verify verifies an opaque OAuth access token (oat_…).
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/oauth-applications/POST/oauth_applications/access_tokens/verify
func (s *OAuthAccessTokensService) Verify(ctx context.Context, accessToken string) (*VerifiedOAuthToken, error) {
	return call[VerifiedOAuthToken](ctx, s.client, newRequest(http.MethodPost, "oauth_applications", "access_tokens", "verify").withBody(map[string]string{"access_token": accessToken}))
}
