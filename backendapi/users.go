package backendapi

import (
	"context"
	"net/http"
	"net/url"
)

// User is a Clerk user. Nullable strings and last_sign_in_at are nil when
// Clerk sent null. The identification slices are empty, not nil, after
// decoding a user that has none.
type User struct {
	Object                string             `json:"object"`
	ID                    string             `json:"id"`
	ExternalID            *string            `json:"external_id"`
	Username              *string            `json:"username"`
	FirstName             *string            `json:"first_name"`
	LastName              *string            `json:"last_name"`
	ProfileImageURL       string             `json:"profile_image_url"`
	ImageURL              string             `json:"image_url"`
	HasImage              bool               `json:"has_image"`
	Gender                string             `json:"gender"`
	Birthday              string             `json:"birthday"`
	PrimaryEmailAddressID *string            `json:"primary_email_address_id"`
	PrimaryPhoneNumberID  *string            `json:"primary_phone_number_id"`
	PrimaryWeb3WalletID   *string            `json:"primary_web3_wallet_id"`
	PasswordEnabled       bool               `json:"password_enabled"`
	TOTPEnabled           bool               `json:"totp_enabled"`
	BackupCodeEnabled     bool               `json:"backup_code_enabled"`
	TwoFactorEnabled      bool               `json:"two_factor_enabled"`
	Banned                bool               `json:"banned"`
	Locked                bool               `json:"locked"`
	PublicMetadata        map[string]any     `json:"public_metadata"`
	PrivateMetadata       map[string]any     `json:"private_metadata"`
	UnsafeMetadata        map[string]any     `json:"unsafe_metadata"`
	EmailAddresses        []*EmailAddress    `json:"email_addresses"`
	PhoneNumbers          []*PhoneNumber     `json:"phone_numbers"`
	Web3Wallets           []*Web3Wallet      `json:"web3_wallets"`
	ExternalAccounts      []*ExternalAccount `json:"external_accounts"`
	LastSignInAt          *int64             `json:"last_sign_in_at"`
	LastActiveAt          *int64             `json:"last_active_at"`
	CreatedAt             int64              `json:"created_at"`
	UpdatedAt             int64              `json:"updated_at"`
}

// ExternalAccount is a user's account at an OAuth provider. The fields keep
// Clerk's wire names: ProviderUserID is provider_user_id (the original
// called it externalId) and AvatarURL is avatar_url (the original's picture).
// ApprovedScopes is one space-separated string.
type ExternalAccount struct {
	Object           string         `json:"object"`
	ID               string         `json:"id"`
	Provider         string         `json:"provider"`
	IdentificationID string         `json:"identification_id"`
	ProviderUserID   string         `json:"provider_user_id"`
	ApprovedScopes   string         `json:"approved_scopes"`
	EmailAddress     string         `json:"email_address"`
	FirstName        string         `json:"first_name"`
	LastName         string         `json:"last_name"`
	AvatarURL        string         `json:"avatar_url"`
	ImageURL         *string        `json:"image_url"`
	Username         *string        `json:"username"`
	PublicMetadata   map[string]any `json:"public_metadata"`
	Label            *string        `json:"label"`
	Verification     *Verification  `json:"verification"`
	CreatedAt        int64          `json:"created_at"`
	UpdatedAt        int64          `json:"updated_at"`
}

// Web3Wallet is a user's Web3 wallet identification.
type Web3Wallet struct {
	Object       string        `json:"object"`
	ID           string        `json:"id"`
	Web3Wallet   string        `json:"web3_wallet"`
	Verification *Verification `json:"verification"`
}

// OAuthAccessToken is a user's access token at an OAuth provider. Token
// and TokenSecret are credentials: do not log them. Scopes is set for
// OAuth 2.0 providers, TokenSecret for OAuth 1.0 ones.
type OAuthAccessToken struct {
	Object            string         `json:"object"`
	ExternalAccountID string         `json:"external_account_id"`
	Provider          string         `json:"provider"`
	Token             string         `json:"token"`
	PublicMetadata    map[string]any `json:"public_metadata"`
	Label             *string        `json:"label"`
	Scopes            []string       `json:"scopes,omitzero"`
	TokenSecret       string         `json:"token_secret,omitempty"`
	ExpiresAt         *int64         `json:"expires_at"`
}

