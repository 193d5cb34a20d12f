package server

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

func TestParseSessionCookies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, header       string
		session, clientUAT string
	}{
		{"both", "__session=tok; __client_uat=123", "tok", "123"},
		{"among others, no spaces", "a=1;__client_uat=5;b=2;__session=t", "t", "5"},
		{"spaces around names and values", "  __session =  tok  ;\t__client_uat= 12 ", "tok", "12"},
		{"quoted value", `__session="tok"; __client_uat="0"`, "tok", "0"},
		{"first occurrence wins", "__session=first; __session=second; __client_uat=1; __client_uat=2", "first", "1"},
		{"empty value", "__session=; __client_uat=", "", ""},
		{"pair without = skipped", "__session; __client_uat=7", "", "7"},
		{"name is case-sensitive", "__Session=x; __CLIENT_UAT=1", "", ""},
		{"suffixed names are other cookies", "__session_abc=x; __client_uat_abc=1", "", ""},
		{"value keeps = signs", "__session=a.b.c==; x=y", "a.b.c==", ""},
		{"empty header", "", "", ""},
		{"garbage", ";;;===;\x00;", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			session, uat := parseSessionCookies(tt.header)
			if session != tt.session || uat != tt.clientUAT {
				t.Errorf("parseSessionCookies(%q) = %q, %q, want %q, %q", tt.header, session, uat, tt.session, tt.clientUAT)
			}
		})
	}
}

