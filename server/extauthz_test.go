package server

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/authsvc/authsvc/internal/edgetest"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// These tests play Envoy: they build CheckRequests with go-control-plane's
// types and call Check over a real gRPC connection to the server as
// NewGRPCServer builds it, with the caller-policy interceptor and no
// policy (Check is an open method).

// edgeFixture is one production authsvc with an inline key, and tokens.
type edgeFixture struct {
	iss *verifiertest.Issuer
	now int64
	// signedIn carries an org; plain does not.
	signedIn, plain, expired, badSig string
	records                          *edgeRecords
}

// edgeRecords counts EdgeConfig.Record calls.
type edgeRecords struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *edgeRecords) record(kind, decision string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n[kind+" "+decision]++
}

func (r *edgeRecords) get(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[key]
}

func newEdgeFixture(t *testing.T) *edgeFixture {
	t.Helper()
	iss := verifiertest.NewIssuer(t)
	now := time.Now().Unix()
	other := verifiertest.NewIssuer(t)
	return &edgeFixture{
		iss: iss, now: now, records: &edgeRecords{n: map[string]int{}},
		signedIn: iss.Mint(t, map[string]any{"sub": "user_edge", "sid": "sess_edge", "iat": now - 10,
			"org_id": "org_edge", "org_role": "org:admin", "org_slug": "edge"}),
		plain:   iss.Mint(t, map[string]any{"sub": "user_plain", "sid": "sess_plain", "iat": now - 10}),
		expired: iss.Mint(t, map[string]any{"iat": now - 600, "nbf": now - 600, "exp": now - 300}),
		badSig:  other.Mint(t, map[string]any{"iat": now - 10}),
	}
}

