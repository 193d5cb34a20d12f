package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// devService is an `authsvc dev` run in-process on loopback ports, with
// what its banner printed. Every test of dev mode starts it with startDev.
type devService struct {
	banner, grpcAddr, httpAddr, token, callerKey string

	backendAddr string             // the embedded emulator's host:port
	secretFile  string             // where it keeps its random secret key
	env         map[string]string  // the environment it runs with, for `dev token`
	log         *syncBuffer        // its stderr
	stop        func(t *testing.T) // cancel and wait for the exit; also run at cleanup
}

var backendLine = regexp.MustCompile(`Embedded Clerk emulator: http://(\S+) \(secret key, random for this run, in (\S+);`)

// inProcess is an authsvc command run in-process until the test ends or
// stop is called.
type inProcess struct {
	env  map[string]string  // the environment it runs with
	out  *syncBuffer        // stdout, the banner
	log  *syncBuffer        // stderr, the JSON log
	stop func(t *testing.T) // cancel and wait for the exit; also run at cleanup
}

// startInProcess runs `authsvc args…` with env (and XDG_RUNTIME_DIR in a
// directory of the test's own unless env sets it) and returns once ready
// holds for its stdout, within 60 s (generous: the machine is shared, and
// a command that stops fails the test at once).
func startInProcess(t *testing.T, env map[string]string, args []string, ready func(out string) bool) *inProcess {
	t.Helper()
	p := &inProcess{env: map[string]string{"XDG_RUNTIME_DIR": t.TempDir()}, out: &syncBuffer{}, log: &syncBuffer{}}
	for k, v := range env {
		p.env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, envFrom(p.env), p.out, p.log) }()
	var once sync.Once
	p.stop = func(t *testing.T) {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("authsvc %s ended with %v", args[0], err)
			}
		})
	}
	t.Cleanup(func() { p.stop(t) })
	for deadline := time.Now().Add(60 * time.Second); !ready(p.out.String()); {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("authsvc %s stopped before its banner: %v\n%s", args[0], err, p.log.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no authsvc %s banner within 60s:\n%s", args[0], p.out.String())
		}
	}
	return p
}

// startDev runs `authsvc dev` on loopback ports with env and extra args
// (startInProcess) and reads the token, the caller key, the addresses and
// the secret key file from its banner.
func startDev(t *testing.T, env map[string]string, extra ...string) *devService {
	t.Helper()
	args := append([]string{"dev", "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--dev-backend-addr", "127.0.0.1:0"}, extra...)
	// The machine commands come last in the banner.
	p := startInProcess(t, env, args, func(out string) bool { return len(verifyTokenCmd.FindAllString(out, -1)) == 2 })
	d := &devService{env: p.env, log: p.log, stop: p.stop, banner: p.out.String()}
	vm, um, cm, bm := verifyCmd.FindStringSubmatch(d.banner), getUserCmd.FindStringSubmatch(d.banner), curlCmd.FindStringSubmatch(d.banner), backendLine.FindStringSubmatch(d.banner)
	if vm == nil || um == nil || cm == nil || bm == nil {
		t.Fatalf("banner lacks the commands:\n%s", d.banner)
	}
	var req authsvcv1.VerifySessionTokenRequest
	if err := json.Unmarshal([]byte(vm[1]), &req); err != nil {
		t.Fatal(err)
	}
	d.grpcAddr, d.token, d.callerKey = vm[2], req.GetToken(), um[1]
	d.httpAddr = strings.TrimPrefix(strings.TrimSuffix(cm[3], "/authsvc.v1.AuthService/VerifySessionToken"), "http://")
	d.backendAddr, d.secretFile = bm[1], bm[2]
	return d
}