// TestGetAuthStateExplicitWins: an explicit field that is present, even
// empty, replaces what the headers say; absent fields leave them.
func TestGetAuthStateExplicitWins(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	client := newTestClient(t, newASServer(t, verifier.Config{JWTKey: iss.PublicKeyPEM(), SecretKey: "sk_live_abc"}, nil), GRPCOptions{})
	now := time.Now().Unix()
	valid := iss.Mint(t, map[string]any{"iat": now - 10})
	uat := strconv.FormatInt(now-100, 10)
	headers := map[string]string{"Host": "app.example.com", "User-Agent": "Mozilla/5.0", "Cookie": "__session=" + valid + "; __client_uat=" + uat}
	str := func(s string) *string { return &s }
	tests := []struct {
		name string
		req  *authsvcv1.GetAuthStateRequest
		want asResult
	}{
		{"headers alone sign in", &authsvcv1.GetAuthStateRequest{Headers: headers},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN, "standard-signed-in", "user_test"}},
		{"explicit empty cookie_token wins over the Cookie header", &authsvcv1.GetAuthStateRequest{Headers: headers, CookieToken: str("")},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_INTERSTITIAL, "cookie-missing", ""}},
		{"explicit client_uat 0 wins", &authsvcv1.GetAuthStateRequest{Headers: headers, ClientUat: str("0")},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT, "standard-signed-out", ""}},
		{"explicit origin against the header host", &authsvcv1.GetAuthStateRequest{Headers: headers, Origin: str("https://other.com")},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT, "header-missing-cors", ""}},
		{"explicit host makes the header origin cross-origin", &authsvcv1.GetAuthStateRequest{
			Headers: map[string]string{"origin": "https://app.example.com", "host": "app.example.com"}, Host: str("other.com"), HeaderToken: nil, CookieToken: str(valid), ClientUat: str(uat)},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT, "header-missing-cors", ""}},
		{"explicit header_token wins and decides alone", &authsvcv1.GetAuthStateRequest{Headers: headers, HeaderToken: str("a.b")},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT, "header-invalid", ""}},
		{"authorization header with Bearer", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"AUTHORIZATION": "Bearer " + valid}},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN, "standard-signed-in", "user_test"}},
		{":authority stands in for host", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{":authority": "app.example.com", "origin": "https://app.example.com", "cookie": headers["Cookie"]}},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN, "standard-signed-in", "user_test"}},
		{"referrer is not a header name (spec §6 item 23)", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"referrer": "https://other.com", "cookie": headers["Cookie"], "host": "app.example.com"}},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN, "standard-signed-in", "user_test"}},
		{"Cookie header value trimmed: uat ' 12 ' reads as 12", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"cookie": "__session=" + valid + "; __client_uat= 12 "}},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN, "standard-signed-in", "user_test"}},
		{"empty request in production", &authsvcv1.GetAuthStateRequest{},
			asResult{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT, "cookie-and-uat-missing", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := client.GetAuthState(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("GetAuthState: %v", err)
			}
			if diff := cmp.Diff(tt.want, gotResult(resp)); diff != "" {
				t.Errorf("GetAuthState (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGetAuthStateBounds: input beyond the bounds is INVALID_ARGUMENT with a
// BadRequest naming the field, and never echoes the token.
func TestGetAuthStateBounds(t *testing.T) {
	t.Parallel()
	client := newTestClient(t, newASServer(t, verifier.Config{}, nil), GRPCOptions{})
	many := func(n int) map[string]string {
		h := map[string]string{}
		for i := range n {
			h["x-h-"+strconv.Itoa(i)] = "v"
		}
		return h
	}
	big := strings.Repeat("t", MaxHeaderBytes+1)
	longToken := strings.Repeat("t", MaxTokenBytes+1)
	str := func(s string) *string { return &s }
	parties := make([]string, MaxAuthorizedParties+1)
	tests := []struct {
		name  string
		req   *authsvcv1.GetAuthStateRequest
		field string // "" = accepted
	}{
		{"100 headers accepted", &authsvcv1.GetAuthStateRequest{Headers: many(MaxHeaders)}, ""},
		{"101 headers", &authsvcv1.GetAuthStateRequest{Headers: many(MaxHeaders + 1)}, "headers"},
		{"header value of 16 KiB accepted", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"x-big": big[1:]}}, ""},
		{"header value over 16 KiB", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"x-big": big}}, "headers"},
		{"header name too long", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{strings.Repeat("n", MaxHeaderNameBytes+1): "v"}}, "headers"},
		{"same header in two cases", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"Host": "a", "host": "b"}}, "headers"},
		{"explicit field over 16 KiB", &authsvcv1.GetAuthStateRequest{Referrer: str(big)}, "referrer"},
		{"explicit cookie token over 8 KiB", &authsvcv1.GetAuthStateRequest{CookieToken: str(longToken)}, "cookie_token"},
		{"cookie header token over 8 KiB", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"cookie": "__session=" + longToken}}, "cookie_token"},
		{"authorization token over 8 KiB", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"authorization": "Bearer " + longToken + "x"}}, "header_token"},
		{"authorization Bearer + 8 KiB token accepted", &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"authorization": "Bearer " + longToken[1:]}}, ""},
		{"too many authorized parties", &authsvcv1.GetAuthStateRequest{AuthorizedParties: parties}, "authorized_parties"},
		{"authorized party too long", &authsvcv1.GetAuthStateRequest{AuthorizedParties: []string{big}}, "authorized_parties"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := client.GetAuthState(context.Background(), tt.req)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("GetAuthState: %v, want accepted", err)
				}
				return
			}
			st, _ := status.FromError(err)
			if st.Code() != codes.InvalidArgument {
				t.Fatalf("code = %v (%v), want InvalidArgument", st.Code(), err)
			}
			if strings.Contains(st.Message(), "tttt") {
				t.Errorf("status message echoes the input: %.80q", st.Message())
			}
			var fields []string
			for _, d := range st.Details() {
				if br, ok := d.(*errdetails.BadRequest); ok {
					for _, v := range br.GetFieldViolations() {
						fields = append(fields, v.GetField())
					}
				}
			}
			if diff := cmp.Diff([]string{tt.field}, fields); diff != "" {
				t.Errorf("BadRequest fields (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGetAuthStateHeaderNamesFoldASCIIOnly: header names compare in ASCII
// case only (RFC 9110), so a name that strings.ToLower would fold into
// "cookie" through Unicode (a Kelvin sign for the k) is no Cookie header,
// while "COOKIE" is.
func TestGetAuthStateHeaderNamesFoldASCIIOnly(t *testing.T) {
	t.Parallel()
	client := newTestClient(t, newASServer(t, verifier.Config{}, nil), GRPCOptions{})
	reason := func(h map[string]string) string {
		t.Helper()
		resp, err := client.GetAuthState(context.Background(), &authsvcv1.GetAuthStateRequest{Headers: h})
		if err != nil {
			t.Fatalf("GetAuthState(%q): %v", h, err)
		}
		return resp.GetReason()
	}
	none := reason(map[string]string{})
	if got := reason(map[string]string{"coo\u212aie": "__session=abc"}); got != none {
		t.Errorf("a Kelvin-sign cookie header: reason %q, want %q as with no headers", got, none)
	}
	if got := reason(map[string]string{"COOKIE": "__session=abc"}); got == none {
		t.Errorf("COOKIE: reason %q, the same as with no headers; it must be read as Cookie", got)
	}
}
