package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/internal/hostcheck"
	"github.com/authsvc/authsvc/server"
)

// devTokenTTL is how long dev-mode session tokens live: long enough to paste
// into a few grpcurl commands (Clerk's own live 60 s).
const devTokenTTL = time.Hour

// devUser is the seeded emulator user the start-up banner mints a token for.
const devUser = "user_demo_alice"

// runDev serves authsvc against the embedded Clerk emulator: a fresh signing
// key, seeded demo data, a random emulator secret in a 0600 file, a
// generated caller key with every grant, and a printed, ready-to-paste
// grpcurl command. Its listeners are loopback-only unless
// --dev-allow-remote.
func runDev(ctx context.Context, args []string, env lookupEnv, stdout, stderr io.Writer) error {
	cfg, err := parseConfig("authsvc dev", args, devDefaults(env), stdout)
	if err != nil {
		return err
	}
	emu, err := startDevEmulator(env, cfg)
	if err != nil {
		return err
	}
	defer emu.stop(5 * time.Second)
	em := emu.em
	cfg.SecretKey, cfg.JWTKey = em.SecretKey(), ""
	cfg.APIURL, cfg.APIVersion = emu.url, "v1"
	cfg.Issuers = []string{em.Issuer()}
	callerKey, err := newCallerKey()
	if err != nil {
		return err
	}
	sid, err := em.CreateSession(devUser)
	if err != nil {
		return err
	}
	token, err := em.MintSessionToken(sid, devTokenTTL)
	if err != nil {
		return err
	}
	machines, err := newDevMachine(em)
	if err != nil {
		return err
	}
	// A secret of its own is printed; one from the environment (maybe the
	// real one, from a shell or an .env file) never is.
	shown := ""
	if cfg.WebhookSecret == "" {
		if cfg.WebhookSecret, err = newWebhookSecret(); err != nil {
			return err
		}
		shown = cfg.WebhookSecret
	}
	banner := func(at listening) {
		printDevBanner(stdout, at, cfg.APIURL, emu.secretFile, callerKey, token, devTokenArgs(emu.addr, cfg.DevData))
		printDevWebhook(stdout, at, shown)
		printDevMachine(stdout, at, machines)
	}
	return runServe(ctx, cfg, newLogger(stderr, cfg.LogLevel), devCallers(callerKey), banner)
}

// startDevEmulator holds every dev listener to loopback (devremote.go),
// starts the embedded emulator and puts the Host check on the service's
// HTTP listener.
func startDevEmulator(env lookupEnv, cfg *config) (*runningEmulator, error) {
	backend := "AUTHSVC_DEV_BACKEND_ADDR (--dev-backend-addr)"
	if err := checkLoopbackAddrs(cfg.DevAllowRemote, namedAddr{"AUTHSVC_GRPC_ADDR (--grpc-addr)", cfg.GRPCAddr},
		namedAddr{"AUTHSVC_HTTP_ADDR (--http-addr)", cfg.HTTPAddr}, namedAddr{backend, cfg.DevBackendAddr}); err != nil {
		return nil, err
	}
	emu, err := startEmulator(env, emulatorSetup{setting: backend, addr: cfg.DevBackendAddr, dataDir: cfg.DevData,
		seed: true, tokenTTL: devTokenTTL, allowRemote: cfg.DevAllowRemote})
	if err != nil {
		return nil, err
	}
	httpCheck := devHostCheck(cfg.DevAllowRemote, cfg.HTTPAddr, nil)
	cfg.WrapHTTP = func(h http.Handler) http.Handler { return hostcheck.Handler(h, httpCheck) }
	return emu, nil
}

// devDefaults is env with dev mode's own defaults: no shutdown delay (no
// load balancer to wait for).
func devDefaults(env lookupEnv) lookupEnv {
	return func(k string) (string, bool) {
		v, ok := env(k)
		if k == "AUTHSVC_SHUTDOWN_DELAY" && strings.TrimSpace(v) == "" {
			return "0s", true
		}
		return v, ok
	}
}

// devCallers is dev mode's in-memory caller policy: one caller, "dev",
// identified by key and granted every method. Only the key's hash is kept.
func devCallers(key string) []server.Caller {
	sum := sha256.Sum256([]byte(key))
	return []server.Caller{{Name: "dev", KeySHA256: hex.EncodeToString(sum[:]), Allow: []string{"*"}}}
}

func newCallerKey() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "ak_dev_" + hex.EncodeToString(b), nil
}

