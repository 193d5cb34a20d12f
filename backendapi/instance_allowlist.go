package backendapi

import (
	"context"
	"net/http"
)

// AllowlistIdentifier is an email address, phone number or domain allowed
// to sign up when the instance's allowlist is on.
type AllowlistIdentifier struct {
	Object         string  `json:"object"`
	ID             string  `json:"id"`
	Identifier     string  `json:"identifier"`
	IdentifierType string  `json:"identifier_type"`
	InvitationID   *string `json:"invitation_id,omitempty"`
	CreatedAt      int64   `json:"created_at"`
	UpdatedAt      int64   `json:"updated_at"`
}

// AllowlistIdentifierList is a page of allowlist identifiers; see [List].
type AllowlistIdentifierList = List[AllowlistIdentifier]

// CreateAllowlistIdentifierParams is the body of [AllowlistIdentifiersService.Create].
// Notify nil is not sent (Clerk's default applies); Ptr(false) sends false.
type CreateAllowlistIdentifierParams struct {
	Identifier string `json:"identifier"`
	Notify     *bool  `json:"notify,omitempty"`
}

// AllowlistIdentifiersService manages the instance allowlist. Its methods
// are safe for concurrent use.
type AllowlistIdentifiersService service

// List returns every allowlist identifier.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Allow-list-Block-list#operation/ListAllowlistIdentifiers
func (s *AllowlistIdentifiersService) List(ctx context.Context) (*AllowlistIdentifierList, error) {
	return call[AllowlistIdentifierList](ctx, s.client, newRequest(http.MethodGet, "allowlist_identifiers"))
}

// Create adds an identifier to the allowlist.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Allow-list-Block-list#operation/CreateAllowlistIdentifier
func (s *AllowlistIdentifiersService) Create(ctx context.Context, params *CreateAllowlistIdentifierParams) (*AllowlistIdentifier, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[AllowlistIdentifier](ctx, s.client, newRequest(http.MethodPost, "allowlist_identifiers").withBody(params))
}

// Delete removes an identifier from the allowlist.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Allow-list-Block-list#operation/DeleteAllowlistIdentifier
func (s *AllowlistIdentifiersService) Delete(ctx context.Context, id string) (*DeletedObject, error) {
	return s.client.deleteObject(ctx, "allowlist_identifiers", id)
}
