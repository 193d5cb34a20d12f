package server

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// asVector is one row of verifier/testdata/authstate_vectors.json, the
// vectors verifier/authstate_ext_test.go runs in-process; here they run over
// gRPC (bufconn) in both request forms. The file's "doc" explains the symbols.
type asVector struct {
	Name, Base, Key, ExplicitOnly                                               string
	Cookie, UAT, Header, Origin, Host, FwdHost, FwdPort, FwdProto, Referrer, UA *string
	Parties                                                                     []string
	Dev, Prod                                                                   []string
}

func asLoadVectors(t *testing.T) []asVector {
	t.Helper()
	raw, err := os.ReadFile("../verifier/testdata/authstate_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Vectors []asVector }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("authstate_vectors.json: %v", err)
	}
	return doc.Vectors
}

// asFixture mints the vectors' tokens and serves one gRPC client per
// verifier mode: "dev" (sk_test_abc), "prod" (sk_live_abc), "none" (no key).
type asFixture struct {
	now        int64
	iss, other *verifiertest.Issuer
	clients    map[string]authsvcv1.AuthServiceClient
	mu         sync.Mutex
	tokens     map[string]string
}

func newASFixture(t *testing.T, interstitial func(context.Context) (string, error)) *asFixture {
	t.Helper()
	f := &asFixture{now: time.Now().Unix(), iss: verifiertest.NewIssuer(t), other: verifiertest.NewIssuer(t),
		clients: map[string]authsvcv1.AuthServiceClient{}, tokens: map[string]string{}}
	for mode, cfg := range map[string]verifier.Config{
		"dev":  {JWTKey: f.iss.PublicKeyPEM(), SecretKey: "sk_test_abc"},
		"prod": {JWTKey: f.iss.PublicKeyPEM(), SecretKey: "sk_live_abc"},
		"none": {},
	} {
		f.clients[mode] = newTestClient(t, newASServer(t, cfg, interstitial), GRPCOptions{})
	}
	return f
}

func newASServer(t testing.TB, cfg verifier.Config, interstitial func(context.Context) (string, error)) *Server {
	t.Helper()
	v, err := verifier.New(cfg)
	if err != nil {
		t.Fatalf("verifier.New: %v", err)
	}
	t.Cleanup(v.Close)
	s, err := New(Config{Verifier: v, Interstitial: interstitial})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	return s
}

// token resolves a token symbol ("$valid", …) or returns the literal.
func (f *asFixture) token(t *testing.T, sym string) string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if tok, ok := f.tokens[sym]; ok {
		return tok
	}
	iat := f.now - 10
	claims := map[string]map[string]any{
		"$valid": {"iat": iat}, "$expired": {"iat": iat, "exp": f.now - 60}, "$early": {"iat": iat, "nbf": f.now + 60},
		"$iat-future": {"iat": f.now + 60}, "$bad-iss": {"iat": iat, "iss": "https://evil.example.com"},
		"$azp-a": {"iat": iat, "azp": "https://a.com"}, "$no-iat": {"iat": nil},
	}
	tok := sym
	switch {
	case claims[sym] != nil:
		tok = f.iss.Mint(t, claims[sym])
	case sym == "$other-key":
		tok = f.other.Mint(t, map[string]any{"iat": iat})
	case sym == "$bearer-valid":
		tok = "Bearer " + f.iss.Mint(t, map[string]any{"iat": iat})
	case sym == "$bearer-lower-valid":
		tok = "bearer " + f.iss.Mint(t, map[string]any{"iat": iat})
	case strings.HasPrefix(sym, "$"):
		t.Fatalf("unknown token symbol %q", sym)
	}
	f.tokens[sym] = tok
	return tok
}

func (f *asFixture) uat(sym string) string {
	iat := f.now - 10
	switch sym {
	case "$now-100":
		return strconv.FormatInt(f.now-100, 10)
	case "$iat":
		return strconv.FormatInt(iat, 10)
	case "$iat-1":
		return strconv.FormatInt(iat-1, 10)
	case "$iat+1":
		return strconv.FormatInt(iat+1, 10)
	}
	return sym
}

