package server

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
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

// claimsProto converts verified claims to their protobuf form, and returns
// its encoding too, written without protobuf-go's reflection over the two
// Structs (structwire.go). The raw claims and the actor are decoded from
// the JSON the token carried. wire is nil when the direct encoder declines;
// the message is complete either way.
func claimsProto(c *verifier.Claims) (pb *authsvcv1.Claims, wire []byte, err error) {
	pb = &authsvcv1.Claims{
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
	// Every field but the two Structs, which are still unset here, into room
	// for them: their encoding is about the size of their JSON. (An error
	// leaves wire nil, and protobuf-go reports it later.)
	if wire, err = (proto.MarshalOptions{}).MarshalAppend(make([]byte, 0, 2*(len(c.Raw)+len(c.Actor))+256), pb); err != nil {
		wire = nil
	}
	if pb.Raw, err = jsonStruct(c.Raw); err != nil {
		return nil, nil, fmt.Errorf("server: raw claims: %w", err)
	}
	if pb.Actor, err = jsonStruct(c.Actor); err != nil {
		return nil, nil, fmt.Errorf("server: act claim: %w", err)
	}
	if wire != nil {
		wire, err = appendStructField(wire, claimsRawNum, pb.Raw)
		if err == nil {
			wire, err = appendStructField(wire, claimsActorNum, pb.Actor)
		}
		if err != nil {
			wire = nil
		}
	}
	return pb, wire, nil
}

// The field numbers the direct encodings write, read from the generated
// descriptors so that a renumbering in auth.proto cannot go unnoticed.
var (
	claimsRawNum       = fieldNum(&authsvcv1.Claims{}, "raw")
	claimsActorNum     = fieldNum(&authsvcv1.Claims{}, "actor")
	verifyClaimsNum    = fieldNum(&authsvcv1.VerifySessionTokenResponse{}, "claims")
	authStateClaimsNum = fieldNum(&authsvcv1.GetAuthStateResponse{}, "claims")
)

// fieldNum is the number of m's field name. The Go code that fills the
// field pins its kind at compile time; only the number is read here.
func fieldNum(m proto.Message, name protoreflect.Name) protowire.Number {
	fd := m.ProtoReflect().Descriptor().Fields().ByName(name)
	if fd == nil {
		panic(fmt.Sprintf("server: %s has no field %s", m.ProtoReflect().Descriptor().FullName(), name))
	}
	return fd.Number()
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
