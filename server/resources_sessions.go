package server

import (
	"context"

	"github.com/authsvc/authsvc/backendapi"
	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// Session, client and sign-in token RPCs.

// ListSessions lists sessions, filtered by client or user.
func (s *Server) ListSessions(ctx context.Context, req *pb.ListSessionsRequest) (*pb.ListSessionsResponse, error) {
	opts := &backendapi.SessionListOptions{ClientID: req.ClientId, UserID: req.UserId}
	return proxy[pb.ListSessionsResponse](s, "", func(b *backendapi.Client) (*backendapi.SessionList, error) {
		return b.Sessions.List(ctx, opts)
	})
}

// GetSession returns one session.
func (s *Server) GetSession(ctx context.Context, req *pb.GetSessionRequest) (*pb.GetSessionResponse, error) {
	if err := requireIDs("session_id", req.GetSessionId()); err != nil {
		return nil, err
	}
	return proxy[pb.GetSessionResponse](s, "session", func(b *backendapi.Client) (*backendapi.Session, error) {
		return b.Sessions.Get(ctx, req.GetSessionId())
	})
}

// RevokeSession revokes a session.
func (s *Server) RevokeSession(ctx context.Context, req *pb.RevokeSessionRequest) (*pb.RevokeSessionResponse, error) {
	if err := requireIDs("session_id", req.GetSessionId()); err != nil {
		return nil, err
	}
	return proxy[pb.RevokeSessionResponse](s, "session", func(b *backendapi.Client) (*backendapi.Session, error) {
		return b.Sessions.Revoke(ctx, req.GetSessionId())
	})
}

// VerifySession checks a session token against a session.
func (s *Server) VerifySession(ctx context.Context, req *pb.VerifySessionRequest) (*pb.VerifySessionResponse, error) {
	if err := requireIDs("session_id", req.GetSessionId(), "token", req.GetToken()); err != nil {
		return nil, err
	}
	return proxy[pb.VerifySessionResponse](s, "session", func(b *backendapi.Client) (*backendapi.Session, error) {
		return b.Sessions.Verify(ctx, req.GetSessionId(), req.GetToken())
	})
}

// CreateSessionToken mints a session token, from a JWT template when one
// is named.
func (s *Server) CreateSessionToken(ctx context.Context, req *pb.CreateSessionTokenRequest) (*pb.CreateSessionTokenResponse, error) {
	if err := requireIDs("session_id", req.GetSessionId()); err != nil {
		return nil, err
	}
	return proxy[pb.CreateSessionTokenResponse](s, "", func(b *backendapi.Client) (*backendapi.Token, error) {
		return b.Sessions.CreateToken(ctx, req.GetSessionId(), req.GetTemplate())
	})
}

// CreateSession creates a session for a user.
func (s *Server) CreateSession(ctx context.Context, req *pb.CreateSessionRequest) (*pb.CreateSessionResponse, error) {
	if err := requireIDs("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	return proxy[pb.CreateSessionResponse](s, "session", func(b *backendapi.Client) (*backendapi.Session, error) {
		return b.Sessions.Create(ctx, &backendapi.CreateSessionParams{UserID: req.GetUserId()})
	})
}

// ListClients lists clients.
func (s *Server) ListClients(ctx context.Context, _ *pb.ListClientsRequest) (*pb.ListClientsResponse, error) {
	return proxy[pb.ListClientsResponse](s, "", func(b *backendapi.Client) (*backendapi.ClerkClientList, error) {
		return b.Clients.List(ctx)
	})
}

// GetClient returns one client.
func (s *Server) GetClient(ctx context.Context, req *pb.GetClientRequest) (*pb.GetClientResponse, error) {
	if err := requireIDs("client_id", req.GetClientId()); err != nil {
		return nil, err
	}
	return proxy[pb.GetClientResponse](s, "client", func(b *backendapi.Client) (*backendapi.ClerkClient, error) {
		return b.Clients.Get(ctx, req.GetClientId())
	})
}

// VerifyClient returns the client a client token belongs to.
func (s *Server) VerifyClient(ctx context.Context, req *pb.VerifyClientRequest) (*pb.VerifyClientResponse, error) {
	if err := requireIDs("token", req.GetToken()); err != nil {
		return nil, err
	}
	return proxy[pb.VerifyClientResponse](s, "client", func(b *backendapi.Client) (*backendapi.ClerkClient, error) {
		return b.Clients.Verify(ctx, req.GetToken())
	})
}

// CreateSignInToken creates a sign-in token for a user.
func (s *Server) CreateSignInToken(ctx context.Context, req *pb.CreateSignInTokenRequest) (*pb.CreateSignInTokenResponse, error) {
	if err := requireIDs("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	p := &backendapi.CreateSignInTokenParams{UserID: req.GetUserId(), ExpiresInSeconds: req.ExpiresInSeconds}
	return proxy[pb.CreateSignInTokenResponse](s, "sign_in_token", func(b *backendapi.Client) (*backendapi.SignInToken, error) {
		return b.SignInTokens.Create(ctx, p)
	})
}

// RevokeSignInToken revokes a pending sign-in token.
func (s *Server) RevokeSignInToken(ctx context.Context, req *pb.RevokeSignInTokenRequest) (*pb.RevokeSignInTokenResponse, error) {
	if err := requireIDs("sign_in_token_id", req.GetSignInTokenId()); err != nil {
		return nil, err
	}
	return proxy[pb.RevokeSignInTokenResponse](s, "sign_in_token", func(b *backendapi.Client) (*backendapi.SignInToken, error) {
		return b.SignInTokens.Revoke(ctx, req.GetSignInTokenId())
	})
}
