package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"

	"github.com/authsvc/authsvc/internal/authstatevectors"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// fwdResult is what a test pins of a forward-auth response.
type fwdResult struct {
	Status  int
	Headers map[string]string // the X-Clerk-*, Auth-Result and Content-Type headers
	Body    string
}

func fwdResultOf(t *testing.T, resp *http.Response) fwdResult {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := fwdResult{Status: resp.StatusCode, Headers: map[string]string{}, Body: string(body)}
	for name := range resp.Header {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-clerk-") || lower == "auth-result" || lower == "content-type" {
			r.Headers[lower] = resp.Header.Get(name)
		}
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	return r
}

// forwardAuth sends one subrequest, as a proxy does, to a live handler.
func forwardAuth(t *testing.T, srv *httptest.Server, method string, headers map[string]string) fwdResult {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, srv.URL+"/forward-auth", nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		if strings.EqualFold(k, "host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return fwdResultOf(t, resp)
}

// TestForwardAuthOutcomeTable runs the outcome table through /forward-auth
// over a real HTTP connection, with the headers nginx, Traefik and Caddy
// set on their subrequests.
func TestForwardAuthOutcomeTable(t *testing.T) {
	t.Parallel()
	f := newEdgeFixture(t)
	page := func(context.Context) (string, error) { return pageHTML, nil }
	s := f.server(t, EdgeConfig{PublicPaths: []string{"/public/"}}, page)
	srv := httptest.NewServer(s.ForwardAuthHandler())
	t.Cleanup(srv.Close)
	proxy := func(uriHeader, uri string, extra map[string]string) map[string]string {
		h := map[string]string{"Host": "authsvc:9090", "X-Forwarded-Host": "app.example.com", "X-Forwarded-Proto": "https",
			"User-Agent": "Mozilla/5.0", uriHeader: uri}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	json := func(status, reason string) fwdResult {
		return fwdResult{Status: 401, Body: deniedJSON(status, reason), Headers: deniedHeaders(status, reason, "application/json")}
	}
	tests := []struct {
		name, method string
		headers      map[string]string
		want         fwdResult
	}{
		{"signed in", "GET", proxy("X-Original-URI", "/app", map[string]string{"Cookie": f.cookie(f.signedIn), "X-Clerk-Org-Id": "org_spoof"}),
			fwdResult{Status: 200, Headers: map[string]string{
				"x-clerk-user-id": "user_edge", "x-clerk-session-id": "sess_edge", "x-clerk-org-id": "org_edge",
				"x-clerk-org-role": "org:admin", "x-clerk-org-slug": "edge",
				"x-clerk-auth-status": "signed-in", "x-clerk-auth-reason": "standard-signed-in"}}},
		{"signed in: any method, Traefik's X-Forwarded-Uri", "POST", proxy("X-Forwarded-Uri", "/api", map[string]string{"Authorization": "Bearer " + f.plain}),
			fwdResult{Status: 200, Headers: map[string]string{
				"x-clerk-user-id": "user_plain", "x-clerk-session-id": "sess_plain",
				"x-clerk-auth-status": "signed-in", "x-clerk-auth-reason": "standard-signed-in"}}},
		{"signed out", "GET", proxy("X-Original-URI", "/app", nil), json("signed-out", "cookie-and-uat-missing")},
		{"signed out: cross-origin against the forwarded host", "GET",
			proxy("X-Original-URI", "/app", map[string]string{"Cookie": f.cookie(f.plain), "Origin": "https://evil.example"}),
			json("signed-out", "header-missing-cors")},
		{"interstitial", "GET", proxy("X-Original-URI", "/app", map[string]string{"Cookie": f.cookie(f.expired), "Accept": "application/json"}),
			json("interstitial", "cookie-expired")},
		{"interstitial: the page for a browser", "GET", proxy("X-Original-URI", "/app", map[string]string{"Cookie": f.cookie(f.expired), "Accept": "text/html"}),
			fwdResult{Status: 401, Body: pageHTML, Headers: deniedHeaders("interstitial", "cookie-expired", "text/html; charset=utf-8")}},
		{"path under AUTHSVC_PUBLIC_PATHS", "GET", proxy("X-Forwarded-Uri", "/public/a.css", nil), fwdResult{Status: 200, Headers: map[string]string{}}},
		{"path under AUTHSVC_PUBLIC_PATHS: X-Original-URI", "HEAD", proxy("X-Original-URI", "/public/a.css", nil), fwdResult{Status: 200, Headers: map[string]string{}}},
		{"path under AUTHSVC_PUBLIC_PATHS: no path header is never public", "GET",
			map[string]string{"X-Forwarded-Host": "app.example.com", "User-Agent": "Mozilla/5.0"},
			json("signed-out", "cookie-and-uat-missing")},
		{"beyond the input bounds: 400", "GET", proxy("X-Original-URI", "/app", map[string]string{"Referer": strings.Repeat("r", MaxHeaderBytes+1)}),
			fwdResult{Status: 400, Body: `{"error":"referer: longer than 16384 bytes"}`, Headers: map[string]string{"content-type": "application/json"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := forwardAuth(t, srv, tt.method, tt.headers)
			if tt.method == "HEAD" {
				got.Body = tt.want.Body
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("forward auth (-want +got):\n%s", diff)
			}
		})
	}
}

// TestForwardAuthPathHeadersMustAgree: a proxy passes the client's own
// headers on beside the one it sets, so the path is public only when the
// URI headers given agree and none is repeated; otherwise the request is
// decided on its credentials, as for a private path.
func TestForwardAuthPathHeadersMustAgree(t *testing.T) {
	t.Parallel()
	f := newEdgeFixture(t)
	s := f.server(t, EdgeConfig{PublicPaths: []string{"/public/"}}, nil)
	srv := httptest.NewServer(s.ForwardAuthHandler())
	t.Cleanup(srv.Close)
	const public, private = "/public/logo.png", "/admin"
	type hv struct{ name, value string }
	tests := []struct {
		name    string
		headers []hv
		public  bool
	}{
		{"X-Original-URI alone", []hv{{"X-Original-URI", public}}, true},
		{"X-Forwarded-Uri alone", []hv{{"X-Forwarded-Uri", public}}, true},
		{"both, agreeing", []hv{{"X-Original-URI", public}, {"X-Forwarded-Uri", public}}, true},
		{"nginx's X-Original-URI and a client's X-Forwarded-Uri", []hv{{"X-Original-URI", private}, {"X-Forwarded-Uri", public}}, false},
		{"Traefik's X-Forwarded-Uri and a client's X-Original-URI", []hv{{"X-Forwarded-Uri", private}, {"X-Original-URI", public}}, false},
		{"X-Forwarded-Uri twice: a client's, then the proxy's", []hv{{"X-Forwarded-Uri", public}, {"X-Forwarded-Uri", private}}, false},
		{"X-Forwarded-Uri twice, the same", []hv{{"X-Forwarded-Uri", public}, {"X-Forwarded-Uri", public}}, false},
		{"X-Original-URI empty", []hv{{"X-Original-URI", ""}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(context.Background(), "GET", srv.URL+"/forward-auth", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Forwarded-Host", "app.example.com")
			for _, h := range tt.headers {
				req.Header.Add(h.name, h.value)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got := fwdResultOf(t, resp)
			if want := map[bool]int{true: 200, false: 401}[tt.public]; got.Status != want {
				t.Errorf("status %d, want %d (public %v)", got.Status, want, tt.public)
			}
		})
	}
}

// TestForwardAuthKeysUnavailable: 503 with auth-result and the JSON body.
func TestForwardAuthKeysUnavailable(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	token := iss.Mint(t, nil)
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
	srv := httptest.NewServer(s.ForwardAuthHandler())
	t.Cleanup(srv.Close)
	got := forwardAuth(t, srv, "GET", map[string]string{"Authorization": "Bearer " + token})
	want := fwdResult{Status: 503, Body: deniedJSON("signed-out", "pk-fetch-error"), Headers: deniedHeaders("signed-out", "pk-fetch-error", "application/json")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys unavailable (-want +got):\n%s", diff)
	}
}

// TestEdgeAgreesWithGetAuthState runs every GetAuthState vector through
// Check (headers and header_map forms) and /forward-auth: one decision
// path, so the edge answer must be the vector's status and reason, as the
// outcome table maps them.
func TestEdgeAgreesWithGetAuthState(t *testing.T) {
	t.Parallel()
	vectors, err := authstatevectors.Load("../verifier/testdata/authstate_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	fx := authstatevectors.NewFixture(t)
	servers := map[string]*Server{}
	for name, cfg := range fx.Configs() {
		servers[name] = newASServer(t, cfg, nil)
	}
	for _, c := range authstatevectors.Cases(vectors) {
		if c.Vector.ExplicitOnly != "" || len(c.Vector.Parties) > 0 {
			continue // not expressible as headers (authorized parties are a GetAuthState field)
		}
		t.Run(c.Name(), func(t *testing.T) {
			t.Parallel()
			s := servers[c.Config]
			h := headersRequest(fx.Facts(t, c.Vector)).GetHeaders()
			want := edgeWant(c.Status, c.Reason)

			req := checkRequestFromHeaders(h)
			got, err := newExtAuthz(s).Check(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, edgeGot(got)); diff != "" {
				t.Errorf("Check, headers (-want +got):\n%s", diff)
			}
			req.Attributes.Request.Http.HeaderMap = headerMapOf(h)
			req.Attributes.Request.Http.Headers = nil
			if got, _ = (newExtAuthz(s)).Check(context.Background(), req); cmp.Diff(want, edgeGot(got)) != "" {
				t.Errorf("Check, header_map (-want +got):\n%s", cmp.Diff(want, edgeGot(got)))
			}

			r := httptest.NewRequest("GET", "/forward-auth", nil)
			r.Host = ""
			for k, v := range h {
				if strings.EqualFold(k, "host") {
					r.Host = v
				} else {
					r.Header.Set(k, v)
				}
			}
			rec := httptest.NewRecorder()
			s.ForwardAuthHandler().ServeHTTP(rec, r)
			// Forward auth has no gRPC code: compare the rest.
			fwd := edgeDecision{Code: want.Code, HTTP: rec.Code, Reason: rec.Header().Get("X-Clerk-Auth-Reason"), User: rec.Header().Get("X-Clerk-User-Id")}
			if diff := cmp.Diff(want, fwd); diff != "" {
				t.Errorf("forward auth (-want +got):\n%s", diff)
			}
		})
	}
}

// edgeDecision is the part of an edge answer the vectors pin.
type edgeDecision struct {
	Code   codes.Code
	HTTP   int
	Reason string
	User   string
}

// edgeWant is the outcome table's row for a GetAuthState decision. The
// reasons with no key at all are the outage row.
func edgeWant(st verifier.Status, reason verifier.AuthReason) edgeDecision {
	switch {
	case st == verifier.StatusSignedIn:
		return edgeDecision{codes.OK, 200, string(reason), "user_test"}
	case reason == verifier.AuthReasonInlineKeyMissing || reason == verifier.AuthReasonInlineKeyInvalid:
		return edgeDecision{codes.Unavailable, 503, string(reason), ""}
	}
	return edgeDecision{codes.Unauthenticated, 401, string(reason), ""}
}

func edgeGot(resp *authv3.CheckResponse) edgeDecision {
	r := resultOf(resp)
	d := edgeDecision{Code: r.Code, HTTP: int(r.HTTPStatus), Reason: r.Set["x-clerk-auth-reason"], User: r.Set["x-clerk-user-id"]}
	if r.Code == codes.OK {
		d.HTTP = 200
	}
	if r.Code != codes.OK && r.Body != "" {
		var body struct{ Reason string }
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil || body.Reason != d.Reason {
			d.Reason = "body says " + r.Body
		}
	}
	return d
}
