package backendapi

import (
	"context"
	"net/http"
	"net/url"
)

// Organization is a Clerk organization. Slug and LogoURL are nil when null.
// PrivateMetadata is omitted by Clerk in some answers and then nil.
type Organization struct {
	Object                string         `json:"object"`
	ID                    string         `json:"id"`
	Name                  string         `json:"name"`
	Slug                  *string        `json:"slug"`
	LogoURL               *string        `json:"logo_url"`
	ImageURL              *string        `json:"image_url"`
	HasImage              bool           `json:"has_image"`
	CreatedBy             *string        `json:"created_by"`
	MembersCount          int64          `json:"members_count"`
	MaxAllowedMemberships int64          `json:"max_allowed_memberships"`
	AdminDeleteEnabled    bool           `json:"admin_delete_enabled"`
	PublicMetadata        map[string]any `json:"public_metadata"`
	PrivateMetadata       map[string]any `json:"private_metadata,omitzero"`
	CreatedAt             int64          `json:"created_at"`
	UpdatedAt             int64          `json:"updated_at"`
}

// OrganizationList is a page of organizations; see [List].
type OrganizationList = List[Organization]

// CreateOrganizationParams is the body of [OrganizationsService.Create].
// Nil optional fields are not sent; metadata is sent with its keys as given.
type CreateOrganizationParams struct {
	Name            string         `json:"name"`
	Slug            *string        `json:"slug,omitempty"`
	CreatedBy       string         `json:"created_by,omitempty"`
	PublicMetadata  map[string]any `json:"public_metadata,omitzero"`
	PrivateMetadata map[string]any `json:"private_metadata,omitzero"`
}

// UpdateOrganizationParams is the body of [OrganizationsService.Update].
// Nil fields are left unchanged.
type UpdateOrganizationParams struct {
	Name *string `json:"name,omitempty"`
}

// UpdateOrganizationMetadataParams is the body of
// [OrganizationsService.UpdateMetadata]. A nil map is not sent; a non-nil
// map (even empty) is sent and Clerk merges it into the stored metadata.
type UpdateOrganizationMetadataParams struct {
	PublicMetadata  map[string]any `json:"public_metadata,omitzero"`
	PrivateMetadata map[string]any `json:"private_metadata,omitzero"`
}

// OrganizationsService manages organizations, their memberships and their
// invitations. Its methods are safe for concurrent use.
type OrganizationsService service

// List returns a page of organizations; nil opts uses Clerk's defaults.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organizations#operation/ListOrganizations
func (s *OrganizationsService) List(ctx context.Context, opts *ListOptions) (*OrganizationList, error) {
	q := url.Values{}
	opts.values(q)
	return call[OrganizationList](ctx, s.client, newRequest(http.MethodGet, "organizations").withQuery(q))
}

// Create creates an organization owned by params.CreatedBy.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organizations#operation/CreateOrganization
func (s *OrganizationsService) Create(ctx context.Context, params *CreateOrganizationParams) (*Organization, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[Organization](ctx, s.client, newRequest(http.MethodPost, "organizations").withBody(params))
}

// Get returns an organization by its id ("org_…") or its slug; both use
// the same path, and the value is path-escaped.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organizations#operation/GetOrganization
func (s *OrganizationsService) Get(ctx context.Context, idOrSlug string) (*Organization, error) {
	return getByID[Organization](ctx, s.client, "organizations", idOrSlug)
}

// Update changes an organization's name. nil params sends an empty object.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organizations#operation/UpdateOrganization
func (s *OrganizationsService) Update(ctx context.Context, id string, params *UpdateOrganizationParams) (*Organization, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	if params == nil {
		params = &UpdateOrganizationParams{}
	}
	return call[Organization](ctx, s.client, newRequest(http.MethodPatch, "organizations", id).withBody(params))
}

// UpdateMetadata merges metadata into an organization's public and private
// metadata. nil params sends an empty object.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organizations#operation/MergeOrganizationMetadata
func (s *OrganizationsService) UpdateMetadata(ctx context.Context, id string, params *UpdateOrganizationMetadataParams) (*Organization, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	if params == nil {
		params = &UpdateOrganizationMetadataParams{}
	}
	req := newRequest(http.MethodPatch, "organizations", id, "metadata").withBody(params)
	return call[Organization](ctx, s.client, req)
}

// Delete deletes an organization. An empty id is [ErrMissingID] (the
// original sent DELETE /organizations).
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Organizations#operation/DeleteOrganization
func (s *OrganizationsService) Delete(ctx context.Context, id string) (*DeletedObject, error) {
	return s.client.deleteObject(ctx, "organizations", id)
}
