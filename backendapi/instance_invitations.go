package backendapi

import (
	"context"
	"net/http"
)

// Invitation is an invitation to sign up to the instance. PublicMetadata is
// nil when Clerk sent null; Revoked is nil when Clerk omitted it.
type Invitation struct {
	Object         string         `json:"object"`
	ID             string         `json:"id"`
	EmailAddress   string         `json:"email_address"`
	PublicMetadata map[string]any `json:"public_metadata"`
	Revoked        *bool          `json:"revoked,omitempty"`
	Status         string         `json:"status"`
	URL            *string        `json:"url"`
	CreatedAt      int64          `json:"created_at"`
	UpdatedAt      int64          `json:"updated_at"`
}

// InvitationList is a page of invitations; see [List].
type InvitationList = List[Invitation]

// CreateInvitationParams is the body of [InvitationsService.Create]. Nil
// optional fields are not sent; PublicMetadata is sent with its keys as given.
type CreateInvitationParams struct {
	EmailAddress   string         `json:"email_address"`
	RedirectURL    *string        `json:"redirect_url,omitempty"`
	PublicMetadata map[string]any `json:"public_metadata,omitzero"`
}

// InvitationsService manages instance invitations. Its methods are safe for
// concurrent use.
type InvitationsService service

// List returns the instance's invitations.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Invitations#operation/ListInvitations
func (s *InvitationsService) List(ctx context.Context) (*InvitationList, error) {
	return call[InvitationList](ctx, s.client, newRequest(http.MethodGet, "invitations"))
}

// Create invites an email address to sign up.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Invitations#operation/CreateInvitation
func (s *InvitationsService) Create(ctx context.Context, params *CreateInvitationParams) (*Invitation, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[Invitation](ctx, s.client, newRequest(http.MethodPost, "invitations").withBody(params))
}

// Revoke revokes a pending invitation.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Invitations#operation/RevokeInvitation
func (s *InvitationsService) Revoke(ctx context.Context, id string) (*Invitation, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	return call[Invitation](ctx, s.client, newRequest(http.MethodPost, "invitations", id, "revoke"))
}
