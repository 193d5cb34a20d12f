// Package benchserve times a benchmark and its baseline by turns, so that a
// change in the machine's speed, which on a shared VM swings by a third
// from one second to the next, hits both sides of a ratio alike.
//
// A package's benchmarks are written once, as Setup functions. Loop runs one
// as an ordinary `go test -bench` benchmark; Serve, from the package's
// BenchmarkServe, offers all of them to a driver over stdin and stdout: the
// driver (`make bench`, internal/benchreport) starts the test binary with
// EnvVar set, and asks it, with Proc.Run, to run one operation N times and
// say how long that took, or, with Proc.Pair, to run two operations by
// turns in chunks of tens of microseconds and time each. Two binaries can
// be driven at once, by blocks, which is how a FIPS build's verify is timed
// against a pure-Go build's RSA.
//
// It is for benchmarks only: nothing in the service imports it.
package benchserve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// EnvVar, set to "1", makes Serve answer requests instead of skipping.
const EnvVar = "AUTHSVC_BENCH_SERVE"

// Setup prepares one operation and returns it. It may call b.Fatal, and
// register clean-ups that check what the operations did.
type Setup func(b *testing.B) (op func())

// Loop runs op as an ordinary benchmark.
func Loop(b *testing.B, op func()) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		op()
	}
}

// reply prefixes every answer, so that a driver can tell answers from
// anything else the test binary prints.
const reply = "benchserve "

// Serve answers the driver's requests when EnvVar is "1", and otherwise
// skips: run it from a benchmark, and `go test -bench .` only says so.
// A request is a line "run NAME N"; the answer is "benchserve NAME N NS"
// (NS: nanoseconds for the N calls), or "benchserve error WHY". An
// operation is set up on its first request. Serve returns when stdin ends.
func Serve(b *testing.B, ops map[string]Setup) {
	if os.Getenv(EnvVar) != "1" {
		b.Skip("make bench drives this benchmark (" + EnvVar + "=1)")
	}
	serve(b, ops, os.Stdin, os.Stdout)
}

func serve(b *testing.B, ops map[string]Setup, in io.Reader, out io.Writer) {
	ready := map[string]func(){}
	get := func(name string) (func(), error) {
		if ops[name] == nil {
			return nil, fmt.Errorf("no operation %q", name)
		}
		op := ready[name]
		if op == nil {
			op = ops[name](b)
			ready[name] = op
		}
		return op, nil
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		r, err := parseRequest(sc.Text())
		var base, bench func()
		if err == nil {
			base, err = get(r.base)
		}
		if err == nil && r.pair {
			bench, err = get(r.bench)
		}
		if err != nil {
			fmt.Fprintf(out, "%serror %v\n", reply, err)
			continue
		}
		if !r.pair {
			start := time.Now()
			for range r.n {
				base()
			}
			fmt.Fprintf(out, "%s%s %d %d\n", reply, r.base, r.n, time.Since(start).Nanoseconds())
			continue
		}
		ta, tb := interleave(base, bench, r)
		fmt.Fprintf(out, "%spair %s %s %d %d %d %d %d\n", reply, r.base, r.bench, r.n, r.ka, r.kb, ta.Nanoseconds(), tb.Nanoseconds())
	}
}

// interleave runs r.n rounds of four chunks, ka calls of base, kb of
// bench, kb of bench, ka of base, and returns each side's total time.
// A chunk lasts tens of microseconds, so the two sides see the same
// moments of a machine whose speed changes from one millisecond to the
// next; the clock is read between chunks only.
func interleave(base, bench func(), r request) (ta, tb time.Duration) {
	chunk := func(op func(), k int) {
		for range k {
			op()
		}
	}
	t0 := time.Now()
	for range r.n {
		chunk(base, r.ka)
		t1 := time.Now()
		chunk(bench, r.kb)
		chunk(bench, r.kb)
		t2 := time.Now()
		chunk(base, r.ka)
		t3 := time.Now()
		ta += t1.Sub(t0) + t3.Sub(t2)
		tb += t2.Sub(t1)
		t0 = t3
	}
	return ta, tb
}

// request is one line from the driver: "run NAME N", or "pair BASE BENCH
// N KA KB" for N interleaved rounds (see interleave).
type request struct {
	pair        bool
	base, bench string
	n, ka, kb   int
}

