package benchserve

import (
	"os"
	"strings"
	"testing"
	"time"
)

// The tests drive this test binary itself: its BenchmarkServe offers
// operations whose durations have a floor (time.Sleep sleeps at least as
// long as asked), so the answers can be checked without timing guesses.

var testOps = map[string]Setup{
	"sleep1ms": func(b *testing.B) func() { return func() { time.Sleep(time.Millisecond) } },
	"sleep2ms": func(b *testing.B) func() { return func() { time.Sleep(2 * time.Millisecond) } },
	"broken":   func(b *testing.B) func() { b.Fatal("setup of broken fails"); return nil },
}

func BenchmarkServe(b *testing.B) { Serve(b, testOps) }

func startSelf(t *testing.T) *Proc {
	t.Helper()
	p, err := Start(os.Args[0], ".", os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunTimesTheCallsAsked(t *testing.T) {
	t.Parallel()
	p := startSelf(t)
	for _, n := range []int{1, 3} {
		d, err := p.Run("sleep1ms", n)
		if err != nil {
			t.Fatal(err)
		}
		if d < time.Duration(n)*time.Millisecond {
			t.Errorf("Run(sleep1ms, %d) = %v, less than %d sleeps of 1 ms", n, d, n)
		}
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestRunRefusesAndGoesOn(t *testing.T) {
	t.Parallel()
	p := startSelf(t)
	if _, err := p.Run("nosuch", 1); err == nil || !strings.Contains(err.Error(), `no operation "nosuch"`) {
		t.Errorf("Run(nosuch) error = %v, want no operation", err)
	}
	if _, err := p.Run("sleep1ms", 0); err == nil || !strings.Contains(err.Error(), "at least 1") {
		t.Errorf("Run(sleep1ms, 0) error = %v, want a count error", err)
	}
	if _, err := p.Run("sleep1ms", 1); err != nil {
		t.Errorf("Run after refusals: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestBrokenSetupEndsTheBinary(t *testing.T) {
	t.Parallel()
	p := startSelf(t)
	if _, err := p.Run("broken", 1); err == nil || !strings.Contains(err.Error(), "setup of broken fails") {
		t.Errorf("Run(broken) error = %v, want the binary's end with the setup's message", err)
	}
	if err := p.Close(); err == nil {
		t.Error("Close after a failed setup: nil error, want the binary's failure")
	}
}

// TestAlternate covers both ways of taking turns: blocks when the sides are
// two binaries, interleaved chunks when they are one.
func TestAlternate(t *testing.T) {
	t.Parallel()
	p, q := startSelf(t), startSelf(t)
	defer p.Close()
	defer q.Close()
	for _, tt := range []struct {
		name        string
		base, bench *Side
	}{
		{"one binary", &Side{Proc: p, Op: "sleep1ms"}, &Side{Proc: p, Op: "sleep2ms"}},
		{"two binaries", &Side{Proc: p, Op: "sleep1ms"}, &Side{Proc: q, Op: "sleep2ms"}},
	} {
		for _, s := range []*Side{tt.base, tt.bench} {
			if err := s.Calibrate(8 * time.Millisecond); err != nil {
				t.Fatal(err)
			}
			if s.n < 1 || s.n > 8 {
				t.Errorf("%s: %s: %d calls per 8 ms block, want 1 to 8", tt.name, s.Op, s.n)
			}
		}
		got, err := Alternate(tt.base, tt.bench, 3, 1, func(b, a float64) float64 { return b - a })
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got.BaseNs < 1e6 || got.BenchNs < 2e6 {
			t.Errorf("%s: per-call medians %v (base) and %v (bench) ns, below the sleeps of 1 and 2 ms", tt.name, got.BaseNs, got.BenchNs)
		}
	}
}

// TestPairTimesEachSide checks that an interleaved request times each side
// apart: the 1 ms sleeps' total, and the 2 ms sleeps', each at least their
// sleeps.
func TestPairTimesEachSide(t *testing.T) {
	t.Parallel()
	p := startSelf(t)
	ta, tb, err := p.Pair("sleep1ms", "sleep2ms", 2, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if ta < 4*time.Millisecond || tb < 16*time.Millisecond {
		t.Errorf("Pair = %v, %v; want at least 4 ms (4 sleeps of 1 ms) and 16 ms (8 of 2 ms)", ta, tb)
	}
	if _, _, err := p.Pair("sleep1ms", "nosuch", 1, 1, 1); err == nil || !strings.Contains(err.Error(), `no operation "nosuch"`) {
		t.Errorf("Pair(sleep1ms, nosuch) error = %v, want no operation", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestParseRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line    string
		want    request
		wantErr bool
	}{
		{"run VerifyUnseen 100", request{base: "VerifyUnseen", n: 100}, false},
		{"run  x  1 ", request{base: "x", n: 1}, false},
		{"pair a b 3 1 20", request{pair: true, base: "a", bench: "b", n: 3, ka: 1, kb: 20}, false},
		{"run x", request{}, true},
		{"walk x 1", request{}, true},
		{"run x -1", request{}, true},
		{"run x 1e3", request{}, true},
		{"run x 1 2", request{}, true},
		{"pair a b 3 1", request{}, true},
		{"pair a b 3 0 1", request{}, true},
		{"pair a b 3 1 x", request{}, true},
	}
	for _, tt := range tests {
		got, err := parseRequest(tt.line)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseRequest(%q) = %+v, %v; want %+v, error %v", tt.line, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := Median(tt.in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestQuantile(t *testing.T) {
	t.Parallel()
	v := []float64{40, 10, 30, 20, 50}
	tests := []struct{ q, want float64 }{{0, 10}, {0.25, 20}, {0.5, 30}, {0.75, 40}, {1, 50}, {0.125, 15}}
	for _, tt := range tests {
		if got := Quantile(v, tt.q); got != tt.want {
			t.Errorf("Quantile(%v, %v) = %v, want %v", v, tt.q, got, tt.want)
		}
	}
}
