package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// syncBuffer is a bytes.Buffer safe for one writer and one poller.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var (
	verifyCmd  = regexp.MustCompile(`grpcurl -plaintext -d '([^']+)' (\S+) authsvc\.v1\.AuthService/VerifySessionToken`)
	getUserCmd = regexp.MustCompile(`grpcurl -plaintext -H 'authorization: Bearer (\S+)' -d '([^']+)' (\S+) authsvc\.v1\.AuthService/GetUser`)
	metricsURL = regexp.MustCompile(`metrics on (http://\S+/metrics)`)
)

// TestDevModeBanner runs `authsvc dev` on loopback ports and replays the
// commands its banner prints, as a newcomer pasting them would: the printed
// token verifies to the demo user's claims, the printed caller key reads the
// demo user through the proxy, a call without it is refused, and a minted
// token from `authsvc dev token` verifies too.
func TestDevModeBanner(t *testing.T) {
	ctx := context.Background()
	d := startDev(t, nil)
	banner := d.banner
	vm, um := verifyCmd.FindStringSubmatch(banner), getUserCmd.FindStringSubmatch(banner)
	conn, err := grpc.NewClient(vm[2], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := authsvcv1.NewAuthServiceClient(conn)

	var vreq authsvcv1.VerifySessionTokenRequest
	if err := json.Unmarshal([]byte(vm[1]), &vreq); err != nil {
		t.Fatalf("printed request is not JSON: %v", err)
	}
	vresp, err := client.VerifySessionToken(ctx, &vreq)
	if err != nil {
		t.Fatalf("the printed VerifySessionToken command fails: %v", err)
	}
	if got := vresp.GetClaims().GetUserId(); got != devUser {
		t.Errorf("claims user = %q, want %q", got, devUser)
	}

	var ureq authsvcv1.GetUserRequest
	if err := json.Unmarshal([]byte(um[2]), &ureq); err != nil {
		t.Fatalf("printed GetUser request is not JSON: %v", err)
	}
	authed := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+um[1])
	user, err := client.GetUser(authed, &ureq)
	if err != nil {
		t.Fatalf("the printed GetUser command fails: %v", err)
	}
	if user.GetUser().GetId() != devUser {
		t.Errorf("GetUser returned %q, want %q", user.GetUser().GetId(), devUser)
	}
	if _, err := client.GetUser(ctx, &ureq); status.Code(err) != codes.Unauthenticated {
		t.Errorf("GetUser without the caller key: %v, want Unauthenticated", err)
	}
	wrongKey := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer ak_dev_wrong")
	if _, err := client.GetUser(wrongKey, &ureq); status.Code(err) != codes.PermissionDenied {
		t.Errorf("GetUser with a wrong key: %v, want PermissionDenied", err)
	}

	// The curl line, replayed with net/http: its header, body and URL.
	cm := curlCmd.FindStringSubmatch(banner)
	if cm == nil {
		t.Fatalf("banner lacks the curl command:\n%s", banner)
	}
	name, value, _ := strings.Cut(cm[1], ": ")
	if name != "Content-Type" {
		t.Fatalf("the curl command sends %q, want a Content-Type", cm[1])
	}
	cresp, body := post(t, cm[3], value, nil, []byte(cm[2]))
	var viaHTTP authsvcv1.VerifySessionTokenResponse
	if cresp.StatusCode != http.StatusOK || protojson.Unmarshal(body, &viaHTTP) != nil || viaHTTP.GetClaims().GetUserId() != devUser {
		t.Errorf("the printed curl command answers %d %s, want 200 with %s's claims", cresp.StatusCode, body, devUser)
	}

	var tokOut bytes.Buffer
	if err := run(ctx, []string{"dev", "token", "--user", "user_demo_bob", "--dev-backend-addr", d.backendAddr}, envFrom(d.env), &tokOut, io.Discard); err != nil {
		t.Fatalf("dev token: %v", err)
	}
	// The banner's own mint command, with the flags it prints for this run.
	mint := regexp.MustCompile(`Mint another token: go run \./cmd/authsvc (dev token .+)\n`).FindStringSubmatch(banner)
	if mint == nil {
		t.Fatalf("banner lacks the dev token command:\n%s", banner)
	}
	var printedOut bytes.Buffer
	if err := run(ctx, strings.Fields(mint[1]), envFrom(d.env), &printedOut, io.Discard); err != nil {
		t.Fatalf("the printed %q: %v", mint[1], err)
	}
	if alice, err := client.VerifySessionToken(ctx, &authsvcv1.VerifySessionTokenRequest{Token: strings.TrimSpace(printedOut.String())}); err != nil || alice.GetClaims().GetUserId() != devUser {
		t.Errorf("the printed dev token command's token: %v %v", alice, err)
	}
	bob, err := client.VerifySessionToken(ctx, &authsvcv1.VerifySessionTokenRequest{Token: strings.TrimSpace(tokOut.String())})
	if err != nil || bob.GetClaims().GetUserId() != "user_demo_bob" {
		t.Fatalf("minted token: %v %v", bob, err)
	}

	if m := metricsURL.FindStringSubmatch(banner); m == nil {
		t.Errorf("banner lacks the metrics URL")
	} else {
		body := httpGet(t, m[1])
		for _, want := range devMetrics {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	}
	if strings.Contains(d.log.String(), um[1]) || strings.Contains(d.log.String(), vreq.GetToken()) {
		t.Errorf("the logs carry the caller key or the token")
	}
}

// devMetrics are series the calls above must have produced on /metrics.
var devMetrics = []string{
	`grpc_server_handled_total{grpc_code="OK",grpc_method="VerifySessionToken"`,
	`authsvc_verifications_total{method="VerifySessionToken",outcome="valid",reason=""} 4`,
	`authsvc_decision_cache_requests_total{result="miss"}`, `authsvc_jwks_fetches_total{result="success"} 1`,
	`authsvc_backend_requests_total{code="200",operation="GET /users/{id}"} 1`, `authsvc_build_info{`,
	"go_goroutines", "process_resident_memory_bytes",
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