// facts resolves a vector to header name → value, keyed by the explicit
// field names; absent entries are left out.
func (f *asFixture) facts(t *testing.T, v asVector) map[string]string {
	t.Helper()
	m := map[string]string{"host": "app.example.com", "user_agent": "Mozilla/5.0"}
	if v.Base == "3.1" {
		m["host"], m["user_agent"] = "clerk.dev", "Mozilla/"
	}
	for name, p := range map[string]*string{"origin": v.Origin, "host": v.Host, "forwarded_host": v.FwdHost,
		"forwarded_port": v.FwdPort, "forwarded_proto": v.FwdProto, "referrer": v.Referrer, "user_agent": v.UA} {
		if p != nil {
			m[name] = *p
		}
	}
	if v.Cookie != nil {
		m["cookie_token"] = f.token(t, *v.Cookie)
	}
	if v.Header != nil {
		m["header_token"] = f.token(t, *v.Header)
	}
	if v.UAT != nil {
		m["client_uat"] = f.uat(*v.UAT)
	}
	return m
}

// explicitRequest is the explicit-fields form of a vector.
func explicitRequest(m map[string]string, parties []string) *authsvcv1.GetAuthStateRequest {
	opt := func(k string) *string {
		if v, ok := m[k]; ok {
			return &v
		}
		return nil
	}
	return &authsvcv1.GetAuthStateRequest{
		CookieToken: opt("cookie_token"), ClientUat: opt("client_uat"), HeaderToken: opt("header_token"),
		Origin: opt("origin"), Host: opt("host"), ForwardedHost: opt("forwarded_host"), ForwardedPort: opt("forwarded_port"),
		ForwardedProto: opt("forwarded_proto"), Referrer: opt("referrer"), UserAgent: opt("user_agent"),
		AuthorizedParties: parties,
	}
}

// headersRequest is the headers-map form of a vector, with header names in
// assorted cases and an unrelated cookie around Clerk's two.
func headersRequest(m map[string]string, parties []string) *authsvcv1.GetAuthStateRequest {
	h := map[string]string{}
	names := map[string]string{"header_token": "Authorization", "origin": "ORIGIN", "host": "Host",
		"forwarded_host": "X-Forwarded-Host", "forwarded_port": "x-forwarded-port", "forwarded_proto": "X-Forwarded-Proto",
		"referrer": "Referer", "user_agent": "User-Agent"}
	for k, name := range names {
		if v, ok := m[k]; ok {
			h[name] = v
		}
	}
	var cookies []string
	if v, ok := m["cookie_token"]; ok {
		cookies = append(cookies, "__session="+v)
	}
	if v, ok := m["client_uat"]; ok {
		cookies = append(cookies, "__client_uat="+v)
	}
	if cookies != nil {
		h["Cookie"] = "theme=dark; " + strings.Join(cookies, "; ")
	}
	return &authsvcv1.GetAuthStateRequest{Headers: h, AuthorizedParties: parties}
}

// asResult is the part of a response the vectors pin.
type asResult struct {
	Status authsvcv1.AuthStatus
	Reason string
	UserID string // claims.user_id, "" without claims
}

var asStatus = map[string]authsvcv1.AuthStatus{
	"signed-in":    authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN,
	"signed-out":   authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT,
	"interstitial": authsvcv1.AuthStatus_AUTH_STATUS_INTERSTITIAL,
}

func wantResult(w []string) asResult {
	r := asResult{Status: asStatus[w[0]], Reason: w[1]}
	if w[0] == "signed-in" {
		r.UserID = "user_test"
	}
	return r
}

func gotResult(resp *authsvcv1.GetAuthStateResponse) asResult {
	return asResult{Status: resp.GetStatus(), Reason: resp.GetReason(), UserID: resp.GetClaims().GetUserId()}
}

