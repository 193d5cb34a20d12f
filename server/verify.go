package server

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/types/known/structpb"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/rpcstatus"
	"github.com/authsvc/authsvc/verifier"
)

// MaxTokenBytes is the largest session token VerifySessionToken accepts.
// Clerk's tokens are well under 2 KiB; 8 KiB leaves room for custom claims.
const MaxTokenBytes = rpcstatus.MaxTokenBytes

// VerifySessionToken verifies one session token and returns its claims.
// accept_pending only widens the verifier's AcceptPendingSessions.
func (s *Server) VerifySessionToken(ctx context.Context, req *authsvcv1.VerifySessionTokenRequest) (*authsvcv1.VerifySessionTokenResponse, error) {
	if err := checkToken(req.GetToken()); err != nil {
		return nil, err
	}
	claims, err := s.cfg.Verifier.VerifyWithOptions(ctx, req.GetToken(), verifier.VerifyOptions{
		AuthorizedParties: req.GetAuthorizedParties(),
		AcceptPending:     req.GetAcceptPending(),
	})
	if err != nil {
		return nil, verifyStatus(err)
	}
	resp, err := s.claims.verifyResponse(claims)
	if err != nil {
		return nil, verifyStatus(err)
	}
	return resp, nil
}

func checkToken(token string) error {
	switch {
	case token == "":
		return invalidArgument("token", "required")
	case len(token) > MaxTokenBytes:
		return invalidArgument("token", fmt.Sprintf("longer than %d bytes", MaxTokenBytes))
	}
	return nil
}

// claimsProto converts verified claims to their protobuf form. The raw
// claims and the actor are decoded from the JSON the token carried.
func claimsProto(c *verifier.Claims) (*authsvcv1.Claims, error) {
	pb := &authsvcv1.Claims{
		SessionId:       c.SessionID,
		UserId:          c.UserID,
		AuthorizedParty: c.AuthorizedParty,
		Issuer:          c.Issuer,
		IssuedAt:        c.IssuedAt,
		NotBefore:       c.NotBefore,
		ExpiresAt:       c.ExpiresAt,
		OrgId:           c.OrgID,
		OrgSlug:         c.OrgSlug,
		OrgRole:         c.OrgRole,
		OrgPermissions:  c.OrgPermissions,
		Version:         int32(c.Version),
		SessionStatus:   c.SessionStatus,
		Audience:        c.Audience,
		Features:        c.Features,
		Plans:           c.Plans,
	}
	if r := c.Reverification; r != nil {
		pb.Reverification = &authsvcv1.FactorVerificationAge{FirstFactorMinutes: r.FirstFactorMinutes, SecondFactorMinutes: r.SecondFactorMinutes}
	}
	var err error
	if pb.Raw, err = jsonStruct(c.Raw); err != nil {
		return nil, fmt.Errorf("server: raw claims: %w", err)
	}
	if pb.Actor, err = jsonStruct(c.Actor); err != nil {
		return nil, fmt.Errorf("server: act claim: %w", err)
	}
	return pb, nil
}

// jsonStruct decodes a JSON object into a Struct; empty input gives nil.
// structFromJSON (claimsstruct.go) accepts what protojson does, at a tenth
// of the cost.
func jsonStruct(raw []byte) (*structpb.Struct, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	return structFromJSON(raw)
}