// PasswordVerification is the answer of [UsersService.VerifyPassword] for a
// matching password; a wrong password is an *APIError (422).
type PasswordVerification struct {
	Verified bool `json:"verified"`
}

// DisabledMFA is the answer of [UsersService.DisableMFA].
type DisabledMFA struct {
	UserID string `json:"user_id"`
}

// UserList is a page of users; see [List].
type UserList = List[User]

// OAuthAccessTokenList is the list of a user's OAuth access tokens; see [List].
type OAuthAccessTokenList = List[OAuthAccessToken]

// UserListOptions filters and pages [UsersService.List] and
// [UsersService.Count]. The slice filters are sent as repeated keys
// (email_address=a&email_address=b); nil fields are not sent and set ones
// are sent even when zero. OrderBy is one of created_at, updated_at, with an
// optional + or - prefix.
type UserListOptions struct {
	ListOptions
	EmailAddress []string
	PhoneNumber  []string
	Username     []string
	Web3Wallet   []string
	UserID       []string
	Query        *string
	OrderBy      *string
}

func (o *UserListOptions) query() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	addStrings(q, "email_address", o.EmailAddress)
	addStrings(q, "phone_number", o.PhoneNumber)
	addStrings(q, "username", o.Username)
	addStrings(q, "web3_wallet", o.Web3Wallet)
	addStrings(q, "user_id", o.UserID)
	setString(q, "query", o.Query)
	setString(q, "order_by", o.OrderBy)
	o.ListOptions.values(q)
	return q
}

// CreateUserParams is the body of [UsersService.Create]. Nil fields are not
// sent; metadata maps are sent with their keys as given.
type CreateUserParams struct {
	ExternalID              *string        `json:"external_id,omitempty"`
	EmailAddress            []string       `json:"email_address,omitzero"`
	PhoneNumber             []string       `json:"phone_number,omitzero"`
	Username                *string        `json:"username,omitempty"`
	Password                *string        `json:"password,omitempty"`
	FirstName               *string        `json:"first_name,omitempty"`
	LastName                *string        `json:"last_name,omitempty"`
	SkipPasswordChecks      *bool          `json:"skip_password_checks,omitempty"`
	SkipPasswordRequirement *bool          `json:"skip_password_requirement,omitempty"`
	TOTPSecret              *string        `json:"totp_secret,omitempty"`
	BackupCodes             []string       `json:"backup_codes,omitzero"`
	PublicMetadata          map[string]any `json:"public_metadata,omitzero"`
	PrivateMetadata         map[string]any `json:"private_metadata,omitzero"`
	UnsafeMetadata          map[string]any `json:"unsafe_metadata,omitzero"`
}

// UpdateUserParams is the body of [UsersService.Update]. Nil fields are left
// unchanged; a non-nil metadata map replaces the stored one.
type UpdateUserParams struct {
	ExternalID            *string        `json:"external_id,omitempty"`
	FirstName             *string        `json:"first_name,omitempty"`
	LastName              *string        `json:"last_name,omitempty"`
	Username              *string        `json:"username,omitempty"`
	Password              *string        `json:"password,omitempty"`
	PrimaryEmailAddressID *string        `json:"primary_email_address_id,omitempty"`
	PrimaryPhoneNumberID  *string        `json:"primary_phone_number_id,omitempty"`
	TOTPSecret            *string        `json:"totp_secret,omitempty"`
	BackupCodes           []string       `json:"backup_codes,omitzero"`
	PublicMetadata        map[string]any `json:"public_metadata,omitzero"`
	PrivateMetadata       map[string]any `json:"private_metadata,omitzero"`
	UnsafeMetadata        map[string]any `json:"unsafe_metadata,omitzero"`
}

