// Command authsvc is the Clerk authentication gRPC service.
//
//	authsvc [flags]                 serve against Clerk (CLERK_SECRET_KEY or CLERK_JWT_KEY)
//	authsvc dev [flags]             serve with the embedded Clerk emulator; no account needed
//	authsvc dev token --user <id>   mint a session token from a running `authsvc dev`
//
// Every flag has an environment variable of the same meaning; flags win.
// Run `authsvc -h` for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "authsvc:", err)
		os.Exit(1)
	}
}

// run dispatches to the mode named by the first argument and returns when
// ctx is done or the mode fails.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "version" || args[0] == "--version") {
		return runVersion(stdout)
	}
	if len(args) > 0 && args[0] == "healthcheck" {
		return runHealthcheck(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "dev" {
		if len(args) > 1 && args[1] == "token" {
			return runDevToken(ctx, args[2:], getenv, stdout, stderr)
		}
		return runDev(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	cfg, err := parseConfig("authsvc", args, getenv, stderr)
	if err != nil {
		return err
	}
	if err := cfg.validateServe(); err != nil {
		return err
	}
	return runServe(ctx, cfg, newLogger(stderr), nil)
}
