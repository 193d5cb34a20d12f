package backendapi

import (
	"context"
	"net/http"
	"net/url"
)

// OrganizationInvitation is an invitation to join an organization. Status
// is "pending", "accepted" or "revoked", empty when Clerk omitted it.
type OrganizationInvitation struct {
	Object          string         `json:"object"`
	ID              string         `json:"id"`
	EmailAddress    string         `json:"email_address"`
	Role            string         `json:"role"`
	OrganizationID  string         `json:"organization_id"`
	Status          string         `json:"status,omitempty"`
	PublicMetadata  map[string]any `json:"public_metadata"`
	PrivateMetadata map[string]any `json:"private_metadata,omitzero"`
	CreatedAt       int64          `json:"created_at"`
	UpdatedAt       int64          `json:"updated_at"`
}

// OrganizationInvitationList is a page of organization invitations; see [List].
type OrganizationInvitationList = List[OrganizationInvitation]

// CreateOrganizationInvitationParams is the body of
// [OrganizationsService.CreateInvitation]. Nil optional fields are not sent.
type CreateOrganizationInvitationParams struct {
	InviterUserID  string         `json:"inviter_user_id,omitempty"`
	EmailAddress   string         `json:"email_address"`
	Role           string         `json:"role"`
	PublicMetadata map[string]any `json:"public_metadata,omitzero"`
	RedirectURL    *string        `json:"redirect_url,omitempty"`
}

// RevokeOrganizationInvitationParams is the body of
// [OrganizationsService.RevokeInvitation].
type RevokeOrganizationInvitationParams struct {
	RequestingUserID string `json:"requesting_user_id"`
}

// ListPendingInvitations returns a page of an organization's pending
// invitations.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organization-Invitations#operation/ListPendingOrganizationInvitations
func (s *OrganizationsService) ListPendingInvitations(ctx context.Context, orgID string, opts *ListOptions) (*OrganizationInvitationList, error) {
	if err := requireIDs(orgID); err != nil {
		return nil, err
	}
	q := url.Values{}
	opts.values(q)
	req := newRequest(http.MethodGet, "organizations", orgID, "invitations", "pending").withQuery(q)
	return call[OrganizationInvitationList](ctx, s.client, req)
}

// CreateInvitation invites an email address to an organization.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organization-Invitations#operation/CreateOrganizationInvitation
func (s *OrganizationsService) CreateInvitation(ctx context.Context, orgID string, params *CreateOrganizationInvitationParams) (*OrganizationInvitation, error) {
	if err := requireIDs(orgID); err != nil {
		return nil, err
	}
	if params == nil {
		return nil, errNilParams
	}
	req := newRequest(http.MethodPost, "organizations", orgID, "invitations").withBody(params)
	return call[OrganizationInvitation](ctx, s.client, req)
}

// RevokeInvitation revokes an organization invitation. Both ids are
// required (the original never checked invitationID).
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organization-Invitations#operation/RevokeOrganizationInvitation
func (s *OrganizationsService) RevokeInvitation(ctx context.Context, orgID, invitationID string, params *RevokeOrganizationInvitationParams) (*OrganizationInvitation, error) {
	if err := requireIDs(orgID, invitationID); err != nil {
		return nil, err
	}
	if params == nil {
		return nil, errNilParams
	}
	req := newRequest(http.MethodPost, "organizations", orgID, "invitations", invitationID, "revoke").withBody(params)
	return call[OrganizationInvitation](ctx, s.client, req)
}
