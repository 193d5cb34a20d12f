package interceptor

import (
	"slices"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// currentClaimsFromProto copies the claims of Clerk's current tokens (sts,
// aud, fea, pla, fva) from authsvc's answer into c, so that remote mode
// hands the handler the same [Claims] as local mode. Empty lists stay nil,
// as the verifier leaves them for absent claims.
func currentClaimsFromProto(c *Claims, pb *authsvcv1.Claims) {
	c.SessionStatus = pb.GetSessionStatus()
	c.Audience = cloneOrNil(pb.GetAudience())
	c.Features = cloneOrNil(pb.GetFeatures())
	c.Plans = cloneOrNil(pb.GetPlans())
	if r := pb.GetReverification(); r != nil {
		c.Reverification = &verifier.FactorVerificationAge{
			FirstFactorMinutes: r.GetFirstFactorMinutes(), SecondFactorMinutes: r.GetSecondFactorMinutes(),
		}
	}
}

func cloneOrNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}
