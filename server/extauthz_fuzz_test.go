package server

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc/codes"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// FuzzCheck sends Check a request with random headers (in the headers map
// or, with raw set, the header_map form) and a random path, against a
// production server with public prefixes /public/ and /p. Check must not
// panic or fail the RPC; its code is one of the table's four with the
// matching HTTP status; an OK answer on a public path sets nothing; every
// x-clerk-* header the request carried is set or removed, and only those
// are removed; a path is public only if it is clean and under a prefix.
// "$valid" is replaced by a valid session token, "$uat" by a current
// __client_uat. Seeds are the f.Add rows and testdata/fuzz/FuzzCheck.
//
//	go test -run '^$' -fuzz '^FuzzCheck$' -fuzztime 60s ./server
func FuzzCheck(f *testing.F) {
	iss := verifiertest.NewIssuer(f)
	now := time.Now().Unix()
	valid := iss.Mint(f, map[string]any{"iat": now - 10, "exp": now + 24*3600, "org_id": "org_1"})
	uat := strconv.FormatInt(now-100, 10)
	s := newASServer(f, verifier.Config{JWTKey: iss.PublicKeyPEM(), SecretKey: "sk_live_abc"}, nil)
	s.cfg.Edge.PublicPaths = []string{"/public/", "/p"}
	ext := newExtAuthz(s)
	f.Add("/app", "cookie", "__session=$valid; __client_uat=$uat", "x-clerk-user-id", "user_admin", "accept", "text/html", false)
	f.Add("/public/../admin", "X-Clerk-Org-Id", "org_x", "user-agent", "Mozilla/5.0", "", "", true)
	f.Add("/p%2e%2e/x?y", "authorization", "Bearer $valid", "x-clerk-org-role", "admin", "origin", "null", false)
	f.Add("/public/a;..;/b", "cookie", "__client_uat=0", "cookie", "__session=$valid", "host", "app.example.com", true)
	f.Add("", ":path", "/public/x", "x-forwarded-proto", "http", "x-clerk-", "", false)
	f.Fuzz(func(t *testing.T, path, n1, v1, n2, v2, n3, v3 string, raw bool) {
		sub := func(s string) string {
			return strings.ReplaceAll(strings.ReplaceAll(s, "$valid", valid), "$uat", uat)
		}
		hr := &authv3.AttributeContext_HttpRequest{Method: "GET", Host: "app.example.com", Path: sub(path)}
		names := []string{n1, n2, n3}
		values := []string{sub(v1), sub(v2), sub(v3)}
		if raw {
			hr.HeaderMap = &corev3.HeaderMap{}
			for i := range names {
				hr.HeaderMap.Headers = append(hr.HeaderMap.Headers, &corev3.HeaderValue{Key: names[i], RawValue: []byte(values[i])})
			}
		} else {
			hr.Headers = map[string]string{}
			for i := range names {
				hr.Headers[names[i]] = values[i]
			}
		}
		resp, err := ext.Check(context.Background(), &authv3.CheckRequest{Attributes: &authv3.AttributeContext{Request: &authv3.AttributeContext_Request{Http: hr}}})
		if err != nil {
			t.Fatalf("Check returned an RPC error: %v", err)
		}
		path = hr.GetPath()
		if path == "" { // then Check reads :path
			var ps []string
			for i, n := range names {
				if strings.EqualFold(n, ":path") {
					ps = append(ps, values[i])
				}
			}
			if len(ps) > 1 {
				path = "?" // several, joined in map order: leave the path checks out
			} else {
				path = strings.Join(ps, "")
			}
		}
		checkFuzzedAnswer(t, resp, path, names)
	})
}

// checkFuzzedAnswer asserts FuzzCheck's invariants on one response.
func checkFuzzedAnswer(t *testing.T, resp *authv3.CheckResponse, path string, names []string) {
	t.Helper()
	code := codes.Code(resp.GetStatus().GetCode())
	wantHTTP := map[codes.Code]int32{codes.Unauthenticated: 401, codes.Unavailable: 503, codes.InvalidArgument: 400}
	if code != codes.OK {
		if got := int32(resp.GetDeniedResponse().GetStatus().GetCode()); wantHTTP[code] == 0 || got != wantHTTP[code] {
			t.Fatalf("code %v with HTTP %d", code, got)
		}
		return
	}
	ok := resp.GetOkResponse()
	if ok == nil {
		t.Fatal("OK without ok_response")
	}
	var set []string
	for _, h := range ok.GetHeaders() {
		set = append(set, h.GetHeader().GetKey())
	}
	if path == "?" {
		return
	}
	public := isPublicPath(path, []string{"/public/", "/p"})
	if public && len(set) > 0 {
		t.Fatalf("public path %q set %v", path, set)
	}
	if !public && !slices.Contains(set, headerUserID) {
		t.Fatalf("OK for %q without being public or signed in", path)
	}
	if public {
		p, _, _ := strings.Cut(path, "?")
		if !cleanPath(p) || strings.Contains(p, "/../") || strings.HasSuffix(p, "/..") {
			t.Fatalf("unclean path %q is public", path)
		}
	}
	// Header names fold in ASCII only (lowerName), as the service folds them.
	for _, n := range names {
		lower := lowerName(n)
		if isClerkHeader(lower) && !slices.Contains(set, lower) && !slices.Contains(ok.GetHeadersToRemove(), lower) {
			t.Fatalf("carried %q is neither set nor removed", n)
		}
	}
	for _, r := range ok.GetHeadersToRemove() {
		if !slices.ContainsFunc(names, func(n string) bool { return lowerName(n) == r }) || slices.Contains(set, r) {
			t.Fatalf("removes %q, which the request did not carry or the answer sets", r)
		}
	}
}
