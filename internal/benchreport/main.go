// Command benchreport runs authsvc's benchmarks, each next to the baseline it
// is judged against, and prints the ratios with their targets. It exits 1
// when a target is missed. `make bench` runs it.
//
// Machines here are noisy, so every target is a ratio (or a difference)
// against a baseline measured in the same `go test` run, and each benchmark
// is run -count times with the median taken.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
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
	{"./interceptor", "BenchmarkDownstreamCacheHit", "BenchmarkDownstreamBaseline", "diff", 2000, "interceptor overhead on a cache hit, per call (ns)"},
}

func main() {
	count := flag.Int("count", 5, "runs of each benchmark; the median is reported")
	benchtime := flag.String("benchtime", "1s", "go test -benchtime")
	flag.Parse()

	results := map[string][]float64{}
	for _, pkg := range packages() {
		names := benchNames(pkg)
		pattern := "^(" + strings.Join(names, "|") + ")$"
		args := []string{"test", "-run", "^$", "-bench", pattern, "-benchtime", *benchtime, "-count", strconv.Itoa(*count), pkg}
		fmt.Fprintf(os.Stderr, "go %s\n", strings.Join(args, " "))
		out, err := exec.Command("go", args...).CombinedOutput()
		os.Stderr.Write(out)
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchreport: %s: %v\n", pkg, err)
			os.Exit(1)
		}
		for name, v := range parse(out) {
			results[pkg+" "+name] = append(results[pkg+" "+name], v...)
		}
	}
	if !report(results) {
		os.Exit(1)
	}
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

// report prints one line per target and says whether all were met.
func report(results map[string][]float64) bool {
	ok := true
	fmt.Printf("\n%-58s %12s %12s %10s %10s  %s\n", "target", "bench ns/op", "base ns/op", "measured", "limit", "")
	for _, t := range targets {
		b, base := results[t.pkg+" "+t.bench], results[t.pkg+" "+t.baseline]
		if len(b) == 0 || len(base) == 0 {
			fmt.Printf("%-58s missing benchmark output (%s or %s)\n", t.what, t.bench, t.baseline)
			ok = false
			continue
		}
		mb, mbase := median(b), median(base)
		var got float64
		var verdict string
		if t.kind == "ratio" {
			got = mb / mbase
		} else {
			got = mb - mbase
		}
		if got <= t.limit {
			verdict = "ok"
		} else {
			verdict, ok = "MISSED", false
		}
		fmt.Printf("%-58s %12.1f %12.1f %10.4f %10.4f  %s\n", t.what, mb, mbase, got, t.limit, verdict)
	}
	return ok
}
