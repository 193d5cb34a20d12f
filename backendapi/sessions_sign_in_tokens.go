package backendapi

import (
	"context"
	"net/http"
)

// SignInToken is a one-time sign-in token for a user. Token is a bearer
// credential: do not log it.
type SignInToken struct {
	Object    string  `json:"object"`
	ID        string  `json:"id"`
	UserID    string  `json:"user_id"`
	Token     string  `json:"token"`
	Status    string  `json:"status"`
	URL       *string `json:"url"`
	CreatedAt int64   `json:"created_at"`
	UpdatedAt int64   `json:"updated_at"`
}

// CreateSignInTokenParams is the body of [SignInTokensService.Create].
// ExpiresInSeconds nil is not sent (Clerk's default, 30 days, applies).
type CreateSignInTokenParams struct {
	UserID           string `json:"user_id"`
	ExpiresInSeconds *int64 `json:"expires_in_seconds,omitempty"`
}

// SignInTokensService manages sign-in tokens. Its methods are safe for
// concurrent use.
type SignInTokensService service

// Create mints a sign-in token for a user.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Sign-in-Tokens#operation/CreateSignInToken
func (s *SignInTokensService) Create(ctx context.Context, params *CreateSignInTokenParams) (*SignInToken, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[SignInToken](ctx, s.client, newRequest(http.MethodPost, "sign_in_tokens").withBody(params))
}

// Revoke revokes a pending sign-in token.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Sign-in-Tokens#operation/RevokeSignInToken
func (s *SignInTokensService) Revoke(ctx context.Context, id string) (*SignInToken, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	return call[SignInToken](ctx, s.client, newRequest(http.MethodPost, "sign_in_tokens", id, "revoke"))
}