// TestGetAuthStateVectors runs spec §2.9 (DEV and PROD) and the realistic
// column of Base.test.ts (§3.1) over gRPC, in both request forms.
func TestGetAuthStateVectors(t *testing.T) {
	t.Parallel()
	f := newASFixture(t, nil)
	forms := map[string]func(map[string]string, []string) *authsvcv1.GetAuthStateRequest{
		"explicit": explicitRequest, "headers": headersRequest,
	}
	for _, v := range asLoadVectors(t) {
		for mode, want := range map[string][]string{"dev": v.Dev, "prod": v.Prod} {
			for form, build := range forms {
				if want == nil || (form == "headers" && v.ExplicitOnly != "") {
					continue
				}
				t.Run(form+" "+mode+" "+v.Name, func(t *testing.T) {
					t.Parallel()
					client := f.clients[mode]
					if v.Key == "none" {
						client = f.clients["none"]
					}
					resp, err := client.GetAuthState(context.Background(), build(f.facts(t, v), v.Parties))
					if err != nil {
						t.Fatalf("GetAuthState: %v", err)
					}
					if diff := cmp.Diff(wantResult(want), gotResult(resp)); diff != "" {
						t.Errorf("GetAuthState (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
}

// TestGetAuthStateCrossOrigin runs the checkCrossOrigin vectors of spec §3.3
// and §2.5 through GetAuthState (production, valid cookie), in both request
// forms: cross-origin is signed out header-missing-cors, same-origin signs in.
func TestGetAuthStateCrossOrigin(t *testing.T) {
	t.Parallel()
	f := newASFixture(t, nil)
	v := asVector{Cookie: asPtr("$valid"), UAT: asPtr("$now-100")}
	tests := []struct {
		name                                  string
		origin, host, fwdHost, fwdPort, proto string
		cross                                 bool
	}{
		{"3.3#1 is not CO with IPv6", "http://[::1]", "[::1]", "", "", "", false},
		{"3.3#2 is not CO with set https and 443 port", "https://localhost:443", "localhost", "", "", "", false},
		{"3.3#3 is CO with mixed default security ports", "https://localhost:80", "localhost:443", "", "", "", true},
		{"3.3#4 is CO when HTTPS to HTTP with present x-forwarded-proto", "https://localhost", "someserver", "localhost", "", "http", true},
		{"3.3#5 is CO when HTTPS to HTTP with forwarded port", "https://localhost", "localhost", "", "80", "", true},
		{"3.3#6 is CO with cross origin auth domain", "https://accounts.clerk.dev", "localhost", "", "", "", true},
		{"3.3#7 is CO when forwarded port overrides host derived port", "https://localhost:443", "localhost", "", "3001", "", true},
		{"3.3#8 is not CO with port included in x-forwarded host", "http://localhost:3000", "127.0.0.1:3000", "localhost:3000", "", "", false},
		{"3.3#9 is CO with port included in x-forwarded host", "http://localhost:3000", "127.0.0.1:3000", "localhost:4000", "", "", true},
		{"2.5 quirk http://example.com:80 vs example.com:80, no proto", "http://example.com:80", "example.com:80", "", "", "", true},
		{"2.5 quirk http://example.com:80 vs example.com:80, proto http (fix)", "http://example.com:80", "example.com:80", "", "", "http", false},
		{"2.5 quirk http://example.com vs example.com", "http://example.com", "example.com", "", "", "", false},
		{"2.5 quirk https://example.com vs example.com:443", "https://example.com", "example.com:443", "", "", "", false},
		{"2.5 quirk https://Example.COM vs example.com", "https://Example.COM", "example.com", "", "", "", false},
		{"2.5 quirk userinfo ignored", "https://user:pw@example.com", "example.com", "", "", "", false},
		{"2.5 quirk X-Forwarded-Port 443", "https://example.com", "example.com", "", "443", "", false},
		{"2.5 quirk :8443 with fwdPort 8443", "https://example.com:8443", "example.com", "", "8443", "", false},
		{"2.5 quirk a.example.com vs b.example.com", "https://a.example.com", "b.example.com", "", "", "", true},
		{"2.5 quirk forwarded host wins", "https://example.com", "other.com", "example.com", "", "", false},
		{"2.5 step1 proto https (fix: was CO)", "https://example.com", "example.com", "", "", "https", false},
		{"fix3 forwarded host comma list", "https://example.com", "lb", "example.com, lb", "", "https, http", false},
	}
	forms := map[string]func(map[string]string, []string) *authsvcv1.GetAuthStateRequest{
		"explicit": explicitRequest, "headers": headersRequest,
	}
	for _, tt := range tests {
		for form, build := range forms {
			t.Run(form+" "+tt.name, func(t *testing.T) {
				t.Parallel()
				m := f.facts(t, v)
				m["origin"], m["host"] = tt.origin, tt.host
				for k, val := range map[string]string{"forwarded_host": tt.fwdHost, "forwarded_port": tt.fwdPort, "forwarded_proto": tt.proto} {
					if val != "" {
						m[k] = val
					}
				}
				resp, err := f.clients["prod"].GetAuthState(context.Background(), build(m, nil))
				if err != nil {
					t.Fatalf("GetAuthState: %v", err)
				}
				want := wantResult([]string{"signed-in", "standard-signed-in"})
				if tt.cross {
					want = wantResult([]string{"signed-out", "header-missing-cors"})
				}
				if diff := cmp.Diff(want, gotResult(resp)); diff != "" {
					t.Errorf("GetAuthState (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func asPtr(s string) *string { return &s }
