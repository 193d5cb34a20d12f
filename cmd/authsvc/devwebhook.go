package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/authsvc/authsvc/webhook"
)

// devWebhookSample is the payload `authsvc dev webhook sign` signs when no
// --file is given: the shape of a Clerk user.created event.
const devWebhookSample = `{"data":{"id":"user_demo_alice","object":"user","first_name":"Alice"},"instance_id":"ins_dev","object":"event","timestamp":0,"type":"user.created"}`

// newWebhookSecret returns a random signing secret for dev mode.
func newWebhookSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return webhook.SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// printDevWebhook adds the webhook lines to the dev banner. The secret is
// a random dev secret, printed so that deliveries can be signed with it.
func printDevWebhook(w io.Writer, at listening, secret string) {
	if secret == "" {
		// The environment's secret: named, never printed.
		fmt.Fprintf(w, `VerifyWebhook checks deliveries with the CLERK_WEBHOOK_SIGNING_SECRET of your environment.
Sign a sample event (or --file payload.json) and get the command that verifies it:

  go run ./cmd/authsvc dev webhook sign --grpc-addr %[1]s

`, at.GRPCAddr)
		return
	}
	fmt.Fprintf(w, `VerifyWebhook checks deliveries with CLERK_WEBHOOK_SIGNING_SECRET=%[2]s
(random for this run). Sign a sample event (or --file payload.json) and get the command that verifies it:

  go run ./cmd/authsvc dev webhook sign --secret %[2]s --grpc-addr %[1]s

`, at.GRPCAddr, secret)
}

// runDevWebhookSign signs a payload as Clerk (Svix) would, now, and prints
// the grpcurl command that sends it to VerifyWebhook. The command is good
// for the 5-minute tolerance.
func runDevWebhookSign(_ context.Context, args []string, env lookupEnv, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("authsvc dev webhook sign", flag.ContinueOnError)
	fs.SetOutput(stderr)
	secret := fs.String("secret", envOr(env, "CLERK_WEBHOOK_SIGNING_SECRET", ""), "signing secret, whsec_… (env CLERK_WEBHOOK_SIGNING_SECRET)")
	file := fs.String("file", "", "payload file to sign (default: a sample user.created event)")
	addr := fs.String("grpc-addr", envOr(env, "AUTHSVC_GRPC_ADDR", "127.0.0.1:50051"), "authsvc gRPC address for the printed command")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: authsvc dev webhook sign --secret whsec_… [--file payload.json]")
	}
	v, err := webhook.New(webhook.Config{Secret: *secret})
	if err != nil {
		return fmt.Errorf("--secret: %w", err)
	}
	body := []byte(devWebhookSample)
	if *file != "" {
		if body, err = os.ReadFile(*file); err != nil {
			return err
		}
	}
	idBytes := make([]byte, 12)
	if _, err := rand.Read(idBytes); err != nil {
		return err
	}
	id, now := "msg_dev_"+hex.EncodeToString(idBytes), time.Now()
	req, err := json.Marshal(map[string]any{
		"headers": map[string]string{"svix-id": id, "svix-timestamp": strconv.FormatInt(now.Unix(), 10), "svix-signature": v.Sign(id, now, body)},
		"body":    base64.StdEncoding.EncodeToString(body),
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "grpcurl -plaintext -d '%s' %s authsvc.v1.AuthService/VerifyWebhook\n", req, *addr)
	return err
}
