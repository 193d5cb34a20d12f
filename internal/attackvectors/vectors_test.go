package attackvectors_test

import (
	"strings"
	"testing"

	"github.com/authsvc/authsvc/internal/attackvectors"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// TestAll checks the table itself: unique rule-named rows, reasons that
// refuse, auth-state reasons that sign out, and tokens of three parts.
func TestAll(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	seen := map[string]bool{}
	for _, a := range attackvectors.All() {
		if seen[a.Name] || !strings.HasPrefix(a.Name, "rule5/") && !strings.HasPrefix(a.Name, "rule6/") {
			t.Errorf("row %q: duplicate or not named after rule 5 or 6", a.Name)
		}
		seen[a.Name] = true
		if a.Reason != verifier.ReasonTokenInvalid && a.Reason != verifier.ReasonTokenTypeMismatch {
			t.Errorf("row %q: reason %q", a.Name, a.Reason)
		}
		for _, r := range []verifier.AuthReason{a.Header, a.Cookie} {
			if s, ok := r.Status(); !ok || s != verifier.StatusSignedOut {
				t.Errorf("row %q: auth reason %q does not sign out", a.Name, r)
			}
		}
		if parts := strings.Split(a.Token(t, iss, 1_800_000_000), "."); len(parts) != 3 {
			t.Errorf("row %q: token of %d parts", a.Name, len(parts))
		}
	}
	if len(seen) < 30 {
		t.Errorf("%d rows, want every shape of rules 5 and 6", len(seen))
	}
}
