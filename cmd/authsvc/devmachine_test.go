package main

import (
	"context"
	"regexp"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/authsvc/authsvc/emulator"
	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
)

var verifyTokenCmd = regexp.MustCompile(`grpcurl -plaintext -d '([^']+)' (\S+) authsvc\.v1\.AuthService/VerifyToken`)

// TestDevModeMachineBanner runs `authsvc dev` and replays the VerifyToken
// commands its banner prints: the M2M token verifies as the emulator's
// machine, the API key as the demo user, and each refused when only the
// other kind is accepted.
func TestDevModeMachineBanner(t *testing.T) {
	ctx := context.Background()
	d := startDev(t, nil)
	cmds := verifyTokenCmd.FindAllStringSubmatch(d.banner, -1)
	if len(cmds) != 2 {
		t.Fatalf("banner lacks the two VerifyToken commands:\n%s", d.banner)
	}
	conn, err := grpc.NewClient(cmds[0][2], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := authsvcv1.NewAuthServiceClient(conn)
	want := []struct {
		kind    authsvcv1.TokenType
		subject string
	}{{authsvcv1.TokenType_TOKEN_TYPE_M2M, emulator.EmulatorMachineID}, {authsvcv1.TokenType_TOKEN_TYPE_API_KEY, devUser}}
	for i, c := range cmds {
		var req authsvcv1.VerifyTokenRequest
		if err := protojson.Unmarshal([]byte(c[1]), &req); err != nil {
			t.Fatalf("printed request %d is not VerifyTokenRequest JSON: %v", i, err)
		}
		resp, err := client.VerifyToken(ctx, &req)
		if err != nil {
			t.Fatalf("printed VerifyToken command %d fails: %v", i, err)
		}
		if resp.GetTokenType() != want[i].kind || resp.GetMachine().GetSubject() != want[i].subject {
			t.Errorf("command %d: %v, want %v for %s", i, resp, want[i].kind, want[i].subject)
		}
		req.Accepts = []authsvcv1.TokenType{want[1-i].kind}
		if _, err := client.VerifyToken(ctx, &req); err == nil {
			t.Errorf("command %d verified with only the other kind accepted", i)
		}
	}
}
