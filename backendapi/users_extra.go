package backendapi

import (
	"context"
	"net/http"
	"net/url"
)

// ListOAuthAccessTokens returns a user's access tokens for one OAuth
// provider, named "oauth_google", "oauth_github", …; the provider is
// path-escaped and required.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/GetOAuthAccessToken
func (s *UsersService) ListOAuthAccessTokens(ctx context.Context, userID, provider string) (*OAuthAccessTokenList, error) {
	if err := requireIDs(userID, provider); err != nil {
		return nil, err
	}
	req := newRequest(http.MethodGet, "users", userID, "oauth_access_tokens", provider)
	return call[OAuthAccessTokenList](ctx, s.client, req)
}

// DisableMFA removes all of a user's second factors.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/DisableMFA
func (s *UsersService) DisableMFA(ctx context.Context, userID string) (*DisabledMFA, error) {
	if err := requireIDs(userID); err != nil {
		return nil, err
	}
	return call[DisabledMFA](ctx, s.client, newRequest(http.MethodDelete, "users", userID, "mfa"))
}

// ListOrganizationMemberships returns a page of a user's organization
// memberships.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/UsersGetOrganizationMemberships
func (s *UsersService) ListOrganizationMemberships(ctx context.Context, userID string, opts *ListOptions) (*OrganizationMembershipList, error) {
	if err := requireIDs(userID); err != nil {
		return nil, err
	}
	q := url.Values{}
	opts.values(q)
	req := newRequest(http.MethodGet, "users", userID, "organization_memberships").withQuery(q)
	return call[OrganizationMembershipList](ctx, s.client, req)
}

// VerifyPassword checks a password against a user's. A match returns
// Verified true; a mismatch is an *APIError (Clerk answers 422). The password
// is redacted from errors. It is never retried after a 5xx, since each
// attempt may count towards Clerk's lockout.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/VerifyPassword
func (s *UsersService) VerifyPassword(ctx context.Context, userID, password string) (*PasswordVerification, error) {
	if err := requireIDs(userID); err != nil {
		return nil, err
	}
	req := newRequest(http.MethodPost, "users", userID, "verify_password").withBody(verifyPasswordParams{Password: password})
	req.redact = []string{password}
	return call[PasswordVerification](ctx, s.client, req)
}

// Ban marks a user as banned, which revokes their sessions and blocks sign-in.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/BanUser
func (s *UsersService) Ban(ctx context.Context, userID string) (*User, error) {
	if err := requireIDs(userID); err != nil {
		return nil, err
	}
	return call[User](ctx, s.client, newRequest(http.MethodPost, "users", userID, "ban"))
}

// Unban removes a user's ban.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/UnbanUser
func (s *UsersService) Unban(ctx context.Context, userID string) (*User, error) {
	if err := requireIDs(userID); err != nil {
		return nil, err
	}
	return call[User](ctx, s.client, newRequest(http.MethodPost, "users", userID, "unban"))
}
