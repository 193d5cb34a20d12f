package verifier

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// Request holds the facts of one web request that decide its auth state.
// Every field is the raw header or cookie value; an empty string means
// absent, as it did in the original (a JavaScript truthiness test), so a
// Request's zero value is a request with no headers and no cookies.
type Request struct {
	// CookieToken is the __session cookie.
	CookieToken string
	// ClientUAT is the __client_uat cookie: decimal Unix seconds, "0" meaning
	// signed out.
	ClientUAT string
	// HeaderToken is the Authorization header, with or without "Bearer ".
	HeaderToken string
	// Origin, Host, ForwardedHost, ForwardedPort, ForwardedProto, Referrer and
	// UserAgent are the Origin, Host, X-Forwarded-Host, X-Forwarded-Port,
	// X-Forwarded-Proto, Referer and User-Agent headers.
	Origin, Host, ForwardedHost, ForwardedPort, ForwardedProto, Referrer, UserAgent string
	// AuthorizedParties, when non-empty, replaces the verifier's configured
	// authorized parties for this request's token.
	AuthorizedParties []string
	// AcceptPending accepts a pending session's token; false means the
	// verifier's [Config.AcceptPendingSessions] (see [VerifyOptions]).
	AcceptPending bool
}

// Status is the outcome of [Verifier.AuthState]. The zero value is not a
// valid status: AuthState always returns one of the three constants.
type Status int

// The three auth statuses of the original (spec §2.6).
const (
	// StatusSignedIn: the request carries a valid, current session token.
	StatusSignedIn Status = iota + 1
	// StatusSignedOut: the request is not authenticated.
	StatusSignedOut
	// StatusInterstitial: the browser must load the interstitial page so
	// that Clerk's browser library can refresh the session.
	StatusInterstitial
)

