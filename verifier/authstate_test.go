package verifier

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestMapVerifyError pins DESIGN.md's verification reason → auth-state
// reason table for header and cookie tokens.
func TestMapVerifyError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        error
		header     AuthReason
		cookie     AuthReason
		wantStatus Status
	}{
		{"token-expired", &Error{Reason: ReasonExpired}, AuthReasonHeaderExpired, AuthReasonCookieExpired, StatusInterstitial},
		{"token-not-active-yet", &Error{Reason: ReasonNotActiveYet}, AuthReasonHeaderEarly, AuthReasonCookieEarly, StatusInterstitial},
		{"token-iat-in-the-future", &Error{Reason: ReasonIatInFuture}, AuthReasonHeaderEarly, AuthReasonCookieEarly, StatusInterstitial},
		{"token-invalid", &Error{Reason: ReasonTokenInvalid}, AuthReasonHeaderInvalid, AuthReasonCookieInvalid, StatusSignedOut},
		{"token-invalid-algorithm", &Error{Reason: ReasonInvalidAlgorithm}, AuthReasonHeaderInvalid, AuthReasonCookieInvalid, StatusSignedOut},
		{"token-type-mismatch", &Error{Reason: ReasonTokenTypeMismatch}, AuthReasonHeaderInvalid, AuthReasonCookieInvalid, StatusSignedOut},
		{"token-invalid-audience", &Error{Reason: ReasonInvalidAudience}, AuthReasonHeaderInvalid, AuthReasonCookieInvalid, StatusSignedOut},
		{"session-pending", &Error{Reason: ReasonSessionPending}, AuthReasonSessionPending, AuthReasonSessionPending, StatusSignedOut},
		{"token-invalid-signature", &Error{Reason: ReasonInvalidSignature}, AuthReasonHeaderVerificationFailed, AuthReasonCookieVerificationFailed, StatusSignedOut},
		{"token-invalid-issuer", &Error{Reason: ReasonInvalidIssuer}, AuthReasonHeaderInvalidIssuer, AuthReasonCookieInvalidIssuer, StatusSignedOut},
		{"token-invalid-authorized-parties", &Error{Reason: ReasonUnauthorizedParty}, AuthReasonHeaderUnauthorizedParty, AuthReasonCookieUnauthorizedParty, StatusSignedOut},
		{"jwk-kid-mismatch", &Error{Reason: ReasonKidMismatch}, AuthReasonPKFetchError, AuthReasonPKFetchError, StatusSignedOut},
		{"jwk-remote-failed-to-load", &Error{Reason: ReasonKeyFetch}, AuthReasonPKFetchError, AuthReasonPKFetchError, StatusSignedOut},
		{"secret-key-invalid (a key fetch failure)", &Error{Reason: ReasonSecretKeyInvalid}, AuthReasonPKFetchError, AuthReasonPKFetchError, StatusSignedOut},
		{"no key configured", &Error{Reason: ReasonKeyMissing}, AuthReasonInlineKeyMissing, AuthReasonInlineKeyMissing, StatusSignedOut},
		{"inline key unparsable", &Error{Reason: ReasonKeyInvalid}, AuthReasonInlineKeyInvalid, AuthReasonInlineKeyInvalid, StatusSignedOut},
		{"wrapped *Error keeps its reason", fmt.Errorf("outer: %w", &Error{Reason: ReasonExpired}), AuthReasonHeaderExpired, AuthReasonCookieExpired, StatusInterstitial},
		{"key fetch cancelled", &Error{Reason: ReasonKeyFetch, Err: context.Canceled}, AuthReasonPKFetchError, AuthReasonPKFetchError, StatusSignedOut},
		{"bare context.Canceled", context.Canceled, AuthReasonPKFetchError, AuthReasonPKFetchError, StatusSignedOut},
		{"bare context.DeadlineExceeded", fmt.Errorf("x: %w", context.DeadlineExceeded), AuthReasonPKFetchError, AuthReasonPKFetchError, StatusSignedOut},
		{"unknown reason", &Error{Reason: "something-new"}, AuthReasonInternalError, AuthReasonInternalError, StatusSignedOut},
		{"plain error", errors.New("boom"), AuthReasonInternalError, AuthReasonInternalError, StatusSignedOut},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for kind, want := range map[tokenKind]AuthReason{headerToken: tt.header, cookieToken: tt.cookie} {
				reason, status := mapVerifyError(tt.err, kind)
				if reason != want || status != tt.wantStatus {
					t.Errorf("mapVerifyError(%v, header=%v) = %s/%v, want %s/%v", tt.err, kind, reason, status, want, tt.wantStatus)
				}
				if s, ok := reason.Status(); !ok || s != status {
					t.Errorf("reason %s pairs with %v, mapped status %v", reason, s, status)
				}
			}
		})
	}
}