func parseRequest(line string) (request, error) {
	f := strings.Fields(line)
	var r request
	var counts []string
	switch {
	case len(f) == 3 && f[0] == "run":
		r.base, counts = f[1], f[2:]
	case len(f) == 6 && f[0] == "pair":
		r.pair, r.base, r.bench, counts = true, f[1], f[2], f[3:]
	default:
		return request{}, fmt.Errorf("want \"run NAME N\" or \"pair BASE BENCH N KA KB\", got %q", line)
	}
	for i, dst := range []*int{&r.n, &r.ka, &r.kb}[:len(counts)] {
		n, err := strconv.Atoi(counts[i])
		if err != nil || n < 1 {
			return request{}, fmt.Errorf("want a count of at least 1, got %q", counts[i])
		}
		*dst = n
	}
	return r, nil
}

// Proc is a test binary serving its package's operations.
type Proc struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Scanner
	output strings.Builder // everything that is not an answer, for errors
}

// Start runs bin's BenchmarkServe in dir with env (EnvVar is added).
func Start(bin, dir string, env []string) (*Proc, error) {
	cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", "^BenchmarkServe$", "-test.benchtime", "1x")
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), env...), EnvVar+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &Proc{cmd: cmd, in: in, out: bufio.NewScanner(out)}, nil
}

// Run asks for n calls of the operation name and returns their time.
func (p *Proc) Run(name string, n int) (time.Duration, error) {
	f, err := p.ask(fmt.Sprintf("run %s %d", name, n), 3)
	if err != nil {
		return 0, err
	}
	if f[0] != name || f[1] != strconv.Itoa(n) {
		return 0, fmt.Errorf("asked for %s %d, answered %q", name, n, strings.Join(f, " "))
	}
	ns, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("answer %q: %w", strings.Join(f, " "), err)
	}
	return time.Duration(ns), nil
}

// Pair asks for n interleaved rounds of ka calls of base and kb calls of
// bench (see interleave) and returns the time of the 2·n·ka base calls and
// of the 2·n·kb bench calls.
func (p *Proc) Pair(base, bench string, n, ka, kb int) (ta, tb time.Duration, err error) {
	f, err := p.ask(fmt.Sprintf("pair %s %s %d %d %d", base, bench, n, ka, kb), 8)
	if err != nil {
		return 0, 0, err
	}
	want := []string{"pair", base, bench, strconv.Itoa(n), strconv.Itoa(ka), strconv.Itoa(kb)}
	if !slices.Equal(f[:6], want) {
		return 0, 0, fmt.Errorf("asked for %s, answered %q", strings.Join(want, " "), strings.Join(f, " "))
	}
	a, errA := strconv.ParseInt(f[6], 10, 64)
	b, errB := strconv.ParseInt(f[7], 10, 64)
	if err := errors.Join(errA, errB); err != nil {
		return 0, 0, fmt.Errorf("answer %q: %w", strings.Join(f, " "), err)
	}
	return time.Duration(a), time.Duration(b), nil
}

// ask sends one request line and returns the fields of its answer, which
// must have want of them.
func (p *Proc) ask(line string, want int) ([]string, error) {
	if _, err := fmt.Fprintln(p.in, line); err != nil {
		return nil, fmt.Errorf("%s: %w (output so far: %q)", line, err, p.output.String())
	}
	for p.out.Scan() {
		text := p.out.Text()
		rest, ok := strings.CutPrefix(text, reply)
		if !ok {
			p.output.WriteString(text + "\n")
			continue
		}
		if why, bad := strings.CutPrefix(rest, "error "); bad {
			return nil, errors.New(why)
		}
		f := strings.Fields(rest)
		if len(f) != want {
			return nil, fmt.Errorf("asked %q, answered %q", line, text)
		}
		return f, nil
	}
	return nil, fmt.Errorf("%s: the test binary ended; its output: %q", line, p.output.String())
}

// Close ends the binary and waits for it.
func (p *Proc) Close() error {
	p.in.Close()
	for p.out.Scan() {
		p.output.WriteString(p.out.Text() + "\n")
	}
	if err := p.cmd.Wait(); err != nil {
		return fmt.Errorf("%w; output: %q", err, p.output.String())
	}
	return nil
}

