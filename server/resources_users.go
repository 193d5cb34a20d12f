package server

import (
	"context"

	"github.com/authsvc/authsvc/backendapi"
	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// User RPCs. Every backend call runs on the RPC's context, so the caller's
// deadline bounds it.

// ListUsers lists users matching the request's filters.
func (s *Server) ListUsers(ctx context.Context, req *pb.ListUsersRequest) (*pb.ListUsersResponse, error) {
	opts := &backendapi.UserListOptions{
		ListOptions:  *listOptions(req.Limit, req.Offset),
		EmailAddress: req.GetEmailAddress(), PhoneNumber: req.GetPhoneNumber(), Username: req.GetUsername(),
		Web3Wallet: req.GetWeb3Wallet(), UserID: req.GetUserId(), Query: req.Query, OrderBy: req.OrderBy,
	}
	return proxy[pb.ListUsersResponse](s, "", func(b *backendapi.Client) (*backendapi.UserList, error) {
		return b.Users.List(ctx, opts)
	})
}

// CountUsers counts users matching the request's filters.
func (s *Server) CountUsers(ctx context.Context, req *pb.CountUsersRequest) (*pb.CountUsersResponse, error) {
	opts := &backendapi.UserListOptions{
		EmailAddress: req.GetEmailAddress(), PhoneNumber: req.GetPhoneNumber(), Username: req.GetUsername(),
		Web3Wallet: req.GetWeb3Wallet(), UserID: req.GetUserId(), Query: req.Query,
	}
	return proxy[pb.CountUsersResponse](s, "", func(b *backendapi.Client) (*backendapi.TotalCount, error) {
		return b.Users.Count(ctx, opts)
	})
}

// GetUser returns one user.
func (s *Server) GetUser(ctx context.Context, req *pb.GetUserRequest) (*pb.GetUserResponse, error) {
	if err := requireIDs("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	return proxy[pb.GetUserResponse](s, "user", func(b *backendapi.Client) (*backendapi.User, error) {
		return b.Users.Get(ctx, req.GetUserId())
	})
}

// CreateUser creates a user.
func (s *Server) CreateUser(ctx context.Context, req *pb.CreateUserRequest) (*pb.CreateUserResponse, error) {
	var p backendapi.CreateUserParams
	if err := params(req, &p); err != nil {
		return nil, err
	}
	return proxy[pb.CreateUserResponse](s, "user", func(b *backendapi.Client) (*backendapi.User, error) {
		return b.Users.Create(ctx, &p)
	})
}

// UpdateUser changes the fields the request sets.
func (s *Server) UpdateUser(ctx context.Context, req *pb.UpdateUserRequest) (*pb.UpdateUserResponse, error) {
	if err := requireIDs("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	var p backendapi.UpdateUserParams
	if err := params(req, &p); err != nil {
		return nil, err
	}
	return proxy[pb.UpdateUserResponse](s, "user", func(b *backendapi.Client) (*backendapi.User, error) {
		return b.Users.Update(ctx, req.GetUserId(), &p)
	})
}

// UpdateUserMetadata merges metadata into a user.
func (s *Server) UpdateUserMetadata(ctx context.Context, req *pb.UpdateUserMetadataRequest) (*pb.UpdateUserMetadataResponse, error) {
	if err := requireIDs("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	var p backendapi.UpdateUserMetadataParams
	if err := params(req, &p); err != nil {
		return nil, err
	}
	return proxy[pb.UpdateUserMetadataResponse](s, "user", func(b *backendapi.Client) (*backendapi.User, error) {
		return b.Users.UpdateMetadata(ctx, req.GetUserId(), &p)
	})
}

// DeleteUser deletes a user.
func (s *Server) DeleteUser(ctx context.Context, req *pb.DeleteUserRequest) (*pb.DeleteUserResponse, error) {
	if err := requireIDs("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	return proxy[pb.DeleteUserResponse](s, "deleted_object", func(b *backendapi.Client) (*backendapi.DeletedObject, error) {
		return b.Users.Delete(ctx, req.GetUserId())
	})
}

// ListUserOAuthAccessTokens lists a user's tokens at one OAuth provider.
func (s *Server) ListUserOAuthAccessTokens(ctx context.Context, req *pb.ListUserOAuthAccessTokensRequest) (*pb.ListUserOAuthAccessTokensResponse, error) {
	if err := requireIDs("user_id", req.GetUserId(), "provider", req.GetProvider()); err != nil {
		return nil, err
	}
	return proxy[pb.ListUserOAuthAccessTokensResponse](s, "", func(b *backendapi.Client) (*backendapi.OAuthAccessTokenList, error) {
		return b.Users.ListOAuthAccessTokens(ctx, req.GetUserId(), req.GetProvider())
	})
}

// DisableUserMFA removes a user's second factors.
func (s *Server) DisableUserMFA(ctx context.Context, req *pb.DisableUserMFARequest) (*pb.DisableUserMFAResponse, error) {
	if err := requireIDs("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	return proxy[pb.DisableUserMFAResponse](s, "", func(b *backendapi.Client) (*backendapi.DisabledMFA, error) {
		return b.Users.DisableMFA(ctx, req.GetUserId())
	})
}

// ListUserOrganizationMemberships lists a user's memberships.
func (s *Server) ListUserOrganizationMemberships(ctx context.Context, req *pb.ListUserOrganizationMembershipsRequest) (*pb.ListUserOrganizationMembershipsResponse, error) {
	if err := requireIDs("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	return proxy[pb.ListUserOrganizationMembershipsResponse](s, "", func(b *backendapi.Client) (*backendapi.OrganizationMembershipList, error) {
		return b.Users.ListOrganizationMemberships(ctx, req.GetUserId(), listOptions(req.Limit, req.Offset))
	})
}

// VerifyUserPassword checks a user's password; a mismatch is Clerk's 422,
// so INVALID_ARGUMENT.
func (s *Server) VerifyUserPassword(ctx context.Context, req *pb.VerifyUserPasswordRequest) (*pb.VerifyUserPasswordResponse, error) {
	if err := requireIDs("user_id", req.GetUserId(), "password", req.GetPassword()); err != nil {
		return nil, err
	}
	return proxy[pb.VerifyUserPasswordResponse](s, "", func(b *backendapi.Client) (*backendapi.PasswordVerification, error) {
		return b.Users.VerifyPassword(ctx, req.GetUserId(), req.GetPassword())
	})
}

// BanUser bans a user.
func (s *Server) BanUser(ctx context.Context, req *pb.BanUserRequest) (*pb.BanUserResponse, error) {
	if err := requireIDs("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	return proxy[pb.BanUserResponse](s, "user", func(b *backendapi.Client) (*backendapi.User, error) {
		return b.Users.Ban(ctx, req.GetUserId())
	})
}

// UnbanUser lifts a user's ban.
func (s *Server) UnbanUser(ctx context.Context, req *pb.UnbanUserRequest) (*pb.UnbanUserResponse, error) {
	if err := requireIDs("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	return proxy[pb.UnbanUserResponse](s, "user", func(b *backendapi.Client) (*backendapi.User, error) {
		return b.Users.Unban(ctx, req.GetUserId())
	})
}
