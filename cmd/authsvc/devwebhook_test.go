package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/webhook"
)

var (
	signCmd    = regexp.MustCompile(`go run \./cmd/authsvc dev webhook sign --secret (\S+) --grpc-addr (\S+)`)
	webhookCmd = regexp.MustCompile(`^grpcurl -plaintext -d '([^']+)' (\S+) authsvc\.v1\.AuthService/VerifyWebhook\n$`)
)

// signedRequest runs `authsvc dev webhook sign` with args and returns the
// request and address of the grpcurl command it prints.
func signedRequest(t *testing.T, args []string, env map[string]string) (*authsvcv1.VerifyWebhookRequest, string) {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"dev", "webhook", "sign"}, args...), envFrom(env), &out, io.Discard); err != nil {
		t.Fatalf("dev webhook sign: %v", err)
	}
	m := webhookCmd.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output is not one VerifyWebhook grpcurl command: %q", out.String())
	}
	var req struct {
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	}
	if err := json.Unmarshal([]byte(m[1]), &req); err != nil {
		t.Fatalf("printed request is not JSON: %v", err)
	}
	body, err := base64.StdEncoding.DecodeString(req.Body)
	if err != nil {
		t.Fatalf("printed body is not base64: %v", err)
	}
	return &authsvcv1.VerifyWebhookRequest{Headers: req.Headers, Body: body}, m[2]
}

// TestDevWebhookSign: the printed command carries a delivery that the
// webhook package accepts with the same secret and refuses with another.
func TestDevWebhookSign(t *testing.T) {
	t.Parallel()
	secret, err := newWebhookSecret()
	if err != nil {
		t.Fatal(err)
	}
	payload := filepath.Join(t.TempDir(), "payload.json")
	if err := os.WriteFile(payload, []byte(`{"type":"session.created","data":{"id":"sess_1"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantType string
		wantAddr string
	}{
		{"sample event, secret flag", []string{"--secret", secret}, nil, "user.created", "127.0.0.1:50051"},
		{"file, secret from the environment", []string{"--file", payload, "--grpc-addr", "127.0.0.1:7"}, map[string]string{"CLERK_WEBHOOK_SIGNING_SECRET": secret}, "session.created", "127.0.0.1:7"},
	}
	v, err := webhook.New(webhook.Config{Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	other, err := newWebhookSecret()
	if err != nil {
		t.Fatal(err)
	}
	ov, err := webhook.New(webhook.Config{Secret: other})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, addr := signedRequest(t, tt.args, tt.env)
			ev, err := v.VerifyMap(req.GetHeaders(), req.GetBody())
			if err != nil {
				t.Fatalf("VerifyMap: %v", err)
			}
			if ev.Type != tt.wantType || addr != tt.wantAddr {
				t.Errorf("type %q at %s, want %q at %s", ev.Type, addr, tt.wantType, tt.wantAddr)
			}
			if _, err := ov.VerifyMap(req.GetHeaders(), req.GetBody()); err == nil {
				t.Errorf("another secret verified the delivery")
			}
		})
	}
}

func TestDevWebhookSignRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no secret", nil, "--secret"},
		{"secret without whsec_", []string{"--secret", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"}, "--secret"},
		{"missing file", []string{"--secret", "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 24)), "--file", "/nonexistent/payload.json"}, "payload.json"},
		{"stray argument", []string{"extra"}, "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := run(context.Background(), append([]string{"dev", "webhook", "sign"}, tt.args...), envFrom(nil), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one naming %q", err, tt.wantErr)
			}
		})
	}
}

// TestDevModeWebhook runs `authsvc dev`, takes the sign command from its
// banner, runs it, and sends the printed request to the running service,
// as a newcomer pasting both commands would.
func TestDevModeWebhook(t *testing.T) {
	ctx := context.Background()
	d := startDev(t, nil)
	m := signCmd.FindStringSubmatch(d.banner)
	if m == nil {
		t.Fatalf("banner lacks the webhook sign command:\n%s", d.banner)
	}
	req, addr := signedRequest(t, []string{"--secret", m[1], "--grpc-addr", m[2]}, nil)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, err := authsvcv1.NewAuthServiceClient(conn).VerifyWebhook(ctx, req)
	if err != nil {
		t.Fatalf("the printed VerifyWebhook command fails: %v", err)
	}
	if resp.GetType() != "user.created" || resp.GetData().GetFields()["id"].GetStringValue() != devUser {
		t.Errorf("response = %v", resp)
	}
	if strings.Contains(d.log.String(), m[1]) {
		t.Errorf("the logs carry the webhook secret")
	}
}

// TestDevModeWebhookSecretFromEnvironment: dev mode uses a
// CLERK_WEBHOOK_SIGNING_SECRET it finds in the environment, which may be
// the real one, and then names it without printing it anywhere.
func TestDevModeWebhookSecretFromEnvironment(t *testing.T) {
	const secret = "whsec_UFJPRFVDVElPTi1XRUJIT09LLVNFQ1JFVC0xMjM0NTY3OA=="
	d := startDev(t, map[string]string{"CLERK_WEBHOOK_SIGNING_SECRET": secret})
	if strings.Contains(d.banner, secret) || strings.Contains(d.log.String(), secret) {
		t.Fatalf("the environment's webhook secret was printed:\n%s", d.banner)
	}
	if !strings.Contains(d.banner, "CLERK_WEBHOOK_SIGNING_SECRET of your environment") {
		t.Errorf("the banner does not say which secret VerifyWebhook uses:\n%s", d.banner)
	}
}
