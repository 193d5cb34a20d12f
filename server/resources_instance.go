package server

import (
	"context"

	"github.com/authsvc/authsvc/backendapi"
	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// Instance-wide RPCs: allowlist, invitations, redirect URLs, emails, SMS
// messages, interstitial.

// ListAllowlistIdentifiers lists the allowlist.
func (s *Server) ListAllowlistIdentifiers(ctx context.Context, _ *pb.ListAllowlistIdentifiersRequest) (*pb.ListAllowlistIdentifiersResponse, error) {
	return proxy[pb.ListAllowlistIdentifiersResponse](s, "", func(b *backendapi.Client) (*backendapi.AllowlistIdentifierList, error) {
		return b.AllowlistIdentifiers.List(ctx)
	})
}

// CreateAllowlistIdentifier adds an identifier to the allowlist.
func (s *Server) CreateAllowlistIdentifier(ctx context.Context, req *pb.CreateAllowlistIdentifierRequest) (*pb.CreateAllowlistIdentifierResponse, error) {
	p := &backendapi.CreateAllowlistIdentifierParams{Identifier: req.GetIdentifier(), Notify: req.Notify}
	return proxy[pb.CreateAllowlistIdentifierResponse](s, "allowlist_identifier", func(b *backendapi.Client) (*backendapi.AllowlistIdentifier, error) {
		return b.AllowlistIdentifiers.Create(ctx, p)
	})
}

// DeleteAllowlistIdentifier removes an identifier from the allowlist.
func (s *Server) DeleteAllowlistIdentifier(ctx context.Context, req *pb.DeleteAllowlistIdentifierRequest) (*pb.DeleteAllowlistIdentifierResponse, error) {
	if err := requireIDs("allowlist_identifier_id", req.GetAllowlistIdentifierId()); err != nil {
		return nil, err
	}
	return proxy[pb.DeleteAllowlistIdentifierResponse](s, "deleted_object", func(b *backendapi.Client) (*backendapi.DeletedObject, error) {
		return b.AllowlistIdentifiers.Delete(ctx, req.GetAllowlistIdentifierId())
	})
}

// ListInvitations lists the instance's invitations.
func (s *Server) ListInvitations(ctx context.Context, _ *pb.ListInvitationsRequest) (*pb.ListInvitationsResponse, error) {
	return proxy[pb.ListInvitationsResponse](s, "", func(b *backendapi.Client) (*backendapi.InvitationList, error) {
		return b.Invitations.List(ctx)
	})
}

// CreateInvitation invites an email address to the application.
func (s *Server) CreateInvitation(ctx context.Context, req *pb.CreateInvitationRequest) (*pb.CreateInvitationResponse, error) {
	var p backendapi.CreateInvitationParams
	if err := params(req, &p); err != nil {
		return nil, err
	}
	return proxy[pb.CreateInvitationResponse](s, "invitation", func(b *backendapi.Client) (*backendapi.Invitation, error) {
		return b.Invitations.Create(ctx, &p)
	})
}

// RevokeInvitation revokes a pending invitation.
func (s *Server) RevokeInvitation(ctx context.Context, req *pb.RevokeInvitationRequest) (*pb.RevokeInvitationResponse, error) {
	if err := requireIDs("invitation_id", req.GetInvitationId()); err != nil {
		return nil, err
	}
	return proxy[pb.RevokeInvitationResponse](s, "invitation", func(b *backendapi.Client) (*backendapi.Invitation, error) {
		return b.Invitations.Revoke(ctx, req.GetInvitationId())
	})
}

// ListRedirectUrls lists the redirect URLs.
func (s *Server) ListRedirectUrls(ctx context.Context, _ *pb.ListRedirectUrlsRequest) (*pb.ListRedirectUrlsResponse, error) {
	return proxy[pb.ListRedirectUrlsResponse](s, "", func(b *backendapi.Client) (*backendapi.RedirectURLList, error) {
		return b.RedirectURLs.List(ctx)
	})
}

// GetRedirectUrl returns one redirect URL.
func (s *Server) GetRedirectUrl(ctx context.Context, req *pb.GetRedirectUrlRequest) (*pb.GetRedirectUrlResponse, error) {
	if err := requireIDs("redirect_url_id", req.GetRedirectUrlId()); err != nil {
		return nil, err
	}
	return proxy[pb.GetRedirectUrlResponse](s, "redirect_url", func(b *backendapi.Client) (*backendapi.RedirectURL, error) {
		return b.RedirectURLs.Get(ctx, req.GetRedirectUrlId())
	})
}

// CreateRedirectUrl allows a redirect URL.
func (s *Server) CreateRedirectUrl(ctx context.Context, req *pb.CreateRedirectUrlRequest) (*pb.CreateRedirectUrlResponse, error) {
	p := &backendapi.CreateRedirectURLParams{URL: req.GetUrl()}
	return proxy[pb.CreateRedirectUrlResponse](s, "redirect_url", func(b *backendapi.Client) (*backendapi.RedirectURL, error) {
		return b.RedirectURLs.Create(ctx, p)
	})
}

// DeleteRedirectUrl removes a redirect URL.
func (s *Server) DeleteRedirectUrl(ctx context.Context, req *pb.DeleteRedirectUrlRequest) (*pb.DeleteRedirectUrlResponse, error) {
	if err := requireIDs("redirect_url_id", req.GetRedirectUrlId()); err != nil {
		return nil, err
	}
	return proxy[pb.DeleteRedirectUrlResponse](s, "deleted_object", func(b *backendapi.Client) (*backendapi.DeletedObject, error) {
		return b.RedirectURLs.Delete(ctx, req.GetRedirectUrlId())
	})
}

// CreateEmail sends an email to one of a user's email addresses.
func (s *Server) CreateEmail(ctx context.Context, req *pb.CreateEmailRequest) (*pb.CreateEmailResponse, error) {
	p := &backendapi.CreateEmailParams{FromEmailName: req.GetFromEmailName(), EmailAddressID: req.GetEmailAddressId(), Subject: req.GetSubject(), Body: req.GetBody()}
	return proxy[pb.CreateEmailResponse](s, "email", func(b *backendapi.Client) (*backendapi.Email, error) {
		return b.Emails.Create(ctx, p)
	})
}

// CreateSMSMessage sends a text message to one of a user's phone numbers.
func (s *Server) CreateSMSMessage(ctx context.Context, req *pb.CreateSMSMessageRequest) (*pb.CreateSMSMessageResponse, error) {
	p := &backendapi.CreateSMSMessageParams{PhoneNumberID: req.GetPhoneNumberId(), Message: req.GetMessage()}
	return proxy[pb.CreateSMSMessageResponse](s, "sms_message", func(b *backendapi.Client) (*backendapi.SMSMessage, error) {
		return b.SMSMessages.Create(ctx, p)
	})
}

// GetInterstitial fetches the interstitial page from the Backend API, not
// through GetAuthState's cache.
func (s *Server) GetInterstitial(ctx context.Context, _ *pb.GetInterstitialRequest) (*pb.GetInterstitialResponse, error) {
	b, err := s.backend()
	if err != nil {
		return nil, err
	}
	html, err := b.GetInterstitial(ctx)
	if err != nil {
		return nil, backendStatus(err)
	}
	return &pb.GetInterstitialResponse{Html: html}, nil
}
