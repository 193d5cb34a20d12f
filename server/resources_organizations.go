package server

import (
	"context"

	"github.com/authsvc/authsvc/backendapi"
	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// Organization, membership and organization invitation RPCs.

// ListOrganizations lists organizations.
func (s *Server) ListOrganizations(ctx context.Context, req *pb.ListOrganizationsRequest) (*pb.ListOrganizationsResponse, error) {
	return proxy[pb.ListOrganizationsResponse](s, "", func(b *backendapi.Client) (*backendapi.OrganizationList, error) {
		return b.Organizations.List(ctx, listOptions(req.Limit, req.Offset))
	})
}

// CreateOrganization creates an organization.
func (s *Server) CreateOrganization(ctx context.Context, req *pb.CreateOrganizationRequest) (*pb.CreateOrganizationResponse, error) {
	var p backendapi.CreateOrganizationParams
	if err := params(req, &p); err != nil {
		return nil, err
	}
	return proxy[pb.CreateOrganizationResponse](s, "organization", func(b *backendapi.Client) (*backendapi.Organization, error) {
		return b.Organizations.Create(ctx, &p)
	})
}

// GetOrganization returns an organization by id or slug; exactly one of
// the two must be given.
func (s *Server) GetOrganization(ctx context.Context, req *pb.GetOrganizationRequest) (*pb.GetOrganizationResponse, error) {
	key := req.GetOrganizationId()
	switch {
	case key != "" && req.GetSlug() != "":
		return nil, invalidArgument("slug", "give organization_id or slug, not both")
	case key == "":
		key = req.GetSlug()
	}
	if err := requireIDs("organization_id", key); err != nil {
		return nil, err
	}
	return proxy[pb.GetOrganizationResponse](s, "organization", func(b *backendapi.Client) (*backendapi.Organization, error) {
		return b.Organizations.Get(ctx, key)
	})
}

// UpdateOrganization renames an organization.
func (s *Server) UpdateOrganization(ctx context.Context, req *pb.UpdateOrganizationRequest) (*pb.UpdateOrganizationResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId()); err != nil {
		return nil, err
	}
	p := &backendapi.UpdateOrganizationParams{Name: req.Name}
	return proxy[pb.UpdateOrganizationResponse](s, "organization", func(b *backendapi.Client) (*backendapi.Organization, error) {
		return b.Organizations.Update(ctx, req.GetOrganizationId(), p)
	})
}

// UpdateOrganizationMetadata merges metadata into an organization.
func (s *Server) UpdateOrganizationMetadata(ctx context.Context, req *pb.UpdateOrganizationMetadataRequest) (*pb.UpdateOrganizationMetadataResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId()); err != nil {
		return nil, err
	}
	var p backendapi.UpdateOrganizationMetadataParams
	if err := params(req, &p); err != nil {
		return nil, err
	}
	return proxy[pb.UpdateOrganizationMetadataResponse](s, "organization", func(b *backendapi.Client) (*backendapi.Organization, error) {
		return b.Organizations.UpdateMetadata(ctx, req.GetOrganizationId(), &p)
	})
}

// DeleteOrganization deletes an organization.
func (s *Server) DeleteOrganization(ctx context.Context, req *pb.DeleteOrganizationRequest) (*pb.DeleteOrganizationResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId()); err != nil {
		return nil, err
	}
	return proxy[pb.DeleteOrganizationResponse](s, "deleted_object", func(b *backendapi.Client) (*backendapi.DeletedObject, error) {
		return b.Organizations.Delete(ctx, req.GetOrganizationId())
	})
}

// ListOrganizationMemberships lists an organization's members.
func (s *Server) ListOrganizationMemberships(ctx context.Context, req *pb.ListOrganizationMembershipsRequest) (*pb.ListOrganizationMembershipsResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId()); err != nil {
		return nil, err
	}
	return proxy[pb.ListOrganizationMembershipsResponse](s, "", func(b *backendapi.Client) (*backendapi.OrganizationMembershipList, error) {
		return b.Organizations.ListMemberships(ctx, req.GetOrganizationId(), listOptions(req.Limit, req.Offset))
	})
}