// UpdateUserMetadataParams is the body of [UsersService.UpdateMetadata]. A
// nil map is not sent; a non-nil one is deep-merged by Clerk.
type UpdateUserMetadataParams struct {
	PublicMetadata  map[string]any `json:"public_metadata,omitzero"`
	PrivateMetadata map[string]any `json:"private_metadata,omitzero"`
	UnsafeMetadata  map[string]any `json:"unsafe_metadata,omitzero"`
}

// verifyPasswordParams is the body of [UsersService.VerifyPassword].
type verifyPasswordParams struct {
	Password string `json:"password"`
}

// UsersService manages users. Its methods are safe for concurrent use.
type UsersService service

// List returns a page of users matching opts; nil opts uses Clerk's
// defaults. See the package documentation on pagination.
//
// Clerk answers GET /v1/users with a bare array, so when it does, List asks
// GET /v1/users/count with the same filters for TotalCount (as @clerk/backend's
// getUserList does): TotalCount is then the number of matching users across
// all pages, never just the page's length. An error of either request is
// List's error.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/GetUserList
func (s *UsersService) List(ctx context.Context, opts *UserListOptions) (*UserList, error) {
	list, err := call[UserList](ctx, s.client, newRequest(http.MethodGet, "users").withQuery(opts.query()))
	if err != nil || !list.bare {
		return list, err
	}
	var filters *UserListOptions
	if opts != nil {
		f := *opts
		f.ListOptions, f.OrderBy = ListOptions{}, nil // the count of every page
		filters = &f
	}
	total, err := s.Count(ctx, filters)
	if err != nil {
		return nil, err
	}
	list.TotalCount = total.TotalCount
	return list, nil
}

// Get returns the user with the given id.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/GetUser
func (s *UsersService) Get(ctx context.Context, id string) (*User, error) {
	return getByID[User](ctx, s.client, "users", id)
}

// Create creates a user. The password and TOTP secret are never part of an
// error.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/CreateUser
func (s *UsersService) Create(ctx context.Context, params *CreateUserParams) (*User, error) {
	if params == nil {
		return nil, errNilParams
	}
	req := newRequest(http.MethodPost, "users").withBody(params)
	req.redact = secretsOf(params.Password, params.TOTPSecret)
	return call[User](ctx, s.client, req)
}

// Update changes a user. nil params sends an empty object.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/UpdateUser
func (s *UsersService) Update(ctx context.Context, id string, params *UpdateUserParams) (*User, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	if params == nil {
		params = &UpdateUserParams{}
	}
	req := newRequest(http.MethodPatch, "users", id).withBody(params)
	req.redact = secretsOf(params.Password, params.TOTPSecret)
	return call[User](ctx, s.client, req)
}

// UpdateMetadata deep-merges metadata into a user's metadata. nil params
// sends an empty object.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/UpdateUserMetadata
func (s *UsersService) UpdateMetadata(ctx context.Context, id string, params *UpdateUserMetadataParams) (*User, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	if params == nil {
		params = &UpdateUserMetadataParams{}
	}
	return call[User](ctx, s.client, newRequest(http.MethodPatch, "users", id, "metadata").withBody(params))
}

// Delete deletes a user.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/DeleteUser
func (s *UsersService) Delete(ctx context.Context, id string) (*DeletedObject, error) {
	return s.client.deleteObject(ctx, "users", id)
}

// Count returns the number of users matching opts (its paging fields are
// sent but Clerk ignores them).
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/GetUsersCount
func (s *UsersService) Count(ctx context.Context, opts *UserListOptions) (*TotalCount, error) {
	return call[TotalCount](ctx, s.client, newRequest(http.MethodGet, "users", "count").withQuery(opts.query()))
}

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

// secretsOf returns the non-nil, non-empty values to redact from errors.
func secretsOf(vs ...*string) []string {
	var out []string
	for _, v := range vs {
		if v != nil && *v != "" {
			out = append(out, *v)
		}
	}
	return out
}
