package verifier_test

import (
	"testing"

	"github.com/authsvc/authsvc/internal/benchserve"
)

// BenchmarkServe offers this package's benchmarks to `make bench`, which
// times each beside its baseline in alternating blocks (internal/benchserve).
func BenchmarkServe(b *testing.B) {
	benchserve.Serve(b, map[string]benchserve.Setup{
		"BaselineRSA":             baselineRSA,
		"VerifyUnseen":            verifyUnseen,
		"VerifyCached":            verifyCached,
		"VerifyM2MJWTUnseen":      verifyM2MJWTUnseen,
		"VerifyOpaqueCached":      verifyOpaqueCached,
		"AuthStateCookieSignedIn": authStateCookieSignedIn,
		"AuthStateBaselineRSA":    authStateBaselineRSA,
	})
}