// server builds a production server for the fixture's key, with edge and
// interstitial, recording into f.records.
func (f *edgeFixture) server(t *testing.T, edge EdgeConfig, interstitial func(context.Context) (string, error)) *Server {
	t.Helper()
	v, err := verifier.New(verifier.Config{JWTKey: f.iss.PublicKeyPEM(), SecretKey: "sk_live_edge"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	edge.Record = f.records.record
	s, err := New(Config{Verifier: v, Edge: edge, Interstitial: interstitial})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkClient serves s as production does and returns an Envoy client.
func checkClient(t *testing.T, s *Server) authv3.AuthorizationClient {
	t.Helper()
	conn := startBufconn(t, s, GRPCOptions{}) // the server's own policy check: none configured
	return authv3.NewAuthorizationClient(conn)
}

// checkResult is what a test pins of a CheckResponse.
type checkResult struct {
	Code       codes.Code
	HTTPStatus int32             // denied only
	Set        map[string]string // ok headers, or denied headers
	Overwrite  bool              // every header has OVERWRITE_IF_EXISTS_OR_ADD
	Remove     []string
	Body       string
}

func resultOf(resp *authv3.CheckResponse) checkResult {
	r := checkResult{Code: codes.Code(resp.GetStatus().GetCode()), Set: map[string]string{}, Overwrite: true}
	var hs []*corev3.HeaderValueOption
	if ok := resp.GetOkResponse(); ok != nil {
		hs, r.Remove = ok.GetHeaders(), ok.GetHeadersToRemove()
	}
	if d := resp.GetDeniedResponse(); d != nil {
		hs, r.HTTPStatus, r.Body = d.GetHeaders(), int32(d.GetStatus().GetCode()), d.GetBody()
	}
	for _, h := range hs {
		r.Set[h.GetHeader().GetKey()] = h.GetHeader().GetValue()
		if h.GetAppendAction() != corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD {
			r.Overwrite = false
		}
	}
	return r
}

// browser is a page load from a browser with the given cookie.
func browser(cookie, accept string) map[string]string {
	h := map[string]string{"user-agent": "Mozilla/5.0", "accept": accept}
	if cookie != "" {
		h["cookie"] = cookie
	}
	return h
}

func (f *edgeFixture) cookie(token string) string {
	return "__session=" + token + "; __client_uat=" + itoa(f.now-100)
}

func deniedHeaders(status, reason, contentType string) map[string]string {
	return map[string]string{"auth-result": reason, "x-clerk-auth-status": status, "x-clerk-auth-reason": reason, "content-type": contentType}
}

func deniedJSON(status, reason string) string {
	return `{"status":"` + status + `","reason":"` + reason + `"}`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

const pageHTML = "<!DOCTYPE html><title>interstitial</title>"

// TestCheckOutcomeTable runs DESIGN.md's outcome table row by row.
func TestCheckOutcomeTable(t *testing.T) {
	t.Parallel()
	f := newEdgeFixture(t)
	page := func(context.Context) (string, error) { return pageHTML, nil }
	client := checkClient(t, f.server(t, EdgeConfig{PublicPaths: []string{"/public/", "/healthz"}}, page))
	signedInHeaders := map[string]string{
		"x-clerk-user-id": "user_edge", "x-clerk-session-id": "sess_edge", "x-clerk-org-id": "org_edge",
		"x-clerk-org-role": "org:admin", "x-clerk-org-slug": "edge",
		"x-clerk-auth-status": "signed-in", "x-clerk-auth-reason": "standard-signed-in",
	}
	tests := []struct {
		name string
		req  *authv3.CheckRequest
		want checkResult
	}{
		{"signed in", edgetest.CheckRequest("/app", browser(f.cookie(f.signedIn), "text/html")),
			checkResult{Code: codes.OK, Set: signedInHeaders, Overwrite: true}},
		{"signed in: the org headers only when present",
			edgetest.CheckRequest("/app", browser(f.cookie(f.plain), "*/*")),
			checkResult{Code: codes.OK, Overwrite: true, Set: map[string]string{
				"x-clerk-user-id": "user_plain", "x-clerk-session-id": "sess_plain",
				"x-clerk-auth-status": "signed-in", "x-clerk-auth-reason": "standard-signed-in"}}},
		{"signed in: header token", edgetest.CheckRequest("/api", map[string]string{"authorization": "Bearer " + f.plain}),
			checkResult{Code: codes.OK, Overwrite: true, Set: map[string]string{
				"x-clerk-user-id": "user_plain", "x-clerk-session-id": "sess_plain",
				"x-clerk-auth-status": "signed-in", "x-clerk-auth-reason": "standard-signed-in"}}},
		{"signed out", edgetest.CheckRequest("/app", browser("", "text/html")),
			checkResult{Code: codes.Unauthenticated, HTTPStatus: 401, Overwrite: true,
				Set:  deniedHeaders("signed-out", "cookie-and-uat-missing", "application/json"),
				Body: deniedJSON("signed-out", "cookie-and-uat-missing")}},
		{"signed out: bad signature", edgetest.CheckRequest("/app", browser(f.cookie(f.badSig), "text/html")),
			checkResult{Code: codes.Unauthenticated, HTTPStatus: 401, Overwrite: true,
				Set:  deniedHeaders("signed-out", "cookie-verification-failed", "application/json"),
				Body: deniedJSON("signed-out", "cookie-verification-failed")}},
		{"interstitial: JSON when accept lacks text/html", edgetest.CheckRequest("/app", browser(f.cookie(f.expired), "application/json")),
			checkResult{Code: codes.Unauthenticated, HTTPStatus: 401, Overwrite: true,
				Set:  deniedHeaders("interstitial", "cookie-expired", "application/json"),
				Body: deniedJSON("interstitial", "cookie-expired")}},
		{"interstitial: the page when accept includes text/html", edgetest.CheckRequest("/app", browser(f.cookie(f.expired), "text/html,application/xhtml+xml;q=0.9")),
			checkResult{Code: codes.Unauthenticated, HTTPStatus: 401, Overwrite: true,
				Set: deniedHeaders("interstitial", "cookie-expired", "text/html; charset=utf-8"), Body: pageHTML}},
		{"path under AUTHSVC_PUBLIC_PATHS", edgetest.CheckRequest("/public/logo.png?v=1", browser("", "*/*")),
			checkResult{Code: codes.OK, Set: map[string]string{}, Overwrite: true}},
		{"path under AUTHSVC_PUBLIC_PATHS: a bad token is not looked at", edgetest.CheckRequest("/healthz", map[string]string{"authorization": "Bearer nonsense"}),
			checkResult{Code: codes.OK, Set: map[string]string{}, Overwrite: true}},
		{"path under AUTHSVC_PUBLIC_PATHS: a dot segment is not public", edgetest.CheckRequest("/public/../admin", browser("", "*/*")),
			checkResult{Code: codes.Unauthenticated, HTTPStatus: 401, Overwrite: true,
				Set:  deniedHeaders("signed-out", "cookie-and-uat-missing", "application/json"),
				Body: deniedJSON("signed-out", "cookie-and-uat-missing")}},
		{"path under AUTHSVC_PUBLIC_PATHS: an encoded slash is not public", edgetest.CheckRequest("/public/..%2Fadmin", browser("", "*/*")),
			checkResult{Code: codes.Unauthenticated, HTTPStatus: 401, Overwrite: true,
				Set:  deniedHeaders("signed-out", "cookie-and-uat-missing", "application/json"),
				Body: deniedJSON("signed-out", "cookie-and-uat-missing")}},
		{"path under AUTHSVC_PUBLIC_PATHS: a '#' is not public (a server may read /public/..# as /)", edgetest.CheckRequest("/public/..#", browser("", "*/*")),
			checkResult{Code: codes.Unauthenticated, HTTPStatus: 401, Overwrite: true,
				Set:  deniedHeaders("signed-out", "cookie-and-uat-missing", "application/json"),
				Body: deniedJSON("signed-out", "cookie-and-uat-missing")}},
		{"path under AUTHSVC_PUBLIC_PATHS: an encoded NUL is not public", edgetest.CheckRequest("/public/..%00/admin", browser("", "*/*")),
			checkResult{Code: codes.Unauthenticated, HTTPStatus: 401, Overwrite: true,
				Set:  deniedHeaders("signed-out", "cookie-and-uat-missing", "application/json"),
				Body: deniedJSON("signed-out", "cookie-and-uat-missing")}},
		{"path under AUTHSVC_PUBLIC_PATHS: a '#' in the query is the query's", edgetest.CheckRequest("/public/a.css?v=1#x", browser("", "*/*")),
			checkResult{Code: codes.OK, Set: map[string]string{}, Overwrite: true}},
		{"path under AUTHSVC_PUBLIC_PATHS: a prefix of the query is not the path", edgetest.CheckRequest("/app?next=/public/", browser("", "*/*")),
			checkResult{Code: codes.Unauthenticated, HTTPStatus: 401, Overwrite: true,
				Set:  deniedHeaders("signed-out", "cookie-and-uat-missing", "application/json"),
				Body: deniedJSON("signed-out", "cookie-and-uat-missing")}},
		{"no HTTP attributes", &authv3.CheckRequest{Attributes: &authv3.AttributeContext{}},
			checkResult{Code: codes.InvalidArgument, HTTPStatus: 400, Overwrite: true,
				Set:  map[string]string{"content-type": "application/json"},
				Body: `{"error":"check request has no http attributes"}`}},
		{"no HTTP attributes: empty request", &authv3.CheckRequest{},
			checkResult{Code: codes.InvalidArgument, HTTPStatus: 400, Overwrite: true,
				Set:  map[string]string{"content-type": "application/json"},
				Body: `{"error":"check request has no http attributes"}`}},
		{"no HTTP attributes: two names for one header is 400 too", edgetest.CheckRequest("/app", map[string]string{"cookie": f.cookie(f.plain), "Cookie": f.cookie(f.signedIn)}),
			checkResult{Code: codes.InvalidArgument, HTTPStatus: 400, Overwrite: true,
				Set:  map[string]string{"content-type": "application/json"},
				Body: `{"error":"headers: header \"cookie\" is given twice with different case"}`}},
		{"signed out: a Kelvin sign does not make a cookie header", edgetest.CheckRequest("/app", map[string]string{"coo\u212aie": f.cookie(f.plain), "accept": "*/*"}),
			checkResult{Code: codes.Unauthenticated, HTTPStatus: 401, Overwrite: true,
				Set:  deniedHeaders("signed-out", "cookie-and-uat-missing", "application/json"),
				Body: deniedJSON("signed-out", "cookie-and-uat-missing")}},
		{"signed in: names in any ASCII case", edgetest.CheckRequest("/api", map[string]string{"Authorization": "Bearer " + f.plain}),
			checkResult{Code: codes.OK, Overwrite: true, Set: map[string]string{
				"x-clerk-user-id": "user_plain", "x-clerk-session-id": "sess_plain",
				"x-clerk-auth-status": "signed-in", "x-clerk-auth-reason": "standard-signed-in"}}},
		{"no HTTP attributes: beyond the input bounds is 400 too", edgetest.CheckRequest("/app", map[string]string{"user-agent": strings.Repeat("M", MaxHeaderBytes+1)}),
			checkResult{Code: codes.InvalidArgument, HTTPStatus: 400, Overwrite: true,
				Set:  map[string]string{"content-type": "application/json"},
				Body: `{"error":"user-agent: longer than 16384 bytes"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := client.Check(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Check: RPC error %v; the decision must be in the response", err)
			}
			if diff := cmp.Diff(tt.want, resultOf(resp)); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCheckKeysUnavailable: keys that cannot be loaded are UNAVAILABLE and
// HTTP 503 with auth-result and the JSON body, never an RPC error; a token
// whose kid the loaded keys lack is a plain signed-out 401.
func TestCheckKeysUnavailable(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	now := time.Now().Unix()
	token := iss.Mint(t, map[string]any{"iat": now - 10})
	iss.SetDown(true)
	v, err := verifier.New(iss.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	s, err := New(Config{Verifier: v})
	if err != nil {
		t.Fatal(err)
	}
	client := checkClient(t, s)
	cookie := "__session=" + token + "; __client_uat=" + itoa(now-100)
	resp, err := client.Check(context.Background(), edgetest.CheckRequest("/app", browser(cookie, "text/html")))
	if err != nil {
		t.Fatalf("Check: RPC error %v", err)
	}
	want := checkResult{Code: codes.Unavailable, HTTPStatus: 503, Overwrite: true,
		Set:  deniedHeaders("signed-out", "pk-fetch-error", "application/json"),
		Body: deniedJSON("signed-out", "pk-fetch-error")}
	if diff := cmp.Diff(want, resultOf(resp)); diff != "" {
		t.Errorf("keys unavailable (-want +got):\n%s", diff)
	}

	// Keys loaded, but not the token's kid: a bad token, not an outage.
	up := verifiertest.NewIssuer(t)
	v2, err := verifier.New(up.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v2.Close)
	if _, err := v2.Verify(context.Background(), up.Mint(t, nil)); err != nil {
		t.Fatalf("loading keys: %v", err)
	}
	s2, err := New(Config{Verifier: v2})
	if err != nil {
		t.Fatal(err)
	}
	unknownKid := up.MintWithHeader(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": "ins_unknown"}, map[string]any{"iat": now - 10})
	cookie = "__session=" + unknownKid + "; __client_uat=" + itoa(now-100)
	resp, err = checkClient(t, s2).Check(context.Background(), edgetest.CheckRequest("/app", browser(cookie, "text/html")))
	if err != nil {
		t.Fatalf("Check: RPC error %v", err)
	}
	if got := resultOf(resp); got.Code != codes.Unauthenticated || got.HTTPStatus != 401 || got.Set["auth-result"] != "pk-fetch-error" {
		t.Errorf("unknown kid with keys loaded = %+v, want UNAUTHENTICATED 401 pk-fetch-error", got)
	}
}

// TestCheckSpoofedHeaders: every x-clerk-* header the request carried that
// the answer does not set is in headers_to_remove; the ones it sets are
// overwritten, never appended.
func TestCheckSpoofedHeaders(t *testing.T) {
	t.Parallel()
	f := newEdgeFixture(t)
	client := checkClient(t, f.server(t, EdgeConfig{PublicPaths: []string{"/public/"}}, nil))
	spoof := map[string]string{
		"x-clerk-user-id": "user_admin", "x-clerk-org-id": "org_victim", "x-clerk-org-role": "org:admin",
		"x-clerk-auth-status": "signed-in", "x-clerk-anything": "x",
	}
	with := func(h map[string]string) map[string]string {
		for k, v := range spoof {
			h[k] = v
		}
		return h
	}
	tests := []struct {
		name       string
		req        *authv3.CheckRequest
		wantSet    map[string]string
		wantRemove []string
	}{
		{"signed in without org: org headers removed, identity overwritten",
			edgetest.CheckRequest("/app", with(browser(f.cookie(f.plain), "*/*"))),
			map[string]string{"x-clerk-user-id": "user_plain", "x-clerk-session-id": "sess_plain",
				"x-clerk-auth-status": "signed-in", "x-clerk-auth-reason": "standard-signed-in"},
			[]string{"x-clerk-anything", "x-clerk-org-id", "x-clerk-org-role"}},
		{"signed in with org: only the unknown header removed",
			edgetest.CheckRequest("/app", with(browser(f.cookie(f.signedIn), "*/*"))),
			map[string]string{"x-clerk-user-id": "user_edge", "x-clerk-session-id": "sess_edge", "x-clerk-org-id": "org_edge",
				"x-clerk-org-role": "org:admin", "x-clerk-org-slug": "edge",
				"x-clerk-auth-status": "signed-in", "x-clerk-auth-reason": "standard-signed-in"},
			[]string{"x-clerk-anything"}},
		{"public path: all removed",
			edgetest.CheckRequest("/public/x", with(browser("", "*/*"))),
			map[string]string{},
			[]string{"x-clerk-anything", "x-clerk-auth-status", "x-clerk-org-id", "x-clerk-org-role", "x-clerk-user-id"}},
		{"mixed-case names from a non-Envoy client",
			edgetest.CheckRequest("/public/x", map[string]string{"X-Clerk-User-Id": "user_admin"}),
			map[string]string{}, []string{"x-clerk-user-id"}},
		// CGI-style servers read x_clerk_org_role as X-Clerk-Org-Role.
		{"underscore spellings are removed too, signed in",
			edgetest.CheckRequest("/app", map[string]string{"cookie": f.cookie(f.plain), "x_clerk_org_role": "org:admin", "x_clerk_user_id": "user_admin", "x-clerk_org_id": "org_victim"}),
			map[string]string{"x-clerk-user-id": "user_plain", "x-clerk-session-id": "sess_plain",
				"x-clerk-auth-status": "signed-in", "x-clerk-auth-reason": "standard-signed-in"},
			[]string{"x-clerk_org_id", "x_clerk_org_role", "x_clerk_user_id"}},
		{"underscore spellings are removed too, public path",
			edgetest.CheckRequest("/public/x", map[string]string{"x_clerk_user_id": "user_admin"}),
			map[string]string{}, []string{"x_clerk_user_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := client.Check(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			got := resultOf(resp)
			if got.Code != codes.OK || !got.Overwrite {
				t.Fatalf("Check = %+v, want OK with every header OVERWRITE_IF_EXISTS_OR_ADD", got)
			}
			if diff := cmp.Diff(tt.wantSet, got.Set); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
			remove := append([]string(nil), got.Remove...)
			slices.Sort(remove)
			if diff := cmp.Diff(tt.wantRemove, remove); diff != "" {
				t.Errorf("headers_to_remove (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCheckHeaderMapForm: the raw header_map form (encode_raw_headers, and
// gRPC's proxyless ext_authz) decides like the headers map; repeated
// headers are folded (two cookie headers, as HTTP/2 sends them).
func TestCheckHeaderMapForm(t *testing.T) {
	t.Parallel()
	f := newEdgeFixture(t)
	client := checkClient(t, f.server(t, EdgeConfig{}, nil))
	hv := func(k, v string, raw bool) *corev3.HeaderValue {
		if raw {
			return &corev3.HeaderValue{Key: k, RawValue: []byte(v)}
		}
		return &corev3.HeaderValue{Key: k, Value: v}
	}
	for _, raw := range []bool{true, false} {
		name := "value"
		if raw {
			name = "raw_value"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req := &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: &authv3.AttributeContext_Request{
				Http: &authv3.AttributeContext_HttpRequest{Method: "GET", Path: "/app", Host: "app.example.com", Scheme: "https",
					HeaderMap: &corev3.HeaderMap{Headers: []*corev3.HeaderValue{
						hv(":authority", "app.example.com", raw), hv("user-agent", "Mozilla/5.0", raw),
						hv("cookie", "__session="+f.plain, raw), hv("cookie", "__client_uat="+itoa(f.now-100), raw),
						hv("x-clerk-user-id", "user_admin", raw),
					}}},
			}}}
			resp, err := client.Check(context.Background(), req)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			got := resultOf(resp)
			if got.Code != codes.OK || got.Set["x-clerk-user-id"] != "user_plain" {
				t.Fatalf("Check = %+v, want OK for user_plain", got)
			}
		})
	}
}

// TestCheckDisabled: AUTHSVC_EXT_AUTHZ=false leaves Check unregistered.
func TestCheckDisabled(t *testing.T) {
	t.Parallel()
	f := newEdgeFixture(t)
	client := checkClient(t, f.server(t, EdgeConfig{DisableExtAuthz: true}, nil))
	_, err := client.Check(context.Background(), edgetest.CheckRequest("/", nil))
	if status.Code(err) != codes.Unimplemented {
		t.Fatalf("Check with ext_authz disabled: %v, want UNIMPLEMENTED", err)
	}
}

// TestCheckRecordsEveryAnswer: EdgeConfig.Record sees one (kind, decision)
// per Check.
func TestCheckRecordsEveryAnswer(t *testing.T) {
	t.Parallel()
	f := newEdgeFixture(t)
	client := checkClient(t, f.server(t, EdgeConfig{PublicPaths: []string{"/p"}}, nil))
	for _, req := range []*authv3.CheckRequest{
		edgetest.CheckRequest("/app", browser(f.cookie(f.plain), "*/*")),
		edgetest.CheckRequest("/p", nil),
		edgetest.CheckRequest("/app", browser("", "*/*")),
		edgetest.CheckRequest("/app", browser(f.cookie(f.expired), "text/html")),
		{},
	} {
		if _, err := client.Check(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"allow", "public", "signed-out", "interstitial", "invalid"} {
		if n := f.records.get("ext_authz " + d); n != 1 {
			t.Errorf("ext_authz %s recorded %d times, want 1", d, n)
		}
	}
}

// TestSignedInCheckRequest: edgetest's request, for benchmarks and the
// load test, signs in.
func TestSignedInCheckRequest(t *testing.T) {
	t.Parallel()
	f := newEdgeFixture(t)
	client := checkClient(t, f.server(t, EdgeConfig{}, nil))
	resp, err := client.Check(context.Background(), edgetest.SignedInCheckRequest(f.plain, f.now-100))
	if err != nil || resp.GetStatus().GetCode() != 0 {
		t.Fatalf("Check = %v, %v; want OK", resp, err)
	}
}

// checkRequestFromHeaders is a CheckRequest carrying exactly h (names
// lowered) and nothing else, so its facts are h's.
func checkRequestFromHeaders(h map[string]string) *authv3.CheckRequest {
	lower := map[string]string{}
	for k, v := range h {
		lower[strings.ToLower(k)] = v
	}
	return &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: &authv3.AttributeContext_Request{
		Http: &authv3.AttributeContext_HttpRequest{Method: "GET", Path: "/", Headers: lower},
	}}}
}

// headerMapOf is h in the raw header_map form.
func headerMapOf(h map[string]string) *corev3.HeaderMap {
	hm := &corev3.HeaderMap{}
	for k, v := range h {
		hm.Headers = append(hm.Headers, &corev3.HeaderValue{Key: strings.ToLower(k), RawValue: []byte(v)})
	}
	return hm
}

// TestCheckConcurrentSharedIdentity: parallel Checks for one token share
// the memoised identity headers, yet each response has its own removals
// and nothing is written to the shared messages (run with -race).
func TestCheckConcurrentSharedIdentity(t *testing.T) {
	t.Parallel()
	f := newEdgeFixture(t)
	client := checkClient(t, f.server(t, EdgeConfig{}, nil))
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := browser(f.cookie(f.plain), "*/*")
			want := []string(nil)
			if i%2 == 1 {
				h["x-clerk-org-id"] = "org_spoof"
				want = []string{"x-clerk-org-id"}
			}
			resp, err := client.Check(context.Background(), edgetest.CheckRequest("/app", h))
			if err != nil {
				t.Error(err)
				return
			}
			got := resultOf(resp)
			if got.Set["x-clerk-user-id"] != "user_plain" || !cmp.Equal(want, got.Remove) {
				t.Errorf("Check %d = %+v, want user_plain removing %v", i, got, want)
			}
		}()
	}
	wg.Wait()
}
