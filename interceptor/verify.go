package interceptor

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/rpcstatus"
	"github.com/authsvc/authsvc/verifier"
)

// verifyFunc verifies one token and returns its claims or a status error
// ready to return to the caller.
type verifyFunc func(ctx context.Context, token string) (*Claims, error)

// remoteVerifier verifies through authsvc's VerifySessionToken behind a
// decision cache.
type remoteVerifier struct {
	client  authsvcv1.AuthServiceClient
	parties []string
	key     string // parties joined, the cache-key prefix
	cache   *decisionCache
	outage  func(verifier.Reason) error
}

func (r *remoteVerifier) verify(ctx context.Context, token string) (*Claims, error) {
	k := cacheKey{parties: r.key, token: token}
	claims, hit := r.cache.get(k) // before do, so that a hit allocates no closure
	var err error
	if !hit {
		claims, err = r.cache.do(ctx, k, func() (*Claims, error) { return r.call(ctx, token) })
	}
	if err != nil {
		if st, ok := contextError(err); ok && ctx.Err() != nil {
			return nil, st
		}
		return nil, err
	}
	// Defence in depth: the cached decision must hold for this list too.
	if len(r.parties) > 0 && !slices.Contains(r.parties, claims.AuthorizedParty) {
		return nil, rejected(verifier.ReasonUnauthorizedParty)
	}
	return claims, nil
}

// call makes the RPC on a context detached from the caller's cancellation
// (other callers may be waiting for the same answer) and bounded by
// [DefaultRemoteTimeout].
func (r *remoteVerifier) call(ctx context.Context, token string) (*Claims, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultRemoteTimeout)
	defer cancel()
	resp, err := r.client.VerifySessionToken(ctx, &authsvcv1.VerifySessionTokenRequest{
		Token:             token,
		AuthorizedParties: r.parties,
	})
	if err != nil {
		return nil, r.classify(err)
	}
	claims, err := claimsFromProto(resp.GetClaims())
	if err != nil {
		return nil, r.outage(ReasonUnavailable)
	}
	return claims, nil
}

// classify turns authsvc's answer into the status this package returns:
// a verification failure keeps its reason; a key outage reported by authsvc
// keeps its reason as an outage; anything else (unreachable, timeout, a
// caller-policy refusal of this service's own credential, UNAUTHENTICATED
// or PERMISSION_DENIED) is [ReasonUnavailable].
func (r *remoteVerifier) classify(err error) error {
	reason, code := ReasonOf(err), status.Code(err)
	switch {
	case code == codes.InvalidArgument:
		return rejected(verifier.ReasonTokenInvalid)
	case reason.KeysUnavailable() && (code == codes.Unavailable || code == codes.Unauthenticated):
		return r.outage(reason)
	case reason != "" && code == codes.Unauthenticated && !rpcstatus.IsCallerReason(reason):
		return rejected(reason)
	}
	return r.outage(ReasonUnavailable)
}

// claimsFromProto converts authsvc's claims; Raw and Actor are re-encoded
// as JSON.
func claimsFromProto(pb *authsvcv1.Claims) (*Claims, error) {
	if pb == nil || pb.GetUserId() == "" {
		return nil, status.Error(codes.Internal, "interceptor: authsvc returned no claims")
	}
	c := &Claims{
		SessionID:       pb.GetSessionId(),
		UserID:          pb.GetUserId(),
		AuthorizedParty: pb.GetAuthorizedParty(),
		Issuer:          pb.GetIssuer(),
		IssuedAt:        pb.GetIssuedAt(),
		HasIssuedAt:     pb.GetIssuedAt() != 0,
		NotBefore:       pb.GetNotBefore(),
		ExpiresAt:       pb.GetExpiresAt(),
		OrgID:           pb.GetOrgId(),
		OrgSlug:         pb.GetOrgSlug(),
		OrgRole:         pb.GetOrgRole(),
		OrgPermissions:  slices.Clone(pb.GetOrgPermissions()),
		Version:         int(pb.GetVersion()),
	}
	currentClaimsFromProto(c, pb)
	var err error
	if c.Raw, err = structJSON(pb.GetRaw()); err != nil {
		return nil, err
	}
	if c.Actor, err = structJSON(pb.GetActor()); err != nil {
		return nil, err
	}
	return c, nil
}

func structJSON(s *structpb.Struct) ([]byte, error) {
	if s == nil {
		return nil, nil
	}
	return protojson.Marshal(s)
}

// localVerify verifies in-process with v.
func localVerify(v *verifier.Verifier, parties []string, outage func(verifier.Reason) error) verifyFunc {
	return func(ctx context.Context, token string) (*Claims, error) {
		var claims *Claims
		var err error
		if len(parties) > 0 {
			claims, err = v.VerifyWithParties(ctx, token, parties)
		} else {
			claims, err = v.Verify(ctx, token)
		}
		if err == nil {
			return claims, nil
		}
		if st, ok := contextError(err); ok && ctx.Err() != nil {
			return nil, st
		}
		switch reason := verifier.ReasonOf(err); {
		case reason == "":
			return nil, status.Error(codes.Internal, "interceptor: verification failed")
		case reason.KeysUnavailable():
			return nil, outage(reason)
		default:
			return nil, rejected(reason)
		}
	}
}

// partiesKey is the cache-key form of an authorized-party list.
func partiesKey(parties []string) string {
	return strings.Join(parties, "\n")
}
