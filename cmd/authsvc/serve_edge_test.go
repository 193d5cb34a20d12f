package main

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/authsvc/authsvc/internal/edgetest"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// startServe runs the service as `authsvc` does, with env, on loopback
// ports, and returns where it listens; it stops at the test's end.
func startServe(t *testing.T, env map[string]string) listening {
	t.Helper()
	return startServeTuned(t, env, nil)
}

// startServeTuned is startServe with tune, when set, applied to the parsed
// configuration (for its settings that are not settings: test hooks).
func startServeTuned(t *testing.T, env map[string]string, tune func(*config)) listening {
	t.Helper()
	cfg, err := parseConfig("authsvc", []string{"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, envFrom(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if tune != nil {
		tune(cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	at := make(chan listening, 1)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, cfg, newLogger(io.Discard, cfg.LogLevel), nil, func(l listening) { at <- l })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve ended with %v", err)
		}
	})
	select {
	case l := <-at:
		return l
	case err := <-done:
		t.Fatalf("serve stopped before listening: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not listen within 20s")
	}
	return listening{}
}

func checkClientAt(t *testing.T, addr string) authv3.AuthorizationClient {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return authv3.NewAuthorizationClient(conn)
}

// TestServeEdge: the service serves Check on its gRPC port and
// /forward-auth on its HTTP port, and with CLERK_PUBLISHABLE_KEY set it
// renders the interstitial itself (no secret key, so no Backend API at all).
func TestServeEdge(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	now := time.Now().Unix()
	token := iss.Mint(t, map[string]any{"sub": "user_serve", "iat": now - 10})
	expired := iss.Mint(t, map[string]any{"iat": now - 600, "nbf": now - 600, "exp": now - 300})
	pk := "pk_live_" + base64.RawStdEncoding.EncodeToString([]byte("clerk.serve.example$"))
	at := startServe(t, map[string]string{
		"CLERK_JWT_KEY": iss.PublicKeyPEM(), "CLERK_PUBLISHABLE_KEY": pk, "AUTHSVC_PUBLIC_PATHS": "/public/",
	})

	resp, err := checkClientAt(t, at.GRPCAddr).Check(context.Background(), edgetest.SignedInCheckRequest(token, now-100))
	if err != nil || resp.GetStatus().GetCode() != 0 {
		t.Fatalf("Check = %v, %v; want OK", resp, err)
	}
	var user string
	for _, h := range resp.GetOkResponse().GetHeaders() {
		if h.GetHeader().GetKey() == "x-clerk-user-id" {
			user = h.GetHeader().GetValue()
		}
	}
	if user != "user_serve" {
		t.Errorf("x-clerk-user-id = %q, want user_serve", user)
	}

	req, err := http.NewRequestWithContext(context.Background(), "GET", "http://"+at.HTTPAddr+"/forward-auth", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", "__session="+expired+"; __client_uat="+strconv.FormatInt(now-100, 10))
	req.Header.Set("Accept", "text/html")
	req.Header.Set("X-Forwarded-Uri", "/app")
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(hr.Body)
	_ = hr.Body.Close()
	if hr.StatusCode != 401 || hr.Header.Get("X-Clerk-Auth-Status") != "interstitial" ||
		!strings.Contains(string(body), "https://clerk.serve.example/npm/@clerk/clerk-js@4/dist/clerk.browser.js") {
		t.Fatalf("forward auth = %d %q, body %.200s; want 401 with the local interstitial page", hr.StatusCode, hr.Header.Get("X-Clerk-Auth-Status"), body)
	}
}

// TestServeExtAuthzOff: AUTHSVC_EXT_AUTHZ=false leaves Check unregistered.
func TestServeExtAuthzOff(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	at := startServe(t, map[string]string{"CLERK_JWT_KEY": iss.PublicKeyPEM(), "AUTHSVC_EXT_AUTHZ": "false"})
	_, err := checkClientAt(t, at.GRPCAddr).Check(context.Background(), edgetest.CheckRequest("/", nil))
	if status.Code(err) != codes.Unimplemented {
		t.Fatalf("Check with AUTHSVC_EXT_AUTHZ=false: %v, want UNIMPLEMENTED", err)
	}
}