// Side is one operation in one binary.
type Side struct {
	Proc *Proc
	Op   string
	n    int           // calls per block, from Calibrate
	per  time.Duration // one call's time, from Calibrate
}

// Calibrate picks the calls per block so that one block takes about
// block, from a few warm-up calls.
func (s *Side) Calibrate(block time.Duration) error {
	n := 1
	for {
		d, err := s.Proc.Run(s.Op, n)
		if err != nil {
			return err
		}
		if d >= block/4 || n >= 1<<24 {
			s.n = max(1, int(float64(n)*float64(block)/float64(max(d, 1))))
			s.per = max(1, d/time.Duration(n))
			return nil
		}
		n *= 4
	}
}

// Pair is a measurement of Bench against Base: per-call times, and the
// median over groups of the group's measure.
type Pair struct {
	BenchNs, BaseNs float64 // medians over the groups of the per-call time
	Measure         float64 // median over the groups of measure(bench, base)
	Low, High       float64 // the middle half of the groups' measures: the first and third quartiles
}

// Alternate times groups of four blocks, base bench bench base, so that
// each side runs as early in a group as the other, and returns the
// medians. measure turns one group's per-call times into the quantity
// judged (a ratio, a difference). The first warm groups are thrown away.
//
// When both sides are in one binary, a group is instead that binary's
// interleaved rounds (see interleave), chunks of about chunk each, as long
// in all as four blocks: the sides then take turns every few tens of
// microseconds rather than every few milliseconds, which on a VM whose
// speed changes from one millisecond to the next is what lets a
// difference of a microsecond or two between two calls of 80 be seen.
func Alternate(base, bench *Side, groups, warm int, measure func(bench, base float64) float64) (Pair, error) {
	group := func() (float64, float64, error) { return blocks(base, bench) }
	if base.Proc == bench.Proc {
		group = interleaved(base, bench)
	}
	var bs, as, ms []float64
	for g := 0; g < warm+groups; g++ {
		a, b, err := group()
		if err != nil {
			return Pair{}, err
		}
		if g < warm {
			continue
		}
		as, bs, ms = append(as, a), append(bs, b), append(ms, measure(b, a))
	}
	return Pair{BenchNs: Median(bs), BaseNs: Median(as), Measure: Median(ms), Low: Quantile(ms, 0.25), High: Quantile(ms, 0.75)}, nil
}

// chunk is about how long one side runs before the other, interleaved.
const chunk = 50 * time.Microsecond

// blocks times one group of blocks, base bench bench base, and returns the
// two sides' per-call times in nanoseconds.
func blocks(base, bench *Side) (a, b float64, err error) {
	var ta, tb time.Duration
	for _, s := range []*Side{base, bench, bench, base} {
		d, err := s.Proc.Run(s.Op, s.n)
		if err != nil {
			return 0, 0, err
		}
		if s == base {
			ta += d
		} else {
			tb += d
		}
	}
	return float64(ta.Nanoseconds()) / float64(2*base.n), float64(tb.Nanoseconds()) / float64(2*bench.n), nil
}

// interleaved returns the group of base and bench in one binary: rounds of
// chunks, as long in all as four blocks.
func interleaved(base, bench *Side) func() (float64, float64, error) {
	ka := max(1, int(chunk/base.per))
	kb := max(1, int(chunk/bench.per))
	round := 2*time.Duration(ka)*base.per + 2*time.Duration(kb)*bench.per
	four := 2*time.Duration(base.n)*base.per + 2*time.Duration(bench.n)*bench.per
	rounds := max(1, int(four/round))
	return func() (float64, float64, error) {
		ta, tb, err := base.Proc.Pair(base.Op, bench.Op, rounds, ka, kb)
		if err != nil {
			return 0, 0, err
		}
		return float64(ta.Nanoseconds()) / float64(2*rounds*ka), float64(tb.Nanoseconds()) / float64(2*rounds*kb), nil
	}
}

// Median is the middle value of v (the mean of the two middle ones when
// there are an even number), or 0 for none.
func Median(v []float64) float64 { return Quantile(v, 0.5) }

// Quantile is the q-quantile of v (0 ≤ q ≤ 1), interpolating linearly
// between the two nearest values, or 0 for none.
func Quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (pos-float64(i))*(s[i+1]-s[i])
}
