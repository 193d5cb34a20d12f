package verifier_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authsvc/authsvc/internal/benchserve"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// The benchmarks compare the verifier with the raw RSA work it cannot avoid.
// Run them with
//
//	go test -run '^$' -bench . -benchtime 2s -count 3 ./verifier
//
// Targets: VerifyUnseen ≤ 1.10 × BaselineRSA, VerifyCached ≤ 0.02 × BaselineRSA.

// benchClaims is a realistic session token payload (v1 with an org).
var benchClaims = map[string]any{
	"azp":             "https://app.example.com",
	"org_id":          "org_2bench",
	"org_slug":        "bench",
	"org_role":        "org:admin",
	"org_permissions": []string{"org:sys_memberships:manage", "org:sys_profile:read"},
	"fva":             []int{3, -1},
	"sts":             "active",
}

func benchVerifier(b *testing.B, iss *verifiertest.Issuer, cacheSize int) *verifier.Verifier {
	b.Helper()
	cfg := iss.Config()
	now := time.Now()
	cfg.Now = func() time.Time { return now }
	cfg.CacheSize = cacheSize
	cfg.AuthorizedParties = []string{"https://app.example.com"}
	v, err := verifier.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(v.Close)
	return v
}

func benchTokens(b *testing.B, iss *verifiertest.Issuer, n int) []string {
	b.Helper()
	out := make([]string, n)
	for i := range out {
		claims := map[string]any{"sid": "sess_bench_" + strconv.Itoa(i)}
		for k, v := range benchClaims {
			claims[k] = v
		}
		out[i] = iss.Mint(b, claims)
	}
	return out
}

// BenchmarkBaselineRSA is the unavoidable work: SHA-256 of the signing input
// and an RSA-2048 PKCS#1 v1.5 verification.
func BenchmarkBaselineRSA(b *testing.B) { benchserve.Loop(b, baselineRSA(b)) }

func baselineRSA(b *testing.B) func() {
	iss := verifiertest.NewIssuer(b)
	return rawRSA(b, &iss.Key.PublicKey, benchTokens(b, iss, 1)[0])
}

// rawRSA is the floor for token without any cache: SHA-256 of its signing
// input and one crypto/rsa.VerifyPKCS1v15 with pub.
func rawRSA(b *testing.B, pub *rsa.PublicKey, token string) func() {
	b.Helper()
	dot := strings.LastIndexByte(token, '.')
	sig, err := base64.RawURLEncoding.DecodeString(token[dot+1:])
	if err != nil {
		b.Fatal(err)
	}
	input := []byte(token[:dot])
	return func() {
		sum := sha256.Sum256(input)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyUnseen verifies tokens the decision cache has not seen (the
// cache is disabled), with the key set already loaded.
func BenchmarkVerifyUnseen(b *testing.B) { benchserve.Loop(b, verifyUnseen(b)) }

func verifyUnseen(b *testing.B) func() {
	iss := verifiertest.NewIssuer(b)
	v := benchVerifier(b, iss, -1)
	tokens := benchTokens(b, iss, 16)
	ctx := context.Background()
	if _, err := v.Verify(ctx, tokens[0]); err != nil {
		b.Fatal(err)
	}
	i := 0
	return func() {
		if _, err := v.Verify(ctx, tokens[i%len(tokens)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkVerifyCached verifies the same token again and again: a warm
// decision cache, with the time and azp checks still run on every hit.
func BenchmarkVerifyCached(b *testing.B) { benchserve.Loop(b, verifyCached(b)) }

func verifyCached(b *testing.B) func() {
	iss := verifiertest.NewIssuer(b)
	v := benchVerifier(b, iss, 0)
	token := benchTokens(b, iss, 1)[0]
	ctx := context.Background()
	if _, err := v.Verify(ctx, token); err != nil {
		b.Fatal(err)
	}
	return func() {
		if _, err := v.Verify(ctx, token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyCachedParallel is BenchmarkVerifyCached from every P at
// once, to show the cost of contention on the cache shards.
func BenchmarkVerifyCachedParallel(b *testing.B) {
	iss := verifiertest.NewIssuer(b)
	v := benchVerifier(b, iss, 0)
	tokens := benchTokens(b, iss, 8)
	ctx := context.Background()
	for _, tok := range tokens {
		if _, err := v.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := v.Verify(ctx, tokens[i%len(tokens)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
