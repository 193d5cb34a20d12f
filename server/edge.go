package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/authsvc/authsvc/verifier"
)

// This file is the edge's decision, shared by Envoy's Check (extauthz.go)
// and /forward-auth (forwardauth.go): the facts come from requestHeaders,
// the decision from the same [verifier.Verifier.AuthState] as GetAuthState
// (so the verifier's decision cache serves all three), and edgeAnswer is
// DESIGN.md's outcome table, which each transport then encodes.

// EdgeConfig configures the edge authorization of [Config.Edge]: Envoy's
// Check on the gRPC server and the [Server.ForwardAuthHandler]. The zero
// value serves Check, has no public paths and records nothing.
type EdgeConfig struct {
	// DisableExtAuthz leaves envoy.service.auth.v3.Authorization
	// unregistered (AUTHSVC_EXT_AUTHZ=false); calls then get UNIMPLEMENTED.
	// It does not affect the forward-auth handler.
	DisableExtAuthz bool
	// PublicPaths are path prefixes (each starting with "/") whose requests
	// are allowed with no identity and without looking at credentials. A
	// prefix is a plain string prefix of the path without its query; a path
	// with a dot segment ("." or "..", also before a ";"), a backslash or a
	// percent-encoded '.', '/', '\' or '%' is never public, so that a
	// normalising upstream cannot be reached outside the prefix. Nil means
	// none.
	PublicPaths []string
	// Record, when set, is called once per answer with the kind
	// ("ext_authz" or "forward_auth") and the decision ("allow", "public",
	// "signed-out", "interstitial", "unavailable", "invalid"): the labels of
	// authsvc_edge_checks_total. It must be safe for concurrent use.
	Record func(kind, decision string)
}

// validate checks the public path prefixes.
func (c EdgeConfig) validate() error {
	for _, p := range c.PublicPaths {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("server: public path %q does not start with /", p)
		}
	}
	return nil
}

// Edge kinds and decisions: the label values of authsvc_edge_checks_total.
const (
	edgeKindExtAuthz    = "ext_authz"
	edgeKindForwardAuth = "forward_auth"

	edgeAllow        = "allow"
	edgePublic       = "public"
	edgeSignedOut    = "signed-out"
	edgeInterstitial = "interstitial"
	edgeUnavailable  = "unavailable"
	edgeInvalid      = "invalid"
)

// The headers of the outcome table, lower case as Envoy and HTTP/2 carry
// them.
const (
	clerkHeaderPrefix      = "x-clerk-"
	headerUserID           = "x-clerk-user-id"
	headerSessionID        = "x-clerk-session-id"
	headerOrgID            = "x-clerk-org-id"
	headerOrgRole          = "x-clerk-org-role"
	headerOrgSlug          = "x-clerk-org-slug"
	headerAuthStatus       = "x-clerk-auth-status"
	headerAuthReason       = "x-clerk-auth-reason"
	headerAuthResult       = "auth-result"
	headerContentType      = "content-type"
	contentTypeJSON        = "application/json"
	contentTypeHTML        = "text/html; charset=utf-8"
	errNoHTTPAttributes    = "check request has no http attributes"
	edgeStatusSignedIn     = "signed-in"
	edgeStatusSignedOut    = "signed-out"
	edgeStatusInterstitial = "interstitial"
)

// edgeRequest is what the edge knows about one proxied request.
type edgeRequest struct {
	facts verifier.Request
	// path is the request's path, query included or not; only its part
	// before "?" is compared with the public prefixes. Empty when unknown,
	// which is never public.
	path        string
	acceptsHTML bool
	// clerk lists the x-clerk-* headers the request carried (lower case).
	clerk []string
}

// newEdgeRequest completes facts from h and checks their bounds.
func newEdgeRequest(h *requestHeaders, path string) (edgeRequest, error) {
	facts := h.facts()
	if err := checkFactBounds(facts); err != nil {
		return edgeRequest{}, err
	}
	return edgeRequest{
		facts:       facts,
		path:        path,
		acceptsHTML: containsFoldASCII(h.accept, "text/html"),
		clerk:       h.clerk,
	}, nil
}

// edgeHeader is one header of an answer; name is lower case.
type edgeHeader struct{ name, value string }

// edgeAnswer is one row of the outcome table, before it is encoded as a
// CheckResponse or an HTTP response.
type edgeAnswer struct {
	decision   string     // metric label, see EdgeConfig.Record
	code       codes.Code // CheckResponse.status: OK, UNAUTHENTICATED, UNAVAILABLE, INVALID_ARGUMENT
	httpStatus int        // 200, 401, 503 or 400
	// claims, for a signed-in answer, give the identity headers to set on
	// the upstream request (see identityHeaders).
	claims *verifier.Claims
	// headers are the headers of a denied response to the client.
	headers []edgeHeader
	// remove lists the x-clerk-* request headers to strip before the
	// request goes upstream (OK only).
	remove []string
	// contentType and body are the denied response's; empty when OK.
	contentType, body string
}

