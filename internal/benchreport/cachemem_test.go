package main

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// clerkLikeClaims are a production Clerk session token's claims (v2, with
// an active organization and factor verification age), so that the token
// is about as long as a real one.
func clerkLikeClaims(i int) map[string]any {
	n := strconv.Itoa(100000 + i)
	return map[string]any{
		"azp": "https://app.example.com",
		"sub": "user_2abcDEFghiJKLmnoPQRstuVWX" + n,
		"sid": "sess_2abcDEFghiJKLmnoPQRstuVWX" + n,
		"jti": "b2c3d4e5f6a7b8c9d0e1" + n,
		"sts": "active",
		"v":   2,
		"fva": []int{7, -1},
		"o": map[string]any{
			"id":  "org_2abcDEFghiJKLmnoPQRstuVWX",
			"rol": "admin",
			"slg": "acme-corp",
			"per": "manage,read,write",
			"fpm": "3,1",
		},
	}
}

// BenchmarkDecisionCacheEntry measures the heap one decision cache entry
// holds: it fills a verifier's cache with distinct Clerk-sized tokens and
// reports the retained heap per entry (B/entry) and the token length
// (token-bytes). Each token reaches Verify as a fresh string, as one
// decoded from a request does, so the cache's hold on it is counted. Run:
//
//	go test -run '^$' -bench DecisionCacheEntry -benchtime 1x ./internal/benchreport
func BenchmarkDecisionCacheEntry(b *testing.B) {
	const entries = 2000
	iss := verifiertest.NewIssuer(b)
	tokens := make([][]byte, entries)
	for i := range tokens {
		tokens[i] = []byte(iss.Mint(b, clerkLikeClaims(i)))
	}
	cfg := iss.Config()
	now := time.Now()
	cfg.Now = func() time.Time { return now }
	cfg.AuthorizedParties = []string{"https://app.example.com"}
	cfg.CacheSize = entries * 2
	ctx := context.Background()
	for b.Loop() {
		v, err := verifier.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		// One verification outside the measurement loads the key set.
		if _, err := v.Verify(ctx, string(tokens[0])); err != nil {
			b.Fatal(err)
		}
		before := heapInUse()
		for _, tok := range tokens[1:] {
			if _, err := v.Verify(ctx, string(tok)); err != nil {
				b.Fatal(err)
			}
		}
		after := heapInUse()
		b.ReportMetric(float64(after-before)/float64(entries-1), "B/entry")
		runtime.KeepAlive(v)
		v.Close()
	}
	b.ReportMetric(float64(len(tokens[0])), "token-bytes")
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
