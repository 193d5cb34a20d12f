package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
)

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// wantNoSecrets fails when log holds any of secrets, or a token's payload
// or signature segment.
func wantNoSecrets(t *testing.T, log string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		parts := []string{s}
		if segs := strings.Split(s, "."); len(segs) == 3 {
			parts = append(parts, segs[1], segs[2])
		}
		for _, p := range parts {
			if p != "" && strings.Contains(log, p) {
				t.Errorf("the log holds a secret or token (%.12s…)", p)
			}
		}
	}
}

// TestLogsHoldNoSecrets: DESIGN Operations, Logs. At every level, debug
// included, verify, auth-state and proxy calls (granted, refused, failing
// upstream, with a token as request id) and a dev-mode start leave no
// token, secret key or caller key in the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	for _, level := range []string{"debug", "info", "warn", "error"} {
		t.Run(level, func(t *testing.T) {
			t.Parallel()
			secret, callerKey, wrongKey := "sk_test_"+randomHex(t), "ck_"+randomHex(t), "ck_wrong_"+randomHex(t)
			clerk := newFakeClerk(t, secret)
			svc := startService(t, clerkEnv(t, clerk, callerKey, map[string]string{"AUTHSVC_LOG_LEVEL": level}), nil)
			waitFor(t, "SERVING", func() bool { return svc.healthOf(t, "") == healthpb.HealthCheckResponse_SERVING })
			good := clerk.iss.Mint(t, nil)
			expired := clerk.iss.Mint(t, map[string]any{"exp": time.Now().Unix() - 100})
			calls := exerciseService(t, svc.client, good, expired, callerKey, wrongKey)

			log := svc.log.String()
			wantNoSecrets(t, log, secret, callerKey, wrongKey, good, expired)
			lines := svc.logLines(t, "grpc call")
			switch level {
			case "debug":
				if len(lines) < calls {
					t.Errorf("%d call lines at debug for %d calls: the check above proves nothing", len(lines), calls)
				}
			case "info", "warn":
				if len(lines) != 1 || lines[0]["code"] != "Unavailable" {
					t.Errorf("call lines at %s = %v, want only the upstream failure", level, lines)
				}
			case "error":
				if len(lines) != 0 {
					t.Errorf("call lines at error = %v, want none", lines)
				}
			}
			testDevModeLogs(t, level)
		})
	}
}

// exerciseService makes the calls of TestLogsHoldNoSecrets and returns how
// many it made.
func exerciseService(t *testing.T, client authsvcv1.AuthServiceClient, good, expired, callerKey, wrongKey string) int {
	t.Helper()
	ctx := metadata.AppendToOutgoingContext(context.Background(), "x-request-id", good)
	n := 0
	for _, tok := range []string{good, expired, good + "x", "not.a.token"} {
		_, _ = client.VerifySessionToken(ctx, &authsvcv1.VerifySessionTokenRequest{Token: tok})
		n++
	}
	for _, req := range []*authsvcv1.GetAuthStateRequest{
		{CookieToken: &good, ClientUat: ptr("1"), Host: ptr("app.example.com"), Origin: ptr("https://app.example.com"), UserAgent: ptr("Mozilla/5.0")},
		{HeaderToken: ptr("Bearer " + expired)},
		{Headers: map[string]string{"Cookie": "__session=" + good + "; __client_uat=1", "Authorization": "Bearer " + good, "Host": "app.example.com"}},
	} {
		_, _ = client.GetAuthState(ctx, req)
		n++
	}
	for _, c := range []struct{ key, user string }{{callerKey, "user_1"}, {wrongKey, "user_1"}, {"", "user_1"}, {callerKey, "user_down"}} {
		cctx := ctx
		if c.key != "" {
			cctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+c.key)
		}
		_, _ = client.GetUser(cctx, &authsvcv1.GetUserRequest{UserId: c.user})
		n++
	}
	return n
}

func ptr(s string) *string { return &s }

// testDevModeLogs starts `authsvc dev` at level, uses the banner's token
// and caller key, and checks its log holds neither, nor the emulator's
// secret key (random, read from its file).
func testDevModeLogs(t *testing.T, level string) {
	t.Helper()
	d := startDev(t, map[string]string{"AUTHSVC_LOG_LEVEL": level})
	vm, um := verifyCmd.FindStringSubmatch(d.banner), getUserCmd.FindStringSubmatch(d.banner)
	var vreq authsvcv1.VerifySessionTokenRequest
	if json.Unmarshal([]byte(vm[1]), &vreq) != nil {
		t.Fatalf("banner lacks the token:\n%s", d.banner)
	}
	emulatorSecret := readFile(t, d.secretFile)
	conn, err := grpc.NewClient(vm[2], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := authsvcv1.NewAuthServiceClient(conn)
	exerciseService(t, client, vreq.GetToken(), vreq.GetToken()+"x", um[1], "ak_dev_wrong")
	d.stop(t)
	wantNoSecrets(t, d.log.String(), vreq.GetToken(), um[1], emulatorSecret)
	if level == "debug" && !strings.Contains(d.log.String(), `"msg":"grpc call"`) {
		t.Error("dev mode at debug logged no call: the check proves nothing")
	}
}

// readFile returns the trimmed content of path.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
