// Command benchreport runs authsvc's benchmarks, each next to the baseline it
// is judged against, and prints the ratios with their targets. It exits 1
// when a target is missed. `make bench` runs it.
//
// Machines here are noisy, so every target is a ratio (or a difference)
// against a baseline measured in the same `go test` run, and each benchmark
// round runs every benchmark once, baselines interleaved with what they
// judge; the median over the rounds is reported.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// target compares one benchmark against its baseline.
type target struct {
	pkg, bench, baseline string
	kind                 string // "ratio": bench/baseline <= limit; "diff": bench-baseline <= limit ns
	limit                float64
	what                 string
}

var targets = []target{
	{"./verifier", "BenchmarkVerifyUnseen", "BenchmarkBaselineRSA", "ratio", 1.10, "verify, unseen token vs raw RSA verify"},
	{"./verifier", "BenchmarkVerifyCached", "BenchmarkBaselineRSA", "ratio", 0.02, "verify, cached token vs raw RSA verify"},
	{"./verifier", "BenchmarkAuthStateCookieSignedIn", "BenchmarkAuthStateBaselineRSA", "ratio", 0.05, "auth state, signed-in cookie (cached) vs raw RSA verify"},
	{"./interceptor", "BenchmarkDownstreamCacheHit", "BenchmarkDownstreamBaseline", "diff", 2000, "interceptor overhead on a cache hit, bufconn call (ns)"},
	{"./interceptor", "BenchmarkInterceptorCacheHit", "BenchmarkInterceptorBaseline", "diff", 2000, "interceptor overhead on a cache hit, function alone (ns)"},
	{"./server", "BenchmarkCheckCookieSignedIn", "BenchmarkCheckBaselineRSA", "ratio", 0.03, "ext_authz Check, signed-in cookie (cached) vs raw RSA verify"},
}

func main() {
	rounds := flag.Int("rounds", 5, "rounds; each round runs every benchmark once, and the median of the per-round results is reported")
	benchtime := flag.String("benchtime", "1s", "-test.benchtime of each run")
	flag.Parse()

	dir, err := os.MkdirTemp("", "benchreport")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	bins := map[string]string{}
	for _, pkg := range packages() {
		bin := filepath.Join(dir, strings.NewReplacer("/", "_", ".", "_").Replace(pkg)+".test")
		if out, err := exec.Command("go", "test", "-c", "-o", bin, pkg).CombinedOutput(); err != nil {
			fail(fmt.Errorf("build %s: %v\n%s", pkg, err, out))
		}
		bins[pkg] = bin
	}
	// Rounds interleave the benchmarks with their baselines so that a change
	// in machine load hits both sides of a ratio alike.
	perRound := map[string][]float64{}
	for r := 1; r <= *rounds; r++ {
		fmt.Fprintf(os.Stderr, "round %d/%d\n", r, *rounds)
		for _, pkg := range packages() {
			pattern := "^(" + strings.Join(benchNames(pkg), "|") + ")$"
			cmd := exec.Command(bins[pkg], "-test.run", "^$", "-test.bench", pattern, "-test.benchtime", *benchtime)
			cmd.Dir = pkgDir(pkg)
			out, err := cmd.CombinedOutput()
			if err != nil {
				fail(fmt.Errorf("%s: %v\n%s", pkg, err, out))
			}
			res := parse(out)
			for _, t := range targets {
				if t.pkg != pkg || len(res[t.bench]) == 0 || len(res[t.baseline]) == 0 {
					continue
				}
				perRound[t.key()+" bench"] = append(perRound[t.key()+" bench"], res[t.bench][0])
				perRound[t.key()+" base"] = append(perRound[t.key()+" base"], res[t.baseline][0])
				perRound[t.key()] = append(perRound[t.key()], t.measure(res[t.bench][0], res[t.baseline][0]))
			}
		}
	}
	if !report(perRound) {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchreport:", err)
	os.Exit(1)
}

// pkgDir turns "./verifier" into the directory a test binary must run in
// (tests read testdata relative to it).
func pkgDir(pkg string) string {
	return filepath.FromSlash(strings.TrimPrefix(pkg, "./"))
}

func (t target) key() string { return t.pkg + " " + t.bench }

// measure is the target's quantity for one round: a ratio or a difference.
func (t target) measure(bench, base float64) float64 {
	if t.kind == "ratio" {
		return bench / base
	}
	return bench - base
}

func packages() []string {
	seen, out := map[string]bool{}, []string{}
	for _, t := range targets {
		if !seen[t.pkg] {
			seen[t.pkg] = true
			out = append(out, t.pkg)
		}
	}
	return out
}

func benchNames(pkg string) []string {
	var names []string
	for _, t := range targets {
		if t.pkg == pkg {
			names = append(names, t.bench, t.baseline)
		}
	}
	return names
}

var line = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([0-9.]+) ns/op`)

// parse collects ns/op samples per benchmark name from go test output.
func parse(out []byte) map[string][]float64 {
	res := map[string][]float64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if v, err := strconv.ParseFloat(m[2], 64); err == nil {
			res[m[1]] = append(res[m[1]], v)
		}
	}
	return res
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// report prints one line per target, from the medians over the rounds,
// and says whether all were met.
func report(perRound map[string][]float64) bool {
	ok := true
	fmt.Printf("\n%-58s %12s %12s %10s %10s  %s\n", "target (median of rounds)", "bench ns/op", "base ns/op", "measured", "limit", "")
	for _, t := range targets {
		got := perRound[t.key()]
		if len(got) == 0 {
			fmt.Printf("%-58s missing benchmark output (%s or %s)\n", t.what, t.bench, t.baseline)
			ok = false
			continue
		}
		m := median(got)
		verdict := "ok"
		if m > t.limit {
			verdict, ok = "MISSED", false
		}
		fmt.Printf("%-58s %12.1f %12.1f %10.4f %10.4f  %s\n", t.what, median(perRound[t.key()+" bench"]), median(perRound[t.key()+" base"]), m, t.limit, verdict)
	}
	return ok
}
