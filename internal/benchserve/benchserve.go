// Package benchserve times a benchmark and its baseline in short
// alternating blocks, so that a change in the machine's speed, which on a
// shared VM swings by a third from one second to the next, hits both sides
// of a ratio alike.
//
// A package's benchmarks are written once, as Setup functions. Loop runs one
// as an ordinary `go test -bench` benchmark; Serve, from the package's
// BenchmarkServe, offers all of them to a driver over stdin and stdout: the
// driver (`make bench`, internal/benchreport) starts the test binary with
// EnvVar set, and asks it, with Proc.Run, to run one operation N times and
// say how long that took. Two binaries can be driven at once, which is how
// a FIPS build's verify is timed against a pure-Go build's RSA.
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
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		name, n, err := parseRequest(sc.Text())
		if err == nil && ops[name] == nil {
			err = fmt.Errorf("no operation %q", name)
		}
		if err != nil {
			fmt.Fprintf(out, "%serror %v\n", reply, err)
			continue
		}
		op := ready[name]
		if op == nil {
			op = ops[name](b)
			ready[name] = op
		}
		start := time.Now()
		for range n {
			op()
		}
		fmt.Fprintf(out, "%s%s %d %d\n", reply, name, n, time.Since(start).Nanoseconds())
	}
}

func parseRequest(line string) (name string, n int, err error) {
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "run" {
		return "", 0, fmt.Errorf("want \"run NAME N\", got %q", line)
	}
	n, err = strconv.Atoi(f[2])
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("want a count of at least 1, got %q", f[2])
	}
	return f[1], n, nil
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
	if _, err := fmt.Fprintf(p.in, "run %s %d\n", name, n); err != nil {
		return 0, fmt.Errorf("%s: %w (output so far: %q)", name, err, p.output.String())
	}
	for p.out.Scan() {
		line := p.out.Text()
		rest, ok := strings.CutPrefix(line, reply)
		if !ok {
			p.output.WriteString(line + "\n")
			continue
		}
		if why, bad := strings.CutPrefix(rest, "error "); bad {
			return 0, errors.New(why)
		}
		f := strings.Fields(rest)
		if len(f) != 3 || f[0] != name || f[1] != strconv.Itoa(n) {
			return 0, fmt.Errorf("asked for %s %d, answered %q", name, n, line)
		}
		ns, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("answer %q: %w", line, err)
		}
		return time.Duration(ns), nil
	}
	return 0, fmt.Errorf("%s: the test binary ended; its output: %q", name, p.output.String())
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
	n    int // calls per block, from Calibrate
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
func Alternate(base, bench *Side, groups, warm int, measure func(bench, base float64) float64) (Pair, error) {
	var bs, as, ms []float64
	for g := 0; g < warm+groups; g++ {
		var ta, tb time.Duration
		for _, s := range []*Side{base, bench, bench, base} {
			d, err := s.Proc.Run(s.Op, s.n)
			if err != nil {
				return Pair{}, err
			}
			if s == base {
				ta += d
			} else {
				tb += d
			}
		}
		if g < warm {
			continue
		}
		a := float64(ta.Nanoseconds()) / float64(2*base.n)
		b := float64(tb.Nanoseconds()) / float64(2*bench.n)
		as, bs, ms = append(as, a), append(bs, b), append(ms, measure(b, a))
	}
	return Pair{BenchNs: Median(bs), BaseNs: Median(as), Measure: Median(ms), Low: Quantile(ms, 0.25), High: Quantile(ms, 0.75)}, nil
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
