package verifier_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/authsvc/authsvc/internal/benchserve"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// Machine-token benchmarks, beside bench_test.go's session ones. Targets:
// VerifyM2MJWTUnseen ≤ 1.10 × BaselineRSA, VerifyOpaqueCached ≤ 0.02 ×.
//
//	go test -run '^$' -bench 'Verify(M2M|Opaque)|BaselineRSA' ./verifier

var m2mAccepts = verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindM2M}}

func m2mTokens(b *testing.B, iss *verifiertest.Issuer, n int) []string {
	b.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = iss.MintWithHeader(b, map[string]any{"alg": "RS256", "typ": "JWT", "kid": iss.KID, "cat": "cl_B7d4PD333AAA"},
			map[string]any{"sub": "mch_bench", "sid": nil, "jti": "mt_bench_" + strconv.Itoa(i), "aud": []string{"mch_other"}, "team": "billing"})
	}
	return out
}

// BenchmarkVerifyM2MJWTUnseen verifies M2M JWTs with the caches disabled.
func BenchmarkVerifyM2MJWTUnseen(b *testing.B) { benchserve.Loop(b, verifyM2MJWTUnseen(b)) }

func verifyM2MJWTUnseen(b *testing.B) func() {
	iss := verifiertest.NewIssuer(b)
	v := benchVerifier(b, iss, -1)
	tokens := m2mTokens(b, iss, 16)
	ctx := context.Background()
	if _, err := v.VerifyToken(ctx, tokens[0], m2mAccepts); err != nil {
		b.Fatal(err)
	}
	i := 0
	return func() {
		if _, err := v.VerifyToken(ctx, tokens[i%len(tokens)], m2mAccepts); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkVerifyM2MJWTCached verifies one M2M JWT again and again.
func BenchmarkVerifyM2MJWTCached(b *testing.B) {
	iss := verifiertest.NewIssuer(b)
	v := benchVerifier(b, iss, 0)
	tok := m2mTokens(b, iss, 1)[0]
	ctx := context.Background()
	benchserve.Loop(b, func() {
		if _, err := v.VerifyToken(ctx, tok, m2mAccepts); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkVerifyOpaqueCached verifies one API key from the cache of
// successes (the opaque verifier is asked once).
func BenchmarkVerifyOpaqueCached(b *testing.B) { benchserve.Loop(b, verifyOpaqueCached(b)) }

func verifyOpaqueCached(b *testing.B) func() {
	iss := verifiertest.NewIssuer(b)
	v := benchVerifier(b, iss, 0)
	const key = "ak_bench_0123456789abcdefghijklmnopqrstuv"
	f := &fakeOpaque{tokens: map[string]*verifier.Machine{key: {ID: "ak_1", Subject: "user_1"}}}
	opts := verifier.VerifyTokenOptions{Accepts: []verifier.TokenKind{verifier.KindAPIKey}, Opaque: f}
	ctx := context.Background()
	b.Cleanup(func() {
		if f.calls.Load() != 1 {
			b.Errorf("opaque verifier called %d times, want 1", f.calls.Load())
		}
	})
	return func() {
		if _, err := v.VerifyToken(ctx, key, opts); err != nil {
			b.Fatal(err)
		}
	}
}