// devTokenArgs are the flags the banner's `dev token` command needs beyond
// --user to reach this run's emulator and its secret key file.
func devTokenArgs(emulatorAddr, dataDir string) string {
	var args string
	if emulatorAddr != "127.0.0.1:50052" {
		args += " --dev-backend-addr " + emulatorAddr
	}
	if dataDir != "" {
		args += " --data " + shellQuote(dataDir)
	}
	return args
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:=@", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func printDevBanner(w io.Writer, at listening, emulatorURL, secretFile, callerKey, token, tokenArgs string) {
	fmt.Fprintf(w, `
authsvc dev: gRPC on %[1]s (plaintext), metrics on http://%[2]s/metrics
Embedded Clerk emulator: %[3]s (secret key, random for this run, in %[8]s; demo users user_demo_alice, user_demo_bob)

A session token for %[4]s, valid %[5]s. Verify it:

  grpcurl -plaintext -d '{"token":"%[6]s"}' %[1]s authsvc.v1.AuthService/VerifySessionToken

Call the Backend API proxy with the dev caller key (granted every method):

  grpcurl -plaintext -H 'authorization: Bearer %[7]s' -d '{"user_id":"%[4]s"}' %[1]s authsvc.v1.AuthService/GetUser

Mint another token: go run ./cmd/authsvc dev token --user %[4]s%[9]s
(no grpcurl? go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.3)

`, at.GRPCAddr, at.HTTPAddr, emulatorURL, devUser, devTokenTTL, token, callerKey, secretFile, tokenArgs)
	if at.HTTPAddr != "" {
		printDevCurl(w, at.HTTPAddr, token)
	}
}

// printDevCurl prints the same verification over HTTP (Connect JSON), for
// callers with no gRPC tooling at all.
func printDevCurl(w io.Writer, httpAddr, token string) {
	fmt.Fprintf(w, `Or over HTTP (Connect JSON, also gRPC-Web) on the HTTP port, with plain curl:

  curl -H 'Content-Type: application/json' -d '{"token":"%[2]s"}' http://%[1]s/authsvc.v1.AuthService/VerifySessionToken

`, httpAddr, token)
}

// runDevToken mints a session token for a user of a running `authsvc dev`,
// through the emulator's Backend API: create a session, then a token for it.
func runDevToken(ctx context.Context, args []string, env lookupEnv, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("authsvc dev token", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	user := fs.String("user", devUser, "")
	addr := fs.String("dev-backend-addr", envOr(env, "AUTHSVC_DEV_BACKEND_ADDR", "127.0.0.1:50052"), "")
	data := fs.String("data", envOr(env, "AUTHSVC_DEV_DATA", ""), "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, `authsvc dev token: mint a session token from a running authsvc dev and print it.

Usage:
  authsvc dev token [--user <id>] [--dev-backend-addr <host:port>] [--data <dir>]

Flags:
  --user=ID                user id to mint a session token for (default %s)
  --dev-backend-addr=ADDR  where the running authsvc dev's emulator listens
                           (AUTHSVC_DEV_BACKEND_ADDR, default 127.0.0.1:50052;
                           authsvc emulator's address works too)
  --data=DIR               the running emulator's --data, if it was given one
                           (AUTHSVC_DEV_DATA); its secret key file is there

The emulator's secret key is read from the 0600 file it wrote at start.
`, devUser)
			return err
		}
		return fmt.Errorf("%w (authsvc dev token --help lists the flags)", oneLine(err))
	}
	if *user == "" || fs.NArg() > 0 {
		return errors.New("usage: authsvc dev token --user <id>")
	}
	dir, err := secretDir(env, *data)
	if err != nil {
		return err
	}
	secret, err := readSecretFile(dir, *addr)
	if err != nil {
		return errNoSecretFile(err, *addr)
	}
	client, err := backendapi.NewClient(secret, backendapi.WithBaseURL("http://"+*addr))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	sess, err := client.Sessions.Create(ctx, &backendapi.CreateSessionParams{UserID: *user})
	var apiErr *backendapi.APIError
	switch {
	case errors.As(err, &apiErr):
		return fmt.Errorf("create a session for %s: %w", *user, err)
	case err != nil:
		return fmt.Errorf("create a session (is `authsvc dev` running on %s?): %w", *addr, err)
	}
	tok, err := client.Sessions.CreateToken(ctx, sess.ID, "")
	if err != nil {
		return fmt.Errorf("mint token: %w", err)
	}
	_, err = fmt.Fprintln(stdout, strings.TrimSpace(tok.JWT))
	return err
}

func envOr(env lookupEnv, key, def string) string {
	if v, _ := env(key); strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}
