package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// readmeBlock returns the first ```sh block after the line holding after
// in the repository's README.
func readmeBlock(t *testing.T, after string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), after)
	if !ok {
		t.Fatalf("README has no %q", after)
	}
	_, rest, ok = strings.Cut(rest, "```sh\n")
	block, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatalf("README has no sh block after %q", after)
	}
	return block
}

// testEmulatorProcess runs `authsvc emulator` as a process and the
// README's "Testing your service against Clerk, offline" commands through
// sh, as a reader pasting them would. Two things differ from the page, as
// the test cannot take the fixed port: the emulator's URL is the one it
// bound, and AUTHSVC_EMULATOR_ADDR tells `emulator secret` that address;
// `go run ./cmd/authsvc` is the built binary. Then SIGTERM: the process
// logs its stop, removes the secret file and exits 0.
func testEmulatorProcess(t *testing.T, bin string) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl to run the README's example with")
	}
	runtime := t.TempDir()
	env := []string{"XDG_RUNTIME_DIR=" + runtime, "PATH=" + filepath.Dir(curl) + ":/usr/bin:/bin"}
	p := startProcess(t, bin, env, "emulator", "--addr", "127.0.0.1:0")
	at := p.waitLine(t, "emulator listening")
	url, _ := at["url"].(string)
	secretFile, _ := at["secret_file"].(string)
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasPrefix(secretFile, runtime) {
		t.Fatalf("listening line %v", at)
	}

	script := readmeBlock(t, "From another shell:")
	if !strings.Contains(script, "http://"+defaultEmulatorAddr) || !strings.Contains(script, "go run ./cmd/authsvc emulator secret") {
		t.Fatalf("the README's example changed shape; update this test:\n%s", script)
	}
	script = strings.ReplaceAll(script, "http://"+defaultEmulatorAddr, url)
	script = strings.ReplaceAll(script, "go run ./cmd/authsvc", bin)
	sh := exec.Command("sh", "-ec", script)
	sh.Env = append(env, "AUTHSVC_EMULATOR_ADDR="+strings.TrimPrefix(url, "http://"))
	var stderr strings.Builder
	sh.Stderr = &stderr
	out, err := sh.Output() // curl's progress meter goes to stderr
	if err != nil || !strings.HasPrefix(strings.TrimSpace(string(out)), "[") || !strings.Contains(string(out), `"id":"user_demo_alice"`) {
		t.Fatalf("the README's example: %v\n%.300s\n%s\nscript:\n%s", err, out, stderr.String(), script)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.waitLine(t, "emulator stopped")
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("exit: %v, want 0\n%s", err, p.all.String())
	}
	if _, err := os.Stat(secretFile); !os.IsNotExist(err) {
		t.Errorf("secret file after SIGTERM: %v, want it removed", err)
	}
}
