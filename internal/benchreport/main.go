// Command benchreport runs authsvc's benchmarks, each next to the baseline it
// is judged against, and prints the ratios with their targets. It exits 1
// when a target is missed. `make bench` runs it.
//
// Machines here are noisy, so every target is a ratio (or a difference)
// against a baseline measured in the same `go test` run, and each benchmark
// round runs every benchmark once, baselines interleaved with what they
// judge; the median over the rounds is reported.
//
// A target may compare two builds: "unseen token, FIPS build ÷ raw RSA,
// pure-Go build" takes its numerator from a test binary built with
// GOEXPERIMENT=boringcrypto (cgo) and its denominator from the ordinary
// one, both run in every round. Where cgo cannot build, that row says
// "skipped: no cgo" and is not counted as met.
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
	kind                 string // "ratio": bench/baseline <= limit; "diff": bench-baseline <= limit ns; "info": a ratio shown, never judged
	limit                float64
	what                 string
	benchBuild           build // the build the bench runs in; the baseline always runs in pureGo
}

// build is one way of compiling the test binaries.
type build string

const (
	pureGo build = ""     // go test -c, CGO_ENABLED as the environment says
	fips   build = "fips" // GOEXPERIMENT=boringcrypto CGO_ENABLED=1 go test -c
)

func (b build) env() []string {
	if b == fips {
		return append(os.Environ(), "GOEXPERIMENT=boringcrypto", "CGO_ENABLED=1")
	}
	return os.Environ()
}

var targets = []target{
	{"./verifier", "BenchmarkVerifyUnseen", "BenchmarkBaselineRSA", "ratio", 1.10, "verify, unseen token vs raw RSA verify", pureGo},
	{"./verifier", "BenchmarkVerifyCached", "BenchmarkBaselineRSA", "ratio", 0.02, "verify, cached token vs raw RSA verify", pureGo},
	{"./verifier", "BenchmarkVerifyM2MJWTUnseen", "BenchmarkBaselineRSA", "ratio", 1.10, "verify, unseen M2M JWT vs raw RSA verify", pureGo},
	{"./verifier", "BenchmarkVerifyOpaqueCached", "BenchmarkBaselineRSA", "ratio", 0.02, "verify, cached opaque token (API key) vs raw RSA verify", pureGo},
	{"./verifier", "BenchmarkAuthStateCookieSignedIn", "BenchmarkAuthStateBaselineRSA", "ratio", 0.05, "auth state, signed-in cookie (cached) vs raw RSA verify", pureGo},
	{"./interceptor", "BenchmarkDownstreamCacheHit", "BenchmarkDownstreamBaseline", "diff", 2000, "interceptor overhead on a cache hit, bufconn call (ns)", pureGo},
	{"./interceptor", "BenchmarkInterceptorCacheHit", "BenchmarkInterceptorBaseline", "diff", 2000, "interceptor overhead on a cache hit, function alone (ns)", pureGo},
	{"./server", "BenchmarkCheckCookieSignedIn", "BenchmarkCheckBaselineRSA", "ratio", 0.03, "ext_authz Check, signed-in cookie (cached) vs raw RSA verify", pureGo},
	{"./verifier", "BenchmarkVerifyUnseen", "BenchmarkBaselineRSA", "ratio", 0.55, "unseen token, FIPS build ÷ raw RSA, pure-Go build", fips},
	{"./verifier", "BenchmarkBaselineRSA", "BenchmarkBaselineRSA", "info", 0.55, "(its floor) raw RSA, FIPS build ÷ raw RSA, pure-Go build", fips},
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
	bins, skipped := buildAll(dir)
	// Rounds interleave the benchmarks with their baselines, and the builds
	// with each other, so that a change in machine load hits both sides of
	// a ratio alike.
	perRound := map[string][]float64{}
	for r := 1; r <= *rounds; r++ {
		fmt.Fprintf(os.Stderr, "round %d/%d\n", r, *rounds)
		res := map[build]map[string][]float64{}
		for _, run := range runs() {
			bin, ok := bins[run]
			if !ok {
				continue
			}
			pattern := "^(" + strings.Join(benchNames(run), "|") + ")$"
			cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", pattern, "-test.benchtime", *benchtime)
			cmd.Dir = pkgDir(run.pkg)
			out, err := cmd.CombinedOutput()
			if err != nil {
				fail(fmt.Errorf("%s %s: %v\n%s", run.pkg, run.build, err, out))
			}
			if res[run.build] == nil {
				res[run.build] = map[string][]float64{}
			}
			for name, v := range parse(out) {
				res[run.build][run.pkg+" "+name] = v
			}
		}
		for _, t := range targets {
			bench, base := res[t.benchBuild][t.pkg+" "+t.bench], res[pureGo][t.pkg+" "+t.baseline]
			if len(bench) == 0 || len(base) == 0 {
				continue
			}
			perRound[t.key()+" bench"] = append(perRound[t.key()+" bench"], bench[0])
			perRound[t.key()+" base"] = append(perRound[t.key()+" base"], base[0])
			perRound[t.key()] = append(perRound[t.key()], t.measure(bench[0], base[0]))
		}
	}
	if !report(perRound, skipped) {
		os.Exit(1)
	}
}

