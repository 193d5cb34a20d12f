package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBenchNames: the FIPS binary runs only the benchmarks measured in that
// build, and the pure-Go binary runs every baseline, the FIPS rows' too.
func TestBenchNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  testRun
		want []string
	}{
		{"verifier, FIPS build", testRun{"./verifier", fips}, []string{"BenchmarkVerifyUnseen", "BenchmarkBaselineRSA"}},
		{"verifier, pure-Go build", testRun{"./verifier", pureGo}, []string{"BenchmarkVerifyUnseen", "BenchmarkBaselineRSA", "BenchmarkVerifyCached", "BenchmarkVerifyM2MJWTUnseen", "BenchmarkVerifyOpaqueCached", "BenchmarkAuthStateCookieSignedIn", "BenchmarkAuthStateBaselineRSA"}},
		{"interceptor, FIPS build", testRun{"./interceptor", fips}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, benchNames(tt.run)); diff != "" {
				t.Errorf("benchNames (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunsInterleaveBuilds: every round runs the FIPS verifier binary, and
// the pure-Go one it is divided by.
func TestRunsInterleaveBuilds(t *testing.T) {
	t.Parallel()
	want := []testRun{{"./verifier", pureGo}, {"./verifier", fips}, {"./interceptor", pureGo}, {"./server", pureGo}}
	if diff := cmp.Diff(want, runs(), cmp.AllowUnexported(testRun{})); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
}

func TestMeasure(t *testing.T) {
	t.Parallel()
	ratio := target{kind: "ratio"}
	diff := target{kind: "diff"}
	if got := ratio.measure(18, 36); got != 0.5 {
		t.Errorf("ratio 18/36 = %v", got)
	}
	if got := diff.measure(1500, 500); got != 1000 {
		t.Errorf("diff 1500-500 = %v", got)
	}
}
