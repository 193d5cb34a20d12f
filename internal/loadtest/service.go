package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
// It is 100 on every Linux this runs on; `getconf CLK_TCK` confirms it.
var clockTicks = readClockTicks()

func readClockTicks() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if n, perr := strconv.Atoi(strings.TrimSpace(string(out))); err == nil && perr == nil && n > 0 {
		return float64(n)
	}
	return 100
}

// buildService compiles cmd/authsvc into dir and returns the binary's path.
func buildService(dir string) (string, error) {
	if _, err := os.Stat("go.mod"); err != nil {
		return "", errors.New("run from the repository root (make loadtest)")
	}
	bin := filepath.Join(dir, "authsvc")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/authsvc")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/authsvc: %w", err)
	}
	return bin, nil
}

// instance is one running authsvc.
type instance struct {
	name      string
	cmd       *exec.Cmd
	grpcAddr  string
	httpAddr  string
	pprofAddr string
	conn      *grpc.ClientConn
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startInstance runs bin with GOMAXPROCS=1 (on CPU 0 under taskset when
// pinned), the inline key, and extra settings; it returns once gRPC health
// answers SERVING. Its logs go to /dev/null (the server still pays for
// writing them, as in production).
func startInstance(ctx context.Context, name, bin, jwtKey string, pinned bool, extra ...string) (*instance, error) {
	in := &instance{name: name}
	var err error
	for _, a := range []*string{&in.grpcAddr, &in.httpAddr, &in.pprofAddr} {
		if *a, err = freeAddr(); err != nil {
			return nil, err
		}
	}
	args := []string{bin}
	if pinned {
		args = append([]string{"taskset", "-c", "0"}, args...)
	}
	in.cmd = exec.Command(args[0], args[1:]...)
	in.cmd.Env = append(cleanEnv(), "GOMAXPROCS=1", "CLERK_JWT_KEY="+jwtKey,
		"AUTHSVC_GRPC_ADDR="+in.grpcAddr, "AUTHSVC_HTTP_ADDR="+in.httpAddr, "AUTHSVC_PPROF_ADDR="+in.pprofAddr)
	in.cmd.Env = append(in.cmd.Env, extra...)
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	in.cmd.Stdout, in.cmd.Stderr = devnull, devnull
	if err := in.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	if in.conn, err = grpc.NewClient(in.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(dialCoalescing)); err != nil {
		in.stop()
		return nil, err
	}
	if err := in.waitServing(ctx); err != nil {
		in.stop()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return in, nil
}

// cleanEnv is this process's environment without any setting authsvc
// reads, so a developer's CLERK_* or OTEL_* cannot leak into the figures.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CLERK_") || strings.HasPrefix(kv, "AUTHSVC_") || strings.HasPrefix(kv, "OTEL_") || strings.HasPrefix(kv, "GOMAXPROCS=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func (in *instance) waitServing(ctx context.Context) error {
	hc := healthpb.NewHealthClient(in.conn)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		resp, err := hc.Check(cctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(100 * time.Millisecond) // polling a starting process; no event to wait on
	}
	return errors.New("not SERVING after 20 s")
}

func (in *instance) stop() {
	if in.conn != nil {
		_ = in.conn.Close()
	}
	if in.cmd.Process != nil {
		_ = in.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = in.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = in.cmd.Process.Kill()
			<-done
		}
	}
}

// cpu returns the process's user+system CPU time so far.
func (in *instance) cpu() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", in.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields after ")" are fixed.
	rest := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(rest) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseFloat(rest[11], 64)
	stime, err2 := strconv.ParseFloat(rest[12], 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("bad /proc stat")
	}
	return time.Duration((utime + stime) / clockTicks * float64(time.Second)), nil
}

// syscalls returns the process's read and write system calls so far
// (syscr and syscw of /proc/<pid>/io); ok is false where the kernel does not
// say.
func (in *instance) syscalls() (reads, writes int64, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", in.cmd.Process.Pid))
	if err != nil {
		return 0, 0, false
	}
	seen := 0
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		var dst *int64
		switch k {
		case "syscr":
			dst = &reads
		case "syscw":
			dst = &writes
		default:
			continue
		}
		if *dst, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			return 0, 0, false
		}
		seen++
	}
	return reads, writes, seen == 2
}

// rss returns the resident set size in bytes.
func (in *instance) rss() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", in.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS")
}

// profile captures a CPU profile of d seconds into file and, beside it, the
// allocations made over the same seconds into file's name with .allocs
// before the extension, in the background; wait returns the first error.
func (in *instance) profile(file string, d time.Duration) (wait func() error) {
	ext := filepath.Ext(file)
	cpu := in.capture("profile", file, d)
	allocs := in.capture("allocs", strings.TrimSuffix(file, ext)+".allocs"+ext, d)
	return func() error { return errors.Join(cpu(), allocs()) }
}

// capture saves the pprof endpoint's named profile over d seconds (a delta
// for allocs) into file, in the background.
func (in *instance) capture(name, file string, d time.Duration) (wait func() error) {
	errc := make(chan error, 1)
	go func() {
		errc <- func() error {
			url := fmt.Sprintf("http://%s/debug/pprof/%s?seconds=%d", in.pprofAddr, name, int(d.Seconds()))
			resp, err := http.Get(url) //nolint:gosec // loopback, our own child
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("pprof: %s", resp.Status)
			}
			f, err := os.Create(file)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, resp.Body); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}()
	}()
	return func() error { return <-errc }
}

// metricsSize returns the byte size of one /metrics scrape.
func (in *instance) metricsSize() (int, error) {
	resp, err := http.Get("http://" + in.httpAddr + "/metrics") //nolint:gosec // loopback, our own child
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return len(b), err
}