// String returns the original's status text: "Signed in", "Signed out" or
// "Interstitial"; anything else is "Status(n)".
func (s Status) String() string {
	switch s {
	case StatusSignedIn:
		return "Signed in"
	case StatusSignedOut:
		return "Signed out"
	case StatusInterstitial:
		return "Interstitial"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// State is the decision for one request. Claims is set only when Status is
// [StatusSignedIn]; treat it as read-only (it may be shared with the
// verifier's cache).
type State struct {
	// Status is one of the three Status constants, never zero.
	Status Status
	// Reason is one of the AuthReason constants and goes with Status
	// (see [AuthReason.Status]).
	Reason AuthReason
	// Claims are the verified token's claims when signed in, else nil.
	Claims *Claims
	// Cause is the verification [Reason] behind a token that failed, empty
	// when no token was verified or it passed. It tells an outage
	// ([Reason.KeysUnavailable]) apart from a bad token where Reason
	// cannot (both kid mismatch and a failed key fetch are pk-fetch-error).
	Cause Reason
}

// AuthState decides whether req is signed in, signed out or needs the
// interstitial, and why. It is the original getAuthState's decision table
// (backend-core-spec §2.3), evaluated top to bottom, with the fixes listed in
// DESIGN.md "GetAuthState". It never panics and never fails: verification
// failures, unparsable headers and a cancelled ctx all become a State with a
// reason (a context error while fetching keys is [AuthReasonPKFetchError]).
// It does not fetch the interstitial page. Safe for concurrent use.
func (v *Verifier) AuthState(ctx context.Context, req Request) State {
	dev := v.Development()
	self := hostFacts{host: req.Host, forwardedHost: req.ForwardedHost, forwardedPort: req.ForwardedPort, forwardedProto: req.ForwardedProto}

	// Row 1: a header token decides alone; nothing else is looked at.
	if req.HeaderToken != "" {
		return v.tokenState(ctx, stripBearer(req.HeaderToken), req, headerToken)
	}
	// Row 2: development serves browsers only.
	if dev && !strings.HasPrefix(req.UserAgent, "Mozilla/") {
		return signedOut(AuthReasonHeaderMissingNonBrowser)
	}
	// Row 3 (dev and prod): a cross-origin request without a header token.
	// Fix: an unparsable Origin, "null" included, is cross-origin.
	if req.Origin != "" && isCrossOrigin(req.Origin, self) {
		return signedOut(AuthReasonHeaderMissingCORS)
	}
	// Row 4: development without __client_uat.
	if dev && req.ClientUAT == "" {
		return interstitial(AuthReasonUATMissing)
	}
	// Row 5: development, arriving from another origin (a Clerk-hosted page).
	if dev && req.Referrer != "" && isCrossOrigin(req.Referrer, self) {
		return interstitial(AuthReasonCrossOriginReferrer)
	}
	// Row 6: production, first visit: neither cookie.
	if !dev && req.ClientUAT == "" && req.CookieToken == "" {
		return signedOut(AuthReasonCookieAndUATMissing)
	}
	// Row 7: __client_uat "0" (exactly) says the client signed out.
	if req.ClientUAT == "0" {
		return signedOut(AuthReasonStandardSignedOut)
	}
	// Row 8: signed in on the client, but no __session cookie. Fix: in
	// development too (the original verified an undefined token there).
	if req.ClientUAT != "" && req.CookieToken == "" {
		return interstitial(AuthReasonCookieMissing)
	}
	// Row 9: verify the cookie token.
	st := v.tokenState(ctx, req.CookieToken, req, cookieToken)
	// Row 12: verification failed; the mapped state stands.
	if st.Status != StatusSignedIn {
		return st
	}
	// Row 13 (fix: decided explicitly): no iat, or a __client_uat that is
	// not a base-10 integer, cannot be compared.
	uat, ok := parseClientUAT(req.ClientUAT)
	if !ok || !st.Claims.HasIssuedAt {
		return interstitial(AuthReasonUnknown)
	}
	// Row 10: the token was issued at or after the client's last auth change.
	if st.Claims.IssuedAt >= uat {
		return st
	}
	// Row 11: the token predates the client's last auth change.
	return interstitial(AuthReasonCookieOutdated)
}

// tokenKind says where a token came from, which picks header-* or cookie-*
// reasons.
type tokenKind bool

const (
	headerToken tokenKind = true
	cookieToken tokenKind = false
)

// tokenState verifies token and maps the outcome to a State
// (buildAuthenticatedState, spec §2.4).
func (v *Verifier) tokenState(ctx context.Context, token string, req Request, kind tokenKind) State {
	claims, err := v.VerifyWithOptions(ctx, token, VerifyOptions{AuthorizedParties: req.AuthorizedParties, AcceptPending: req.AcceptPending})
	if err == nil && claims != nil {
		return State{Status: StatusSignedIn, Reason: AuthReasonStandardSignedIn, Claims: claims}
	}
	reason, status := mapVerifyError(err, kind)
	return State{Status: status, Reason: reason, Cause: ReasonOf(err)}
}

// stripBearer removes a leading "Bearer " (any case) and surrounding spaces
// from an Authorization header value. A value without the prefix is taken
// as the token itself.
func stripBearer(h string) string {
	h = strings.TrimSpace(h)
	const scheme = "bearer"
	if len(h) > len(scheme) && strings.EqualFold(h[:len(scheme)], scheme) && (h[len(scheme)] == ' ' || h[len(scheme)] == '\t') {
		return strings.TrimSpace(h[len(scheme):])
	}
	if strings.EqualFold(h, scheme) {
		return ""
	}
	return h
}

// parseClientUAT parses __client_uat strictly: one to nineteen ASCII digits,
// no sign, no spaces, no exponent or hex (the original's Number() accepted
// all of those).
func parseClientUAT(s string) (int64, bool) {
	if s == "" || len(s) > 19 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

func signedOut(r AuthReason) State    { return State{Status: StatusSignedOut, Reason: r} }
func interstitial(r AuthReason) State { return State{Status: StatusInterstitial, Reason: r} }

// mapVerifyError maps a verification failure to its auth-state reason and
// status: DESIGN.md's table, which extends the original's
// mapErrorReasonResponse (spec §1.7) to the new verification reasons.
func mapVerifyError(err error, kind tokenKind) (AuthReason, Status) {
	pick := func(header, cookie AuthReason) AuthReason {
		if kind == headerToken {
			return header
		}
		return cookie
	}
	switch ReasonOf(err) {
	case ReasonExpired:
		return pick(AuthReasonHeaderExpired, AuthReasonCookieExpired), StatusInterstitial
	case ReasonNotActiveYet, ReasonIatInFuture:
		return pick(AuthReasonHeaderEarly, AuthReasonCookieEarly), StatusInterstitial
	case ReasonTokenInvalid, ReasonInvalidAlgorithm, ReasonTokenTypeMismatch, ReasonInvalidAudience:
		return pick(AuthReasonHeaderInvalid, AuthReasonCookieInvalid), StatusSignedOut
	case ReasonSessionPending:
		return AuthReasonSessionPending, StatusSignedOut
	case ReasonInvalidSignature:
		return pick(AuthReasonHeaderVerificationFailed, AuthReasonCookieVerificationFailed), StatusSignedOut
	case ReasonInvalidIssuer:
		return pick(AuthReasonHeaderInvalidIssuer, AuthReasonCookieInvalidIssuer), StatusSignedOut
	case ReasonUnauthorizedParty:
		return pick(AuthReasonHeaderUnauthorizedParty, AuthReasonCookieUnauthorizedParty), StatusSignedOut
	case ReasonKidMismatch, ReasonKeyFetch, ReasonSecretKeyInvalid:
		return AuthReasonPKFetchError, StatusSignedOut
	case ReasonKeyMissing:
		return AuthReasonInlineKeyMissing, StatusSignedOut
	case ReasonKeyInvalid:
		return AuthReasonInlineKeyInvalid, StatusSignedOut
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return AuthReasonPKFetchError, StatusSignedOut
	}
	return AuthReasonInternalError, StatusSignedOut
}