// CreateOrganizationMembership adds a user to an organization.
func (s *Server) CreateOrganizationMembership(ctx context.Context, req *pb.CreateOrganizationMembershipRequest) (*pb.CreateOrganizationMembershipResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId()); err != nil {
		return nil, err
	}
	p := &backendapi.CreateOrganizationMembershipParams{UserID: req.GetUserId(), Role: req.GetRole()}
	return proxy[pb.CreateOrganizationMembershipResponse](s, "organization_membership", func(b *backendapi.Client) (*backendapi.OrganizationMembership, error) {
		return b.Organizations.CreateMembership(ctx, req.GetOrganizationId(), p)
	})
}

// UpdateOrganizationMembership changes a member's role.
func (s *Server) UpdateOrganizationMembership(ctx context.Context, req *pb.UpdateOrganizationMembershipRequest) (*pb.UpdateOrganizationMembershipResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId(), "user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	p := &backendapi.UpdateOrganizationMembershipParams{Role: req.GetRole()}
	return proxy[pb.UpdateOrganizationMembershipResponse](s, "organization_membership", func(b *backendapi.Client) (*backendapi.OrganizationMembership, error) {
		return b.Organizations.UpdateMembership(ctx, req.GetOrganizationId(), req.GetUserId(), p)
	})
}

// UpdateOrganizationMembershipMetadata merges metadata into a membership.
func (s *Server) UpdateOrganizationMembershipMetadata(ctx context.Context, req *pb.UpdateOrganizationMembershipMetadataRequest) (*pb.UpdateOrganizationMembershipMetadataResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId(), "user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	var p backendapi.UpdateOrganizationMembershipMetadataParams
	if err := params(req, &p); err != nil {
		return nil, err
	}
	return proxy[pb.UpdateOrganizationMembershipMetadataResponse](s, "organization_membership", func(b *backendapi.Client) (*backendapi.OrganizationMembership, error) {
		return b.Organizations.UpdateMembershipMetadata(ctx, req.GetOrganizationId(), req.GetUserId(), &p)
	})
}

// DeleteOrganizationMembership removes a user from an organization.
func (s *Server) DeleteOrganizationMembership(ctx context.Context, req *pb.DeleteOrganizationMembershipRequest) (*pb.DeleteOrganizationMembershipResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId(), "user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	return proxy[pb.DeleteOrganizationMembershipResponse](s, "deleted_object", func(b *backendapi.Client) (*backendapi.DeletedObject, error) {
		return b.Organizations.DeleteMembership(ctx, req.GetOrganizationId(), req.GetUserId())
	})
}

// ListPendingOrganizationInvitations lists an organization's pending
// invitations.
func (s *Server) ListPendingOrganizationInvitations(ctx context.Context, req *pb.ListPendingOrganizationInvitationsRequest) (*pb.ListPendingOrganizationInvitationsResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId()); err != nil {
		return nil, err
	}
	return proxy[pb.ListPendingOrganizationInvitationsResponse](s, "", func(b *backendapi.Client) (*backendapi.OrganizationInvitationList, error) {
		return b.Organizations.ListPendingInvitations(ctx, req.GetOrganizationId(), listOptions(req.Limit, req.Offset))
	})
}

// CreateOrganizationInvitation invites an email address into an
// organization.
func (s *Server) CreateOrganizationInvitation(ctx context.Context, req *pb.CreateOrganizationInvitationRequest) (*pb.CreateOrganizationInvitationResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId()); err != nil {
		return nil, err
	}
	var p backendapi.CreateOrganizationInvitationParams
	if err := params(req, &p); err != nil {
		return nil, err
	}
	return proxy[pb.CreateOrganizationInvitationResponse](s, "organization_invitation", func(b *backendapi.Client) (*backendapi.OrganizationInvitation, error) {
		return b.Organizations.CreateInvitation(ctx, req.GetOrganizationId(), &p)
	})
}

// RevokeOrganizationInvitation revokes a pending organization invitation.
func (s *Server) RevokeOrganizationInvitation(ctx context.Context, req *pb.RevokeOrganizationInvitationRequest) (*pb.RevokeOrganizationInvitationResponse, error) {
	if err := requireIDs("organization_id", req.GetOrganizationId(), "invitation_id", req.GetInvitationId()); err != nil {
		return nil, err
	}
	p := &backendapi.RevokeOrganizationInvitationParams{RequestingUserID: req.GetRequestingUserId()}
	return proxy[pb.RevokeOrganizationInvitationResponse](s, "organization_invitation", func(b *backendapi.Client) (*backendapi.OrganizationInvitation, error) {
		return b.Organizations.RevokeInvitation(ctx, req.GetOrganizationId(), req.GetInvitationId(), p)
	})
}