// edgeDecide answers req: a public path, else the AuthState decision.
func (s *Server) edgeDecide(ctx context.Context, req edgeRequest) edgeAnswer {
	if isPublicPath(req.path, s.cfg.Edge.PublicPaths) {
		return edgeAnswer{decision: edgePublic, code: codes.OK, httpStatus: http.StatusOK, remove: req.clerk}
	}
	st := s.cfg.Verifier.AuthState(ctx, req.facts)
	switch {
	case st.Status == verifier.StatusSignedIn:
		return signedInAnswer(st.Claims, req.clerk)
	case st.Cause.KeysUnavailable():
		return deniedAnswer(edgeUnavailable, codes.Unavailable, http.StatusServiceUnavailable, edgeStatusSignedOut, st.Reason)
	case st.Status == verifier.StatusInterstitial:
		a := deniedAnswer(edgeInterstitial, codes.Unauthenticated, http.StatusUnauthorized, edgeStatusInterstitial, st.Reason)
		if req.acceptsHTML {
			if page, _ := s.interstitialPage(ctx); page != "" {
				a.contentType, a.body = contentTypeHTML, page
			}
		}
		return a
	default:
		return deniedAnswer(edgeSignedOut, codes.Unauthenticated, http.StatusUnauthorized, edgeStatusSignedOut, st.Reason)
	}
}

// signedInAnswer is the OK row: the identity headers of c that have a
// value, and the removal of every other x-clerk-* header the request
// carried.
func signedInAnswer(c *verifier.Claims, carried []string) edgeAnswer {
	a := edgeAnswer{decision: edgeAllow, code: codes.OK, httpStatus: http.StatusOK, claims: c}
	if len(carried) == 0 {
		return a // the common case: nothing to remove, nothing to compute
	}
	hs, n := identityHeaders(c)
	for _, name := range carried {
		if !slices.ContainsFunc(hs[:n], func(h edgeHeader) bool { return h.name == name }) {
			a.remove = append(a.remove, name)
		}
	}
	return a
}

// maxIdentityHeaders is the most headers an OK answer sets.
const maxIdentityHeaders = 7

// identityHeaders returns the identity headers for c, in the table's
// order: the first n entries of hs. A claim that is empty, or that no
// header could carry (a control character), is left out, and a client's
// header of that name is then removed.
func identityHeaders(c *verifier.Claims) (hs [maxIdentityHeaders]edgeHeader, n int) {
	for _, h := range [maxIdentityHeaders]edgeHeader{
		{headerUserID, c.UserID}, {headerSessionID, c.SessionID},
		{headerOrgID, c.OrgID}, {headerOrgRole, c.OrgRole}, {headerOrgSlug, c.OrgSlug},
		{headerAuthStatus, edgeStatusSignedIn}, {headerAuthReason, string(verifier.AuthReasonStandardSignedIn)},
	} {
		if h.value != "" && validHeaderValue(h.value) {
			hs[n] = h
			n++
		}
	}
	return hs, n
}

// deniedAnswer is a 401 or 503 row with the JSON body.
func deniedAnswer(decision string, code codes.Code, httpStatus int, authStatus string, reason verifier.AuthReason) edgeAnswer {
	body, _ := json.Marshal(struct {
		Status string `json:"status"`
		Reason string `json:"reason"`
	}{authStatus, string(reason)})
	return edgeAnswer{
		decision: decision, code: code, httpStatus: httpStatus,
		headers: []edgeHeader{
			{headerAuthResult, string(reason)}, {headerAuthStatus, authStatus}, {headerAuthReason, string(reason)},
		},
		contentType: contentTypeJSON, body: string(body),
	}
}

// invalidAnswer is the 400 row, for a request without HTTP attributes or
// beyond the input bounds. The message is the status's own (it names a
// field and a bound, never a value).
func invalidAnswer(err error) edgeAnswer {
	msg := "invalid request"
	if st, ok := status.FromError(err); ok {
		msg = st.Message()
	}
	body, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	return edgeAnswer{
		decision: edgeInvalid, code: codes.InvalidArgument, httpStatus: http.StatusBadRequest,
		contentType: contentTypeJSON, body: string(body),
	}
}

// errNoHTTP is the status for a CheckRequest without HTTP attributes.
var errNoHTTP = status.Error(codes.InvalidArgument, errNoHTTPAttributes)

// recordEdge reports one answer to EdgeConfig.Record: the one call site of
// authsvc_edge_checks_total.
func (s *Server) recordEdge(kind, decision string) {
	if s.cfg.Edge.Record != nil {
		s.cfg.Edge.Record(kind, decision)
	}
}

// isPublicPath reports whether path falls under one of the prefixes (see
// EdgeConfig.PublicPaths). An empty or unclean path is never public.
func isPublicPath(path string, prefixes []string) bool {
	if len(prefixes) == 0 || path == "" {
		return false
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	matched := false
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			matched = true
			break
		}
	}
	return matched && cleanPath(path)
}

// cleanPath reports whether path is absolute and has nothing a server
// might normalise into another path: no dot segment (also "..;x", which
// some servers read as ".."), no backslash, no '#' (a server that takes
// what follows for a fragment reads "/public/..#" as "/public/..", which
// is "/"; nginx passes the '#' on), and no percent-encoded '.', '/', '\',
// '%' or NUL (where some servers end a path).
func cleanPath(path string) bool {
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "\\#") {
		return false
	}
	lower := strings.ToLower(path)
	for _, enc := range [...]string{"%2e", "%2f", "%5c", "%25", "%00"} {
		if strings.Contains(lower, enc) {
			return false
		}
	}
	for seg := range strings.SplitSeq(path, "/") {
		seg, _, _ = strings.Cut(seg, ";")
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v can be sent as a header value: no
// control characters other than tab, and no DEL.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// containsFoldASCII reports whether s contains sub, ASCII case-insensitively
// (sub is lower case), without the copy strings.ToLower makes of every
// Accept header.
func containsFoldASCII(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 == sub[0] && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
