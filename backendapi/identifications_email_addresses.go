package backendapi

import (
	"context"
	"net/http"
)

// EmailAddress is an email address identification of a user. Verification
// is nil when Clerk sent null or no verification.
type EmailAddress struct {
	Object       string                `json:"object"`
	ID           string                `json:"id"`
	EmailAddress string                `json:"email_address"`
	Reserved     bool                  `json:"reserved"`
	Verification *Verification         `json:"verification"`
	LinkedTo     []*IdentificationLink `json:"linked_to"`
	CreatedAt    int64                 `json:"created_at"`
	UpdatedAt    int64                 `json:"updated_at"`
}

// CreateEmailAddressParams is the body of [EmailAddressesService.Create].
// Nil optional fields are not sent; a set false is sent.
type CreateEmailAddressParams struct {
	UserID       string `json:"user_id"`
	EmailAddress string `json:"email_address"`
	Verified     *bool  `json:"verified,omitempty"`
	Primary      *bool  `json:"primary,omitempty"`
}

// UpdateEmailAddressParams is the body of [EmailAddressesService.Update].
// Nil fields are left unchanged.
type UpdateEmailAddressParams struct {
	Verified *bool `json:"verified,omitempty"`
	Primary  *bool `json:"primary,omitempty"`
}

// EmailAddressesService manages users' email addresses. Its methods are
// safe for concurrent use.
type EmailAddressesService service

// Get returns the email address with the given id.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Email-Addresses#operation/GetEmailAddress
func (s *EmailAddressesService) Get(ctx context.Context, id string) (*EmailAddress, error) {
	return getByID[EmailAddress](ctx, s.client, "email_addresses", id)
}

// Create adds an email address to a user.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Email-Addresses#operation/CreateEmailAddress
func (s *EmailAddressesService) Create(ctx context.Context, params *CreateEmailAddressParams) (*EmailAddress, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[EmailAddress](ctx, s.client, newRequest(http.MethodPost, "email_addresses").withBody(params))
}

// Update changes an email address's verified and primary flags. nil params
// sends an empty object.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Email-Addresses#operation/UpdateEmailAddress
func (s *EmailAddressesService) Update(ctx context.Context, id string, params *UpdateEmailAddressParams) (*EmailAddress, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	if params == nil {
		params = &UpdateEmailAddressParams{}
	}
	return call[EmailAddress](ctx, s.client, newRequest(http.MethodPatch, "email_addresses", id).withBody(params))
}

// Delete removes an email address.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Email-Addresses#operation/DeleteEmailAddress
func (s *EmailAddressesService) Delete(ctx context.Context, id string) (*DeletedObject, error) {
	return s.client.deleteObject(ctx, "email_addresses", id)
}
