package backendapi

import (
	"context"
	"net/http"
	"net/url"
)

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
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Users#operation/GetUserList
func (s *UsersService) List(ctx context.Context, opts *UserListOptions) (*UserList, error) {
	return call[UserList](ctx, s.client, newRequest(http.MethodGet, "users").withQuery(opts.query()))
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
