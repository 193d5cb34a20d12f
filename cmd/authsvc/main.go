// Command authsvc is the Clerk authentication gRPC service.
//
//	authsvc [serve] [flags]         serve against Clerk (CLERK_SECRET_KEY or CLERK_JWT_KEY)
//	authsvc dev [flags]             serve with the embedded Clerk emulator; no account needed
//	authsvc dev token --user <id>   mint a session token from a running `authsvc dev`
//	authsvc dev webhook sign        sign a webhook payload and print the VerifyWebhook command
//	authsvc emulator [flags]        the Clerk emulator alone, for other services' tests
//	authsvc emulator secret         print the secret key of a running authsvc emulator
//
// Every flag has an environment variable of the same meaning; flags win.
// Run `authsvc --help` for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	// SIGINT and SIGTERM start the graceful shutdown (runServe). After the
	// first one, the handler is removed, so a second one stops the process
	// at once. SIGHUP (reload) belongs to the serve loop, which alone knows
	// what to reload and listens for it once it runs (startReload); until
	// then it is ignored, since Go's default for SIGHUP is to exit and a
	// config reloader may send one while the process is still starting.
	signal.Ignore(syscall.SIGHUP)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	default:
		fmt.Fprintln(os.Stderr, "authsvc:", err)
		os.Exit(1)
	}
}

// command is one subcommand of authsvc.
type command struct {
	name    string // the words that select it: "dev token"
	args    string // its synopsis after the name
	summary string
	// run runs it with the arguments after its name; nil means it is not
	// built yet.
	run func(ctx context.Context, args []string, env lookupEnv, stdout, stderr io.Writer) error
}

// commands is the subcommand table, in help order. The first word of the
// arguments picks the longest matching name; none picks serve.
func commands() []command {
	return []command{
		{"serve", "[flags]", "serve against Clerk (CLERK_SECRET_KEY or CLERK_JWT_KEY); the default", runServeCommand},
		{"dev", "[flags]", "serve with the embedded Clerk emulator: no Clerk account needed", runDev},
		{"dev token", "[--user <id>] [--dev-backend-addr <host:port>]", "mint a session token from a running authsvc dev", runDevToken},
		{"dev webhook sign", "[--secret <whsec_…>] [--file <payload.json>] [--grpc-addr <host:port>]", "sign a webhook payload and print the grpcurl VerifyWebhook command", runDevWebhookSign},
		{"emulator", "[--addr <host:port>] [--data <dir>] [--empty] [--dev-allow-remote]", "the Clerk emulator alone (Backend API, JWKS, token minting), for other services' tests", runEmulator},
		{"emulator secret", "[--addr <host:port>] [--data <dir>]", "print the secret key of a running authsvc emulator", runEmulatorSecret},
		{"version", "", "print the version, VCS revision, Go version and crypto (also --version)", func(_ context.Context, _ []string, _ lookupEnv, stdout, _ io.Writer) error { return runVersion(stdout) }},
		{"healthcheck", "[--addr <host:port>] [--service <name>] [--timeout <d>] [--tls]", "exit 0 only when the service reports SERVING (container health checks)", runHealthcheck},
	}
}

// run dispatches to the command named by the first arguments and returns
// when ctx is done or the command fails.
func run(ctx context.Context, args []string, env lookupEnv, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "help" {
		printHelp(stdout, "authsvc")
		return nil
	}
	if len(args) > 0 && args[0] == "--version" {
		return runVersion(stdout)
	}
	cmd, rest := pickCommand(args)
	if cmd.run == nil {
		return fmt.Errorf("authsvc %s is not available in this build yet", cmd.name)
	}
	return cmd.run(ctx, rest, env, stdout, stderr)
}

// pickCommand returns the command with the longest name that prefixes
// args, and the arguments after it; serve when none does.
func pickCommand(args []string) (command, []string) {
	best, n := commands()[0], 0
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(words) > n && len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			best, n = c, len(words)
		}
	}
	return best, args[n:]
}

func runServeCommand(ctx context.Context, args []string, env lookupEnv, stdout, stderr io.Writer) error {
	cfg, err := parseConfig("authsvc", args, env, stdout)
	if err != nil {
		return err
	}
	if err := cfg.validateServe(); err != nil {
		return err
	}
	return runServe(ctx, cfg, newLogger(stderr, cfg.LogLevel), nil)
}

// printHelp writes the help of name ("authsvc" or "authsvc dev"): the
// commands, then every setting with its flag, variable and default.
func printHelp(w io.Writer, name string) {
	fmt.Fprintf(w, "%s: Clerk authentication as a gRPC service.\n\nUsage:\n", name)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %s\n      %s\n", strings.TrimSpace("authsvc "+c.name+" "+c.args), c.summary)
	}
	fmt.Fprintf(w, "\nFlags of serve and dev (each has an environment variable of the same meaning; flags win):\n")
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = "none"
		}
		fmt.Fprintf(w, "  --%s=VALUE  (%s, default %s)\n      %s\n", s.flag, s.env, def, s.usage)
	}
	fmt.Fprintf(w, "\nAn empty value means the default, except that an empty AUTHSVC_HTTP_ADDR turns the HTTP listener off.\n")
}
