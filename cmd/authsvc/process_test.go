package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// process is the authsvc binary running as a child, its stderr read line
// by line.
type process struct {
	cmd   *exec.Cmd
	lines chan map[string]any // JSON log lines, in order
	all   *syncBuffer
}

func startProcess(t *testing.T, bin string, env []string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), lines: make(chan map[string]any, 1000), all: &syncBuffer{}}
	p.cmd.Env = env
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			_, _ = p.all.Write(append(sc.Bytes(), '\n'))
			m := map[string]any{}
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				p.lines <- m
			}
		}
		close(p.lines)
	}()
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	return p
}

// waitLine returns the next log line whose msg is msg (up to 30 s).
func (p *process) waitLine(t *testing.T, msg string) map[string]any {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case m, ok := <-p.lines:
			if !ok {
				t.Fatalf("process ended before logging %q:\n%s", msg, p.all.String())
			}
			if m["msg"] == msg {
				return m
			}
		case <-timeout:
			t.Fatalf("no %q line within 30 s:\n%s", msg, p.all.String())
		}
	}
}

// TestProcess runs the built binary, as an operator and a container
// runtime would.
func TestProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "authsvc")
	if out, err := exec.Command("go", append(append([]string{"build"}, raceFlags...), "-o", bin, ".")...).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	t.Run("--help exits 0 and lists the subcommands", func(t *testing.T) {
		out, err := exec.Command(bin, "--help").Output()
		if err != nil {
			t.Fatalf("--help: %v", err)
		}
		for _, c := range commands() {
			if !strings.Contains(string(out), "authsvc "+c.name) {
				t.Errorf("--help lacks %q", c.name)
			}
		}
	})

	t.Run("a bad setting exits 1 with one line", func(t *testing.T) {
		cmd := exec.Command(bin)
		cmd.Env = []string{"CLERK_SECRET_KEY=garbage"}
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("exit = %v, want 1", err)
		}
		if got := strings.TrimSpace(string(out)); strings.Contains(got, "\n") || !strings.Contains(got, "CLERK_SECRET_KEY") || strings.Contains(got, "garbage") {
			t.Errorf("output %q, want one line naming CLERK_SECRET_KEY without the value", got)
		}
	})

	t.Run("SIGTERM: NOT_SERVING while serving, in-flight call finishes, exit 0", func(t *testing.T) {
		testSIGTERM(t, bin)
	})

	t.Run("emulator: the README's example works as printed, SIGTERM exits 0", func(t *testing.T) {
		testEmulatorProcess(t, bin)
	})

	t.Run("emulator on a non-loopback address exits 1 with one line", func(t *testing.T) {
		cmd := exec.Command(bin, "emulator", "--addr", "0.0.0.0:0")
		cmd.Env = []string{"XDG_RUNTIME_DIR=" + t.TempDir()}
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("exit = %v, want 1", err)
		}
		if got := strings.TrimSpace(string(out)); strings.Contains(got, "\n") || !strings.Contains(got, "AUTHSVC_EMULATOR_ADDR") || !strings.Contains(got, "--dev-allow-remote") {
			t.Errorf("output %q, want one line naming AUTHSVC_EMULATOR_ADDR and --dev-allow-remote", got)
		}
	})
}

// testSIGTERM: DESIGN Operations, Lifecycle.
func testSIGTERM(t *testing.T, bin string) {
	const secret, callerKey = "sk_test_lifecycle_secret", "caller-key-lifecycle"
	clerk := newFakeClerk(t, secret)
	p := startProcess(t, bin, []string{
		"CLERK_SECRET_KEY=" + secret, "CLERK_API_URL=" + clerk.URL, "AUTHSVC_POLICY=" + policyFile(t, callerKey),
		"AUTHSVC_GRPC_ADDR=127.0.0.1:0", "AUTHSVC_HTTP_ADDR=127.0.0.1:0", "AUTHSVC_SHUTDOWN_DELAY=3s",
		"AUTHSVC_SHUTDOWN_TIMEOUT=20s", "AUTHSVC_LOG_LEVEL=debug",
	})
	at := p.waitLine(t, "authsvc listening")
	grpcAddr, httpAddr := at["grpc"].(string), at["http"].(string)
	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	health, client := healthpb.NewHealthClient(conn), authsvcv1.NewAuthServiceClient(conn)
	check := func() healthpb.HealthCheckResponse_ServingStatus {
		resp, err := health.Check(context.Background(), &healthpb.HealthCheckRequest{})
		if err != nil {
			t.Fatalf("health Check: %v", err)
		}
		return resp.GetStatus()
	}
	waitFor(t, "SERVING", func() bool { return check() == healthpb.HealthCheckResponse_SERVING })

	inflight := make(chan error, 1)
	go func() {
		ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+callerKey)
		_, err := client.GetUser(ctx, &authsvcv1.GetUserRequest{UserId: "user_slow"})
		inflight <- err
	}()
	<-clerk.arrived // the call is in flight, waiting on Clerk
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	p.waitLine(t, "shutdown: reporting NOT_SERVING, still serving")
	if got := check(); got != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("health during the delay = %v, want NOT_SERVING", got)
	}
	_, err = client.VerifySessionToken(context.Background(), &authsvcv1.VerifySessionTokenRequest{Token: "not.a.token"})
	if status.Code(err) != codes.Unauthenticated {
		t.Errorf("a new call during the delay: %v, want it served (Unauthenticated)", err)
	}
	if code, body := httpStatus(t, "http://"+httpAddr+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "shutting down") {
		t.Errorf("/readyz during the delay = %d %q, want 503 shutting down", code, body)
	}
	if code, _ := httpStatus(t, "http://"+httpAddr+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz during the delay = %d, want 200", code)
	}

	p.waitLine(t, "shutdown: draining in-flight calls")
	select {
	case err := <-inflight:
		t.Fatalf("the in-flight call ended before Clerk answered: %v", err)
	default:
	}
	close(clerk.release)
	if err := <-inflight; err != nil {
		t.Errorf("the in-flight call: %v, want it to finish", err)
	}
	p.waitLine(t, "shutdown: complete")
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("exit: %v, want 0\n%s", err, p.all.String())
	}
	if strings.Contains(p.all.String(), secret) || strings.Contains(p.all.String(), callerKey) {
		t.Error("the log holds the secret key or the caller key")
	}
}

func httpStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
