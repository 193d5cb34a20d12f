package interceptor

import (
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
)

// methodSet matches full method names exactly, or a whole service when the
// entry ends in "/*" ("/pkg.Service/*").
type methodSet struct {
	exact    map[string]struct{}
	services map[string]struct{} // "/pkg.Service/" prefixes
}

func newMethodSet(methods []string) methodSet {
	s := methodSet{exact: map[string]struct{}{}, services: map[string]struct{}{}}
	for _, m := range methods {
		if prefix, ok := strings.CutSuffix(m, "*"); ok && strings.HasSuffix(prefix, "/") && len(prefix) > 2 {
			s.services[prefix] = struct{}{}
			continue
		}
		s.exact[m] = struct{}{}
	}
	return s
}

func (s methodSet) contains(fullMethod string) bool {
	if _, ok := s.exact[fullMethod]; ok {
		return true
	}
	if i := strings.LastIndexByte(fullMethod, '/'); i > 0 {
		_, ok := s.services[fullMethod[:i+1]]
		return ok
	}
	return false
}

func (s methodSet) empty() bool { return len(s.exact) == 0 && len(s.services) == 0 }

// A rule is one authorization requirement for a set of methods.
type rule struct {
	methods methodSet
	kind    string // "permission" or "role", for the error
	value   string
	holds   func(c *Claims) bool
}

// RequirePermission makes calls to methods (full names, "/pkg.Service/*" for
// a whole service) require the organization permission perm (for example
// "org:invoices:read") in the caller's claims; a caller without it gets
// codes.PermissionDenied with reason [ReasonPermissionMissing]. Listed
// methods are always authenticated, even when also exempt. With no methods
// the option does nothing. Several requirements on one method must all hold.
func RequirePermission(perm string, methods ...string) Option {
	return requirement("permission", perm, methods, func(c *Claims) bool {
		return slices.Contains(c.OrgPermissions, perm)
	})
}

// RequireRole is [RequirePermission] for the organization role, compared
// exactly as Clerk writes it ("org:admin"); the reason is
// [ReasonRoleMissing].
func RequireRole(role string, methods ...string) Option {
	return requirement("role", role, methods, func(c *Claims) bool {
		return c.OrgRole == role
	})
}

func requirement(kind, value string, methods []string, holds func(*Claims) bool) Option {
	return optionFunc(func(c *config) {
		set := newMethodSet(methods)
		if set.empty() {
			return
		}
		c.rules = append(c.rules, rule{methods: set, kind: kind, value: value, holds: holds})
	})
}

func (c *config) hasRule(fullMethod string) bool {
	for _, r := range c.rules {
		if r.methods.contains(fullMethod) {
			return true
		}
	}
	return false
}

// authorize checks every rule that names fullMethod against claims.
func (c *config) authorize(fullMethod string, claims *Claims) error {
	for _, r := range c.rules {
		if !r.methods.contains(fullMethod) || r.holds(claims) {
			continue
		}
		reason := ReasonPermissionMissing
		if r.kind == "role" {
			reason = ReasonRoleMissing
		}
		return reasonError(codes.PermissionDenied, reason, "interceptor: caller lacks the required "+r.kind+" "+r.value)
	}
	return nil
}