func TestStripBearer(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"plain token", "a.b.c", "a.b.c"},
		{"Bearer prefix", "Bearer a.b.c", "a.b.c"},
		{"lower-case scheme", "bearer a.b.c", "a.b.c"},
		{"upper-case scheme, extra spaces", "  BEARER   a.b.c ", "a.b.c"},
		{"only the prefix", "Bearer ", ""},
		{"only the scheme", "bearer", ""},
		{"tab after scheme", "Bearer\ta.b.c", "a.b.c"},
		{"Bearer without space is a token", "Bearera.b.c", "Bearera.b.c"},
		{"other scheme kept", "Basic dXNlcjpwdw==", "Basic dXNlcjpwdw=="},
		{"prefix stripped once", "Bearer Bearer x", "Bearer x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := stripBearer(tt.in); got != tt.want {
				t.Errorf("stripBearer(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseClientUAT(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     int64
		ok       bool
	}{
		{"decimal", "1700000000", 1700000000, true},
		{"zero", "0", 0, true},
		{"leading zeros", "0012", 12, true},
		{"max int64", "9223372036854775807", 9223372036854775807, true},
		{"overflow", "9223372036854775808", 0, false},
		{"20 digits", "12345678901234567890", 0, false},
		{"empty", "", 0, false},
		{"spaces (JS Number trims; we do not)", " 12 ", 0, false},
		{"hex (JS Number accepts)", "0x10", 0, false},
		{"exponent (JS Number accepts)", "1e3", 0, false},
		{"sign", "+12", 0, false},
		{"negative", "-1", 0, false},
		{"fraction", "12.5", 0, false},
		{"letters", "abc", 0, false},
		{"non-ASCII digits", "١٢", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseClientUAT(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseClientUAT(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestAuthReasons pins the 25 original AuthErrorReason strings (spec §2.7),
// standard-signed-in and session-pending, each with its one status.
func TestAuthReasons(t *testing.T) {
	t.Parallel()
	original := []string{
		"inline-key-missing", "inline-key-invalid", "header-expired", "header-early", "header-invalid",
		"header-invalid-issuer", "header-missing-non-browser", "header-missing-cors", "header-unauthorized-party",
		"header-verification-failed", "uat-missing", "cross-origin-referrer", "cookie-and-uat-missing",
		"standard-signed-out", "cookie-missing", "cookie-expired", "cookie-early", "cookie-invalid",
		"cookie-invalid-issuer", "cookie-outdated", "cookie-unauthorized-party", "cookie-verification-failed",
		"internal-error", "pk-fetch-error", "unknown",
	}
	if len(original) != 25 || len(authReasons) != 27 {
		t.Fatalf("%d original reasons, %d known reasons; want 25 and 27", len(original), len(authReasons))
	}
	for _, r := range append(original, "standard-signed-in", "session-pending") {
		if _, ok := AuthReason(r).Status(); !ok {
			t.Errorf("reason %q is not known", r)
		}
	}
	if _, ok := AuthReason("standard-out").Status(); ok {
		t.Error(`the pre-2022-09 "standard-out" is known`)
	}
	for _, tt := range []struct {
		s    Status
		want string
	}{{StatusSignedIn, "Signed in"}, {StatusSignedOut, "Signed out"}, {StatusInterstitial, "Interstitial"}, {0, "Status(0)"}} {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("Status(%d).String() = %q, want %q", int(tt.s), got, tt.want)
		}
	}
}
