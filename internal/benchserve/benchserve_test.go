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

func TestAlternate(t *testing.T) {
	t.Parallel()
	p := startSelf(t)
	defer p.Close()
	base, bench := &Side{Proc: p, Op: "sleep1ms"}, &Side{Proc: p, Op: "sleep2ms"}
	for _, s := range []*Side{base, bench} {
		if err := s.Calibrate(8 * time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if s.n < 1 || s.n > 8 {
			t.Errorf("%s: %d calls per 8 ms block, want 1 to 8", s.Op, s.n)
		}
	}
	got, err := Alternate(base, bench, 3, 1, func(b, a float64) float64 { return b - a })
	if err != nil {
		t.Fatal(err)
	}
	if got.BaseNs < 1e6 || got.BenchNs < 2e6 {
		t.Errorf("per-call medians %v (base) and %v (bench) ns, below the sleeps of 1 and 2 ms", got.BaseNs, got.BenchNs)
	}
}

func TestParseRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line    string
		name    string
		n       int
		wantErr bool
	}{
		{"run VerifyUnseen 100", "VerifyUnseen", 100, false},
		{"run  x  1 ", "x", 1, false},
		{"run x", "", 0, true},
		{"walk x 1", "", 0, true},
		{"run x -1", "", 0, true},
		{"run x 1e3", "", 0, true},
		{"run x 1 2", "", 0, true},
	}
	for _, tt := range tests {
		name, n, err := parseRequest(tt.line)
		if (err != nil) != tt.wantErr || name != tt.name || n != tt.n {
			t.Errorf("parseRequest(%q) = %q, %d, %v; want %q, %d, error %v", tt.line, name, n, err, tt.name, tt.n, tt.wantErr)
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
