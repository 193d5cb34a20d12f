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
	backendAddr                                  string            // the embedded emulator's host:port
	secretFile                                   string            // where it keeps its random secret key
	env                                          map[string]string // the environment it runs with, for `dev token`
	log                                          *syncBuffer
	stop                                         func(t *testing.T) // cancel and wait for the exit; also run at cleanup
}

var (
	backendLine = regexp.MustCompile(`Embedded Clerk emulator: http://(\S+) \(secret key, random for this run, in (\S+);`)
)

// startDev runs `authsvc dev` with env and extra args until the test ends
// (or d.stop) and reads the token, the caller key, the addresses and the
// secret key file from its banner. Unless env sets XDG_RUNTIME_DIR, the
// secret file goes to a directory of the test's own.
func startDev(t *testing.T, env map[string]string, extra ...string) *devService {
	t.Helper()
	d := &devService{env: map[string]string{"XDG_RUNTIME_DIR": t.TempDir()}, log: &syncBuffer{}}
	for k, v := range env {
		d.env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	args := append([]string{"dev", "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--dev-backend-addr", "127.0.0.1:0"}, extra...)
	go func() { done <- run(ctx, args, envFrom(d.env), out, d.log) }()
	var once sync.Once
	d.stop = func(t *testing.T) {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("dev mode ended with %v", err)
			}
		})
	}
	t.Cleanup(func() { d.stop(t) })
	// The machine commands come last in the banner. Generous: the machine
	// is shared, and a stopped service fails at once.
	for deadline := time.Now().Add(60 * time.Second); len(verifyTokenCmd.FindAllString(out.String(), -1)) < 2; {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("dev mode stopped before its banner: %v\n%s", err, d.log.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dev banner within 60s:\n%s", out.String())
		}
	}
	d.banner = out.String()
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
