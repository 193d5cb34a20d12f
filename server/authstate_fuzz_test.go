package server

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// FuzzGetAuthStateHeaders sends GetAuthState random header names, values
// and cookies in the headers-map form, against a development and a
// production verifier. The handler must not panic, and must answer either
// INVALID_ARGUMENT or one of the three statuses with a known reason that
// goes with it (claims exactly when signed in). "$valid" in any input is
// replaced by a valid session token, "$uat" by a current __client_uat.
//
//	go test -run '^$' -fuzz '^FuzzGetAuthStateHeaders$' -fuzztime 1000000x ./server
func FuzzGetAuthStateHeaders(f *testing.F) {
	iss := verifiertest.NewIssuer(f)
	now := time.Now().Unix()
	valid := iss.Mint(f, map[string]any{"iat": now - 10, "exp": now + 24*3600})
	uat := strconv.FormatInt(now-100, 10)
	servers := map[bool]*Server{
		true:  newASServer(f, verifier.Config{JWTKey: iss.PublicKeyPEM(), SecretKey: "sk_test_abc"}, nil),
		false: newASServer(f, verifier.Config{JWTKey: iss.PublicKeyPEM(), SecretKey: "sk_live_abc"}, nil),
	}
	f.Add("Host", "app.example.com", "User-Agent", "Mozilla/5.0", "__session=$valid; __client_uat=$uat", "", "", true)
	f.Add("host", "app.example.com", "x-forwarded-proto", "https, http", "__client_uat=0", "", "https://app.example.com", false)
	f.Add("X-Forwarded-Host", "a.com, b.com", "x-forwarded-port", "443", "__session=$valid", "Bearer $valid", "null", false)
	f.Add("referer", "https://accounts.example.dev/sign-in", "user-agent", "Mozilla/5.0", "__client_uat=$uat;__session=\"$valid\"", "", "", true)
	f.Add("COOKIE", "__session=x", "cookie", "__session=y", "", "bearer a.b.c", "http://[::1]:3000", false)
	f.Add(":authority", "[::1]:3000", "origin", "http://[::1]:3000", "__session=$valid; __client_uat= 12 ", "", "", false)
	f.Fuzz(func(t *testing.T, name1, value1, name2, value2, cookie, authorization, origin string, dev bool) {
		sub := func(s string) string {
			return strings.ReplaceAll(strings.ReplaceAll(s, "$valid", valid), "$uat", uat)
		}
		req := &authsvcv1.GetAuthStateRequest{Headers: map[string]string{
			sub(name1): sub(value1), sub(name2): sub(value2),
			"cookie": sub(cookie), "authorization": sub(authorization), "origin": sub(origin),
		}}
		resp, err := servers[dev].GetAuthState(context.Background(), req)
		if err != nil {
			if code := status.Code(err); code != codes.InvalidArgument {
				t.Fatalf("GetAuthState error code %v (%v), want InvalidArgument or a response", code, err)
			}
			return
		}
		checkResponsePair(t, resp)
	})
}

// checkResponsePair asserts a response's status is one of the three, its
// reason is known and goes with that status, and claims come exactly with
// signed in.
func checkResponsePair(t *testing.T, resp *authsvcv1.GetAuthStateResponse) {
	t.Helper()
	want, ok := verifier.AuthReason(resp.GetReason()).Status()
	if !ok {
		t.Fatalf("unknown reason %q", resp.GetReason())
	}
	if authStatusProto(want) != resp.GetStatus() || resp.GetStatus() == authsvcv1.AuthStatus_AUTH_STATUS_UNSPECIFIED {
		t.Fatalf("status %v with reason %q (which goes with %v)", resp.GetStatus(), resp.GetReason(), want)
	}
	if (resp.GetClaims() != nil) != (want == verifier.StatusSignedIn) {
		t.Fatalf("claims present = %v with status %v", resp.GetClaims() != nil, resp.GetStatus())
	}
}
