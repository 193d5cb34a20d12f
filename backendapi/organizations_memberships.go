package backendapi

import (
	"context"
	"net/http"
	"net/url"
)

// OrganizationMembership is a user's membership of an organization. Role is
// Clerk's role key, such as "admin", "basic_member" or "org:admin".
type OrganizationMembership struct {
	Object          string                                `json:"object"`
	ID              string                                `json:"id"`
	Role            string                                `json:"role"`
	Permissions     []string                              `json:"permissions"`
	PublicMetadata  map[string]any                        `json:"public_metadata"`
	PrivateMetadata map[string]any                        `json:"private_metadata,omitzero"`
	Organization    *Organization                         `json:"organization"`
	PublicUserData  *OrganizationMembershipPublicUserData `json:"public_user_data"`
	CreatedAt       int64                                 `json:"created_at"`
	UpdatedAt       int64                                 `json:"updated_at"`
}

// OrganizationMembershipPublicUserData is the public part of a member's
// user, embedded in a membership.
type OrganizationMembershipPublicUserData struct {
	Identifier      string  `json:"identifier"`
	FirstName       *string `json:"first_name"`
	LastName        *string `json:"last_name"`
	ProfileImageURL string  `json:"profile_image_url"`
	ImageURL        string  `json:"image_url"`
	HasImage        bool    `json:"has_image"`
	UserID          string  `json:"user_id"`
}

// OrganizationMembershipList is a page of memberships; see [List].
type OrganizationMembershipList = List[OrganizationMembership]

// CreateOrganizationMembershipParams is the body of
// [OrganizationsService.CreateMembership]; both fields are sent.
type CreateOrganizationMembershipParams struct {
	UserID string `json:"user_id"`
	Role   string `json:"role"`
}

// UpdateOrganizationMembershipParams is the body of
// [OrganizationsService.UpdateMembership].
type UpdateOrganizationMembershipParams struct {
	Role string `json:"role"`
}

// UpdateOrganizationMembershipMetadataParams is the body of
// [OrganizationsService.UpdateMembershipMetadata]. A nil map is not sent.
type UpdateOrganizationMembershipMetadataParams struct {
	PublicMetadata  map[string]any `json:"public_metadata,omitzero"`
	PrivateMetadata map[string]any `json:"private_metadata,omitzero"`
}

// ListMemberships returns a page of an organization's memberships.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organization-Memberships#operation/ListOrganizationMemberships
func (s *OrganizationsService) ListMemberships(ctx context.Context, orgID string, opts *ListOptions) (*OrganizationMembershipList, error) {
	if err := requireIDs(orgID); err != nil {
		return nil, err
	}
	q := url.Values{}
	opts.values(q)
	req := newRequest(http.MethodGet, "organizations", orgID, "memberships").withQuery(q)
	return call[OrganizationMembershipList](ctx, s.client, req)
}

// CreateMembership adds a user to an organization with a role.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organization-Memberships#operation/CreateOrganizationMembership
func (s *OrganizationsService) CreateMembership(ctx context.Context, orgID string, params *CreateOrganizationMembershipParams) (*OrganizationMembership, error) {
	if err := requireIDs(orgID); err != nil {
		return nil, err
	}
	if params == nil {
		return nil, errNilParams
	}
	req := newRequest(http.MethodPost, "organizations", orgID, "memberships").withBody(params)
	return call[OrganizationMembership](ctx, s.client, req)
}

// UpdateMembership changes a member's role. Both ids are required (the
// original never checked userID).
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organization-Memberships#operation/UpdateOrganizationMembership
func (s *OrganizationsService) UpdateMembership(ctx context.Context, orgID, userID string, params *UpdateOrganizationMembershipParams) (*OrganizationMembership, error) {
	if err := requireIDs(orgID, userID); err != nil {
		return nil, err
	}
	if params == nil {
		return nil, errNilParams
	}
	req := newRequest(http.MethodPatch, "organizations", orgID, "memberships", userID).withBody(params)
	return call[OrganizationMembership](ctx, s.client, req)
}

// UpdateMembershipMetadata merges metadata into a membership. nil params
// sends an empty object.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organization-Memberships#operation/UpdateOrganizationMembershipMetadata
func (s *OrganizationsService) UpdateMembershipMetadata(ctx context.Context, orgID, userID string, params *UpdateOrganizationMembershipMetadataParams) (*OrganizationMembership, error) {
	if err := requireIDs(orgID, userID); err != nil {
		return nil, err
	}
	if params == nil {
		params = &UpdateOrganizationMembershipMetadataParams{}
	}
	req := newRequest(http.MethodPatch, "organizations", orgID, "memberships", userID, "metadata").withBody(params)
	return call[OrganizationMembership](ctx, s.client, req)
}

// DeleteMembership removes a user from an organization. Clerk answers with
// the removed membership rather than a deletion marker; it is reported as a
// [DeletedObject] with the membership's id and object and Deleted true,
// since a successful answer means the membership is gone.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organization-Memberships#operation/DeleteOrganizationMembership
func (s *OrganizationsService) DeleteMembership(ctx context.Context, orgID, userID string) (*DeletedObject, error) {
	if err := requireIDs(orgID, userID); err != nil {
		return nil, err
	}
	req := newRequest(http.MethodDelete, "organizations", orgID, "memberships", userID)
	d, err := call[DeletedObject](ctx, s.client, req)
	if err != nil {
		return nil, err
	}
	d.Deleted = true
	return d, nil
}
