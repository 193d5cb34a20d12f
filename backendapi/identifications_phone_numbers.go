package backendapi

import (
	"context"
	"net/http"
)

// PhoneNumber is a phone number identification of a user. Verification is
// nil when Clerk sent null or no verification.
type PhoneNumber struct {
	Object                  string                `json:"object"`
	ID                      string                `json:"id"`
	PhoneNumber             string                `json:"phone_number"`
	ReservedForSecondFactor bool                  `json:"reserved_for_second_factor"`
	DefaultSecondFactor     bool                  `json:"default_second_factor"`
	Reserved                bool                  `json:"reserved"`
	Verification            *Verification         `json:"verification"`
	LinkedTo                []*IdentificationLink `json:"linked_to"`
	BackupCodes             []string              `json:"backup_codes"`
	CreatedAt               int64                 `json:"created_at"`
	UpdatedAt               int64                 `json:"updated_at"`
}

// CreatePhoneNumberParams is the body of [PhoneNumbersService.Create].
// Nil optional fields are not sent; a set false is sent.
type CreatePhoneNumberParams struct {
	UserID      string `json:"user_id"`
	PhoneNumber string `json:"phone_number"`
	Verified    *bool  `json:"verified,omitempty"`
	Primary     *bool  `json:"primary,omitempty"`
}

// UpdatePhoneNumberParams is the body of [PhoneNumbersService.Update].
// Nil fields are left unchanged.
type UpdatePhoneNumberParams struct {
	Verified *bool `json:"verified,omitempty"`
	Primary  *bool `json:"primary,omitempty"`
}

// PhoneNumbersService manages users' phone numbers. Its methods are safe
// for concurrent use.
type PhoneNumbersService service

// Get returns the phone number with the given id.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Phone-Numbers#operation/GetPhoneNumber
func (s *PhoneNumbersService) Get(ctx context.Context, id string) (*PhoneNumber, error) {
	return getByID[PhoneNumber](ctx, s.client, "phone_numbers", id)
}

// Create adds a phone number to a user.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Phone-Numbers#operation/CreatePhoneNumber
func (s *PhoneNumbersService) Create(ctx context.Context, params *CreatePhoneNumberParams) (*PhoneNumber, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[PhoneNumber](ctx, s.client, newRequest(http.MethodPost, "phone_numbers").withBody(params))
}

// Update changes a phone number's verified and primary flags. nil params
// sends an empty object.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Phone-Numbers#operation/UpdatePhoneNumber
func (s *PhoneNumbersService) Update(ctx context.Context, id string, params *UpdatePhoneNumberParams) (*PhoneNumber, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	if params == nil {
		params = &UpdatePhoneNumberParams{}
	}
	return call[PhoneNumber](ctx, s.client, newRequest(http.MethodPatch, "phone_numbers", id).withBody(params))
}

// Delete removes a phone number.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Phone-Numbers#operation/DeletePhoneNumber
func (s *PhoneNumbersService) Delete(ctx context.Context, id string) (*DeletedObject, error) {
	return s.client.deleteObject(ctx, "phone_numbers", id)
}
