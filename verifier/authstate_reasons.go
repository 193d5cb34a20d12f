package verifier

// AuthReason says why [Verifier.AuthState] decided what it did. The values
// are byte for byte the original's AuthErrorReason strings (spec §2.7; the
// "Auth-Result" header values), plus [AuthReasonStandardSignedIn] for a
// signed-in request and [AuthReasonSessionPending] from Clerk's current
// SDKs. The zero value "" is not a reason AuthState returns.
type AuthReason string

// The 25 reasons of the original, standard-signed-in, and session-pending.
const (
	// AuthReasonStandardSignedIn: the request is signed in (status signed in).
	AuthReasonStandardSignedIn AuthReason = "standard-signed-in"

	// AuthReasonInlineKeyMissing: no key is configured to verify the token.
	AuthReasonInlineKeyMissing AuthReason = "inline-key-missing"
	// AuthReasonInlineKeyInvalid: the configured inline key cannot be used.
	AuthReasonInlineKeyInvalid AuthReason = "inline-key-invalid"
	// AuthReasonHeaderExpired: the Authorization token is expired (interstitial).
	AuthReasonHeaderExpired AuthReason = "header-expired"
	// AuthReasonHeaderEarly: the Authorization token is not valid yet (interstitial).
	AuthReasonHeaderEarly AuthReason = "header-early"
	// AuthReasonHeaderInvalid: the Authorization token is malformed.
	AuthReasonHeaderInvalid AuthReason = "header-invalid"
	// AuthReasonHeaderInvalidIssuer: the Authorization token's iss is not allowed.
	AuthReasonHeaderInvalidIssuer AuthReason = "header-invalid-issuer"
	// AuthReasonHeaderMissingNonBrowser: development, no token, not a browser.
	AuthReasonHeaderMissingNonBrowser AuthReason = "header-missing-non-browser"
	// AuthReasonHeaderMissingCORS: a cross-origin request without a header token.
	AuthReasonHeaderMissingCORS AuthReason = "header-missing-cors"
	// AuthReasonHeaderUnauthorizedParty: the Authorization token's azp is not allowed.
	AuthReasonHeaderUnauthorizedParty AuthReason = "header-unauthorized-party"
	// AuthReasonHeaderVerificationFailed: the Authorization token's signature is bad.
	AuthReasonHeaderVerificationFailed AuthReason = "header-verification-failed"
	// AuthReasonUATMissing: development, no __client_uat (interstitial).
	AuthReasonUATMissing AuthReason = "uat-missing"
	// AuthReasonCrossOriginReferrer: development, Referer from another origin (interstitial).
	AuthReasonCrossOriginReferrer AuthReason = "cross-origin-referrer"
	// AuthReasonCookieAndUATMissing: production, neither cookie (first visit).
	AuthReasonCookieAndUATMissing AuthReason = "cookie-and-uat-missing"
	// AuthReasonStandardSignedOut: __client_uat is "0".
	AuthReasonStandardSignedOut AuthReason = "standard-signed-out"
	// AuthReasonCookieMissing: __client_uat set but no __session (interstitial).
	AuthReasonCookieMissing AuthReason = "cookie-missing"
	// AuthReasonCookieExpired: the __session token is expired (interstitial).
	AuthReasonCookieExpired AuthReason = "cookie-expired"
	// AuthReasonCookieEarly: the __session token is not valid yet (interstitial).
	AuthReasonCookieEarly AuthReason = "cookie-early"
	// AuthReasonCookieInvalid: the __session token is malformed.
	AuthReasonCookieInvalid AuthReason = "cookie-invalid"
	// AuthReasonCookieInvalidIssuer: the __session token's iss is not allowed.
	AuthReasonCookieInvalidIssuer AuthReason = "cookie-invalid-issuer"
	// AuthReasonCookieOutdated: the __session token predates __client_uat (interstitial).
	AuthReasonCookieOutdated AuthReason = "cookie-outdated"
	// AuthReasonCookieUnauthorizedParty: the __session token's azp is not allowed.
	AuthReasonCookieUnauthorizedParty AuthReason = "cookie-unauthorized-party"
	// AuthReasonCookieVerificationFailed: the __session token's signature is bad.
	AuthReasonCookieVerificationFailed AuthReason = "cookie-verification-failed"
	// AuthReasonInternalError: a failure with no better reason.
	AuthReasonInternalError AuthReason = "internal-error"
	// AuthReasonPKFetchError: the verification keys could not be loaded.
	AuthReasonPKFetchError AuthReason = "pk-fetch-error"
	// AuthReasonUnknown: iat or __client_uat cannot be compared (interstitial).
	AuthReasonUnknown AuthReason = "unknown"

	// AuthReasonSessionPending: the token is a pending session's (sts
	// "pending") and pending sessions are not accepted (signed out), as in
	// Clerk's current SDKs. Header and cookie tokens alike.
	AuthReasonSessionPending AuthReason = "session-pending"
)

// authReasons lists every AuthReason with the one status it goes with.
var authReasons = map[AuthReason]Status{
	AuthReasonStandardSignedIn:         StatusSignedIn,
	AuthReasonInlineKeyMissing:         StatusSignedOut,
	AuthReasonInlineKeyInvalid:         StatusSignedOut,
	AuthReasonHeaderExpired:            StatusInterstitial,
	AuthReasonHeaderEarly:              StatusInterstitial,
	AuthReasonHeaderInvalid:            StatusSignedOut,
	AuthReasonHeaderInvalidIssuer:      StatusSignedOut,
	AuthReasonHeaderMissingNonBrowser:  StatusSignedOut,
	AuthReasonHeaderMissingCORS:        StatusSignedOut,
	AuthReasonHeaderUnauthorizedParty:  StatusSignedOut,
	AuthReasonHeaderVerificationFailed: StatusSignedOut,
	AuthReasonUATMissing:               StatusInterstitial,
	AuthReasonCrossOriginReferrer:      StatusInterstitial,
	AuthReasonCookieAndUATMissing:      StatusSignedOut,
	AuthReasonStandardSignedOut:        StatusSignedOut,
	AuthReasonCookieMissing:            StatusInterstitial,
	AuthReasonCookieExpired:            StatusInterstitial,
	AuthReasonCookieEarly:              StatusInterstitial,
	AuthReasonCookieInvalid:            StatusSignedOut,
	AuthReasonCookieInvalidIssuer:      StatusSignedOut,
	AuthReasonCookieOutdated:           StatusInterstitial,
	AuthReasonCookieUnauthorizedParty:  StatusSignedOut,
	AuthReasonCookieVerificationFailed: StatusSignedOut,
	AuthReasonInternalError:            StatusSignedOut,
	AuthReasonPKFetchError:             StatusSignedOut,
	AuthReasonUnknown:                  StatusInterstitial,
	AuthReasonSessionPending:           StatusSignedOut,
}

// Status returns the status that AuthState pairs with r, and false when r
// is not one of the constants above. Every reason goes with exactly one
// status, so callers (and tests) can check a State is consistent.
func (r AuthReason) Status() (Status, bool) {
	s, ok := authReasons[r]
	return s, ok
}