// testRun is one test binary: a package in a build.
type testRun struct {
	pkg   string
	build build
}

// runs lists the test binaries the targets need, in the order each round
// runs them: package by package, the pure-Go build then the FIPS one, so
// that the two sides of a cross-build ratio run back to back.
func runs() []testRun {
	seen, out := map[testRun]bool{}, []testRun{}
	for _, pkg := range packages() {
		for _, b := range []build{pureGo, fips} {
			for _, t := range targets {
				r := testRun{pkg, b}
				if t.pkg == pkg && (b == pureGo || t.benchBuild == b) && !seen[r] {
					seen[r] = true
					out = append(out, r)
				}
			}
		}
	}
	return out
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

// buildAll compiles every test binary. A FIPS binary that cannot build
// for want of cgo is left out and its build reported in skipped; any other
// build failure ends the run.
func buildAll(dir string) (map[testRun]string, map[build]string) {
	bins, skipped := map[testRun]string{}, map[build]string{}
	for _, run := range runs() {
		if _, ok := skipped[run.build]; ok {
			continue
		}
		if run.build == fips {
			if why := noCgo(); why != "" {
				skipped[fips] = why
				continue
			}
		}
		bin := filepath.Join(dir, strings.NewReplacer("/", "_", ".", "_").Replace(run.pkg)+"_"+string(run.build)+".test")
		cmd := exec.Command("go", "test", "-c", "-o", bin, run.pkg)
		cmd.Env = run.build.env()
		if out, err := cmd.CombinedOutput(); err != nil {
			fail(fmt.Errorf("build %s %s: %v\n%s", run.pkg, run.build, err, out))
		}
		bins[run] = bin
	}
	return bins, skipped
}

// noCgo says why cgo builds cannot work here, or "" when they can.
func noCgo() string {
	cmd := exec.Command("go", "env", "CC")
	cmd.Env = fips.env()
	out, err := cmd.Output()
	if err != nil {
		return err.Error()
	}
	cc := strings.Fields(string(out))
	if len(cc) == 0 {
		return "no C compiler configured"
	}
	if _, err := exec.LookPath(cc[0]); err != nil {
		return "no C compiler (" + cc[0] + ")"
	}
	return ""
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

func (t target) key() string { return t.pkg + " " + t.bench + " " + string(t.benchBuild) }

// measure is the target's quantity for one round: a ratio or a difference.
func (t target) measure(bench, base float64) float64 {
	if t.kind == "ratio" || t.kind == "info" {
		return bench / base
	}
	return bench - base
}

// benchNames are the benchmarks one test binary runs: the targets'
// benches built that way, and every baseline in the pure-Go build.
func benchNames(run testRun) []string {
	seen := map[string]bool{}
	var names []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for _, t := range targets {
		if t.pkg != run.pkg {
			continue
		}
		if t.benchBuild == run.build {
			add(t.bench)
		}
		if run.build == pureGo {
			add(t.baseline)
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
func report(perRound map[string][]float64, skipped map[build]string) bool {
	ok := true
	fmt.Printf("\n%-58s %12s %12s %10s %10s  %s\n", "target (median of rounds)", "bench ns/op", "base ns/op", "measured", "limit", "")
	for _, t := range targets {
		if why, skip := skipped[t.benchBuild]; skip {
			fmt.Printf("%-58s skipped: no cgo (%s); not measured, not met\n", t.what, why)
			continue
		}
		got := perRound[t.key()]
		if len(got) == 0 {
			fmt.Printf("%-58s missing benchmark output (%s or %s)\n", t.what, t.bench, t.baseline)
			ok = false
			continue
		}
		m := median(got)
		verdict := "ok"
		switch {
		case t.kind == "info":
			verdict = "info"
		case m > t.limit:
			verdict, ok = "MISSED", false
		}
		fmt.Printf("%-58s %12.1f %12.1f %10.4f %10.4f  %s\n", t.what, median(perRound[t.key()+" bench"]), median(perRound[t.key()+" base"]), m, t.limit, verdict)
	}
	return ok
}
