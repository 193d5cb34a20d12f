package verifier

import (
	"errors"
	"testing"
)

// TestReasonKeysUnavailable pins which reasons are outages (answered
// UNAVAILABLE by the server and the interceptor) and which are token faults.
func TestReasonKeysUnavailable(t *testing.T) {
	t.Parallel()
	outage := map[Reason]bool{ReasonKeyFetch: true, ReasonSecretKeyInvalid: true, ReasonKeyMissing: true, ReasonKeyInvalid: true}
	all := []Reason{
		ReasonTokenInvalid, ReasonInvalidAlgorithm, ReasonKeyMissing, ReasonKeyInvalid, ReasonKeyFetch,
		ReasonSecretKeyInvalid, ReasonKidMismatch, ReasonInvalidSignature, ReasonExpired, ReasonNotActiveYet,
		ReasonIatInFuture, ReasonInvalidIssuer, ReasonUnauthorizedParty, ReasonTokenTypeMismatch,
		ReasonInvalidAudience, ReasonSessionPending, Reason(""), Reason("made-up"),
	}
	for _, r := range all {
		if got := r.KeysUnavailable(); got != outage[r] {
			t.Errorf("%q.KeysUnavailable() = %v, want %v", r, got, outage[r])
		}
	}
}

func TestReasonCodeAndSentinels(t *testing.T) {
	t.Parallel()
	if got := ReasonIatInFuture.Code(); got != "TOKEN_IAT_IN_THE_FUTURE" {
		t.Errorf("Code() = %q", got)
	}
	err := error(&Error{Reason: ReasonSecretKeyInvalid, Detail: "answered 401"})
	if !errors.Is(err, ErrKeyFetch) || errors.Is(err, ErrExpired) {
		t.Errorf("sentinel matching wrong for %v", err)
	}
	if ReasonOf(err) != ReasonSecretKeyInvalid || ReasonOf(errors.New("x")) != "" {
		t.Errorf("ReasonOf wrong")
	}
}
