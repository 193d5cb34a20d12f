package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/authsvc/authsvc/emulator"
	"github.com/authsvc/authsvc/internal/hostcheck"
)

// defaultEmulatorAddr is where `authsvc emulator` listens by default: next
// to dev mode's ports (gRPC 50051, its embedded emulator 50052), so both
// can run at once.
const defaultEmulatorAddr = "127.0.0.1:50053"

// emulatorSetup is how to start an emulator on its own listener.
type emulatorSetup struct {
	setting     string // the listen address's setting, for errors
	addr        string
	dataDir     string // --data DIR; empty: memory only
	seed        bool
	tokenTTL    time.Duration
	allowRemote bool
}

// runningEmulator is an emulator serving HTTP, its secret in its file.
type runningEmulator struct {
	em         *emulator.Emulator
	addr       string // the bound host:port, loopback when bound to every interface
	url        string // http://<addr>
	secretFile string
	srv        *http.Server
	served     chan error
}

// startEmulator checks the address, prepares the data directory, creates
// the emulator with a random secret, listens, writes the secret file and
// serves behind the Host check. Stop it with stop.
func startEmulator(env lookupEnv, s emulatorSetup) (*runningEmulator, error) {
	if err := checkLoopbackAddrs(s.allowRemote, namedAddr{s.setting, s.addr}); err != nil {
		return nil, err
	}
	if s.dataDir != "" {
		if err := ensurePrivateDir(s.dataDir); err != nil {
			return nil, fmt.Errorf("AUTHSVC_DEV_DATA (--data): %w", err)
		}
	}
	secret, err := newEmulatorSecret()
	if err != nil {
		return nil, err
	}
	em, err := emulator.New(emulator.Options{SecretKey: secret, Seed: s.seed, TokenTTL: s.tokenTTL, DataDir: s.dataDir})
	if err != nil {
		return nil, err
	}
	dir, err := secretDir(env, s.dataDir)
	if err != nil {
		return nil, err
	}
	lis, err := net.Listen("tcp", s.addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.setting, err)
	}
	r := &runningEmulator{em: em, addr: dialAddr(lis.Addr()), served: make(chan error, 1)}
	r.url = "http://" + r.addr
	if r.secretFile, err = writeSecretFile(dir, r.addr, secret); err != nil {
		lis.Close()
		return nil, err
	}
	check := devHostCheck(s.allowRemote, s.addr, http.HandlerFunc(clerkHostRefused))
	r.srv = &http.Server{Handler: hostcheck.Handler(em.Handler(), check), ReadHeaderTimeout: 5 * time.Second}
	go func() { r.served <- r.srv.Serve(lis) }()
	return r, nil
}

// stop lets in-flight requests finish within timeout, then closes the
// listener and removes the secret file.
func (r *runningEmulator) stop(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if r.srv.Shutdown(ctx) != nil {
		_ = r.srv.Close()
	}
	_ = os.Remove(r.secretFile)
}

// runEmulator is `authsvc emulator`: the emulator alone on its own address
// until ctx is done (SIGINT, SIGTERM), then a graceful stop.
func runEmulator(ctx context.Context, args []string, env lookupEnv, stdout, stderr io.Writer) error {
	fs := newEmulatorFlags("authsvc emulator", env)
	empty := fs.bool("empty", "AUTHSVC_EMULATOR_EMPTY", "start with no users or organizations (default: the demo data)")
	allowRemote := fs.bool("dev-allow-remote", "AUTHSVC_DEV_ALLOW_REMOTE", "allow a non-loopback --addr, and Host values that are IP literals or this machine's names")
	if err := fs.parse(args, stdout, emulatorUsage); err != nil {
		return err
	}
	startEmpty, err := fs.boolValue(empty)
	if err != nil {
		return err
	}
	remote, err := fs.boolValue(allowRemote)
	if err != nil {
		return err
	}
	seeded := !startEmpty
	r, err := startEmulator(env, emulatorSetup{setting: "AUTHSVC_EMULATOR_ADDR (--addr)", addr: *fs.addr, dataDir: *fs.data,
		seed: seeded, allowRemote: remote})
	if err != nil {
		return err
	}
	log := newLogger(stderr, 0)
	log.Info("emulator listening", "url", r.url, "secret_file", r.secretFile, "data", *fs.data)
	printEmulatorBanner(stdout, r, seeded)
	select {
	case err = <-r.served:
		_ = os.Remove(r.secretFile)
		return fmt.Errorf("emulator: %w", err)
	case <-ctx.Done():
	}
	r.stop(10 * time.Second)
	log.Info("emulator stopped")
	return nil
}

// runEmulatorSecret is `authsvc emulator secret`: print the secret key of
// the emulator running at --addr, read from its 0600 file.
func runEmulatorSecret(_ context.Context, args []string, env lookupEnv, stdout, _ io.Writer) error {
	fs := newEmulatorFlags("authsvc emulator secret", env)
	if err := fs.parse(args, stdout, emulatorSecretUsage); err != nil {
		return err
	}
	dir, err := secretDir(env, *fs.data)
	if err != nil {
		return err
	}
	secret, err := readSecretFile(dir, *fs.addr)
	if err != nil {
		return errNoSecretFile(err, *fs.addr)
	}
	_, err = fmt.Fprintln(stdout, secret)
	return err
}

