package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRunsInterleaveBuilds: the FIPS verifier binary is built, beside the
// pure-Go one it is divided by, and no other package needs a FIPS build.
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
	if got := (target{kind: "overhead"}).measure(1500, 500); got != 2 {
		t.Errorf("overhead (1500-500)/500 = %v", got)
	}
}
