package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"time"
)

func main() {
	if err := reexecPinned(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// reexecPinned runs this program again under `taskset -c 1` (once), so the
// generator has CPU 1 and the service CPU 0. Without taskset it warns and
// goes on unpinned.
func reexecPinned() error {
	if os.Getenv("LOADTEST_PINNED") != "" {
		return nil
	}
	if _, err := exec.LookPath("taskset"); err != nil || runtime.NumCPU() < 2 {
		fmt.Fprintln(os.Stderr, "loadtest: WARNING: taskset missing or fewer than 2 CPUs; running unpinned, figures will be noisier")
		return os.Setenv("LOADTEST_PINNED", "no")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command("taskset", append([]string{"-c", "1", self}, os.Args[1:]...)...)
	cmd.Env = append(os.Environ(), "LOADTEST_PINNED=yes")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signal.Ignore(os.Interrupt) // the child handles it
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		return err
	}
	os.Exit(0)
	return nil
}

type settings struct {
	closed, open, soak time.Duration
	rate, conc         int
	profileDir         string
	only               map[string]bool
}

func loadSettings() (settings, error) {
	s := settings{closed: 8 * time.Second, open: 8 * time.Second, soak: 2 * time.Minute, rate: 1000, conc: 32}
	var err error
	for _, d := range []struct {
		env string
		v   *time.Duration
	}{{"LOADTEST_DURATION", &s.closed}, {"LOADTEST_OPEN", &s.open}, {"SOAK", &s.soak}} {
		if e := os.Getenv(d.env); e != "" {
			if *d.v, err = time.ParseDuration(e); err != nil || *d.v < 0 || *d.v > time.Hour {
				return s, fmt.Errorf("%s: want a duration between 0 and 1h", d.env)
			}
		}
	}
	for _, n := range []struct {
		env      string
		v        *int
		min, max int
	}{{"LOADTEST_RATE", &s.rate, 1, 20000}, {"LOADTEST_CONCURRENCY", &s.conc, 1, 1024}} {
		if e := os.Getenv(n.env); e != "" {
			if _, err := fmt.Sscan(e, n.v); err != nil || *n.v < n.min || *n.v > n.max {
				return s, fmt.Errorf("%s: want an integer between %d and %d", n.env, n.min, n.max)
			}
		}
	}
	s.profileDir = os.Getenv("LOADTEST_PROFILE_DIR")
	if e := os.Getenv("LOADTEST_ONLY"); e != "" {
		s.only = map[string]bool{}
		for _, k := range strings.Split(e, ",") {
			s.only[strings.TrimSpace(k)] = true
		}
	}
	return s, nil
}

func (s settings) want(kind string) bool { return s.only == nil || s.only[kind] }