// emulatorFlags are the flags of the emulator commands: --addr and --data,
// then any bool flags, each defaulting to its environment variable.
type emulatorFlags struct {
	*flag.FlagSet
	name       string
	env        lookupEnv
	addr, data *string
	boolEnv    map[*string]string // flag value → its variable, for errors
}

func newEmulatorFlags(name string, env lookupEnv) *emulatorFlags {
	fs := &emulatorFlags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), name: name, env: env, boolEnv: map[*string]string{}}
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.addr = fs.String("addr", envOr(env, "AUTHSVC_EMULATOR_ADDR", defaultEmulatorAddr), "")
	fs.data = fs.String("data", envOr(env, "AUTHSVC_DEV_DATA", ""), "")
	return fs
}

// bool adds a flag that may be given alone; boolValue reads it.
func (fs *emulatorFlags) bool(name, envName, usage string) *string {
	v := new(string)
	*v = envOr(fs.env, envName, "false")
	fs.Var((*boolString)(v), name, usage)
	fs.boolEnv[v] = fmt.Sprintf("%s (--%s)", envName, name)
	return v
}

// boolValue reads a flag added by bool; the error names its variable
// and flag.
func (fs *emulatorFlags) boolValue(v *string) (bool, error) {
	b, err := parseBool(*v)
	if err != nil {
		return false, fmt.Errorf("%s: %w", fs.boolEnv[v], err)
	}
	return b, nil
}

func (fs *emulatorFlags) parse(args []string, stdout io.Writer, usage string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, usage, defaultEmulatorAddr)
			return err
		}
		return fmt.Errorf("%w (%s --help lists the flags)", oneLine(err), fs.name)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (%s --help lists the flags)", fs.Arg(0), fs.name)
	}
	return nil
}

const emulatorUsage = `authsvc emulator: the Clerk emulator alone (Backend API, JWKS, token minting) for other services' tests.

Usage:
  authsvc emulator [--addr <host:port>] [--data <dir>] [--empty] [--dev-allow-remote]

Flags (each has an environment variable; flags win):
  --addr=ADDR         listen address (AUTHSVC_EMULATOR_ADDR, default %s)
  --data=DIR          keep state and signing key in DIR (0700) across restarts
                      (AUTHSVC_DEV_DATA, default: memory only)
  --empty             start with no users or organizations (AUTHSVC_EMULATOR_EMPTY, default: demo data)
  --dev-allow-remote  allow a non-loopback --addr, and Host values that are IP literals
                      or this machine's names (AUTHSVC_DEV_ALLOW_REMOTE, default false)

The secret key is random per run; it is printed, and kept in a 0600 file that
authsvc emulator secret and authsvc dev token read.
`

const emulatorSecretUsage = `authsvc emulator secret: print the secret key of a running authsvc emulator.

Usage:
  authsvc emulator secret [--addr <host:port>] [--data <dir>]

Flags:
  --addr=ADDR  the emulator's address (AUTHSVC_EMULATOR_ADDR, default %s)
  --data=DIR   the emulator's --data, if it was given one (AUTHSVC_DEV_DATA)
`

// printEmulatorBanner tells how to use the emulator: where it is, its
// secret, its keys, and curl commands that work as printed. It is one
// write, so a reader sees all of it or none.
func printEmulatorBanner(out io.Writer, r *runningEmulator, seeded bool) {
	w := &strings.Builder{}
	defer func() { _, _ = io.WriteString(out, w.String()) }()
	secret := r.em.SecretKey()
	data := "demo users user_demo_alice, user_demo_bob, user_demo_carol and the organization org_demo_acme"
	if !seeded {
		data = "started empty"
	}
	fmt.Fprintf(w, `
authsvc emulator: Clerk Backend API on %[1]s (%[2]s)

  CLERK_API_URL=%[1]s
  CLERK_SECRET_KEY=%[3]s
  (random for this run; also in %[4]s, which authsvc emulator secret prints)
  JWKS: %[1]s/.well-known/jwks.json (open), %[1]s/v1/jwks (with the secret key)
  Token issuer: %[5]s

List the users:

  curl -H 'Authorization: Bearer %[3]s' %[1]s/v1/users

`, r.url, data, secret, r.secretFile, r.em.Issuer())
	if seeded {
		fmt.Fprintf(w, `Mint a session token: create a session, then a token for its id:

  curl -H 'Authorization: Bearer %[2]s' -H 'Content-Type: application/json' -d '{"user_id":"%[3]s"}' %[1]s/v1/sessions
  curl -X POST -H 'Authorization: Bearer %[2]s' %[1]s/v1/sessions/<id>/tokens

or in one step: authsvc dev token --user %[3]s --dev-backend-addr %[4]s

`, r.url, secret, devUser, r.addr)
	}
}

// dialAddr is where this machine reaches a listener at a: a itself, or
// 127.0.0.1 for an unspecified host (0.0.0.0, ::; Go listens on both
// families there), which not every system can dial.
func dialAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}
