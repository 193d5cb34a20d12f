package interceptor

import (
	"context"
	"slices"

	"github.com/authsvc/authsvc/verifier"
)

// Claims are the verified session claims of the caller, the same type the
// verifier returns. In remote mode Raw and Actor are re-encoded from
// authsvc's response (same claims, not the signed bytes). Claims may be
// shared between calls through the decision cache: treat them, and their
// slices, as read-only.
type Claims = verifier.Claims

// identityKey is the context key of the caller's identity.
type identityKey struct{}

// identity is what the server interceptor puts in the context.
type identity struct {
	token   string
	claims  *Claims
	machine *Machine // a machine caller (machine.go); claims is then nil
}

// NewContext returns a child of ctx that carries a verified caller: token is
// what the client interceptors forward and claims is what
// [ClaimsFromContext] returns. The server interceptors call it for every
// authenticated call; call it yourself only for a token you verified, in a
// test of a handler, or in a background job that acts for a user. It does
// not verify anything. A nil claims or empty token is stored as given.
func NewContext(ctx context.Context, token string, claims *Claims) context.Context {
	return context.WithValue(ctx, identityKey{}, identity{token: token, claims: claims})
}

func identityFrom(ctx context.Context) (identity, bool) {
	id, ok := ctx.Value(identityKey{}).(identity)
	return id, ok
}

// ClaimsFromContext returns the verified claims the server interceptor put
// in ctx; ok is false for an exempt method, a context that never passed the
// interceptor, or nil claims.
func ClaimsFromContext(ctx context.Context) (*Claims, bool) {
	id, ok := identityFrom(ctx)
	if !ok || id.claims == nil {
		return nil, false
	}
	return id.claims, true
}

// UserID returns the caller's Clerk user id (sub), or "" when ctx carries
// no claims.
func UserID(ctx context.Context) string {
	if c, ok := ClaimsFromContext(ctx); ok {
		return c.UserID
	}
	return ""
}

// SessionID returns the caller's Clerk session id (sid), or "".
func SessionID(ctx context.Context) string {
	if c, ok := ClaimsFromContext(ctx); ok {
		return c.SessionID
	}
	return ""
}

// OrgID returns the caller's active organization id, or "" when there is
// none or ctx carries no claims.
func OrgID(ctx context.Context) string {
	if c, ok := ClaimsFromContext(ctx); ok {
		return c.OrgID
	}
	return ""
}

// HasPermission reports whether the caller's active organization grants
// perm, compared exactly ("org:invoices:read"). False without claims.
func HasPermission(ctx context.Context, perm string) bool {
	c, ok := ClaimsFromContext(ctx)
	return ok && perm != "" && slices.Contains(c.OrgPermissions, perm)
}

// HasRole reports whether the caller's role in the active organization is
// role, compared exactly as Clerk writes it ("org:admin"). False without
// claims.
func HasRole(ctx context.Context, role string) bool {
	c, ok := ClaimsFromContext(ctx)
	return ok && role != "" && c.OrgRole == role
}

// tokenFromContext returns the token NewContext stored, or "".
func tokenFromContext(ctx context.Context) string {
	id, _ := identityFrom(ctx)
	return id.token
}
