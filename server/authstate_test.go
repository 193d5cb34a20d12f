package server

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/authstatevectors"
	"github.com/authsvc/authsvc/verifier"
)

// newASClients serves one gRPC client per configuration of
// [authstatevectors.Fixture.Configs]: "dev", "prod" and "none".
func newASClients(t *testing.T, f *authstatevectors.Fixture, interstitial func(context.Context) (string, error)) map[string]authsvcv1.AuthServiceClient {
	t.Helper()
	clients := map[string]authsvcv1.AuthServiceClient{}
	for name, cfg := range f.Configs() {
		clients[name] = newTestClient(t, newASServer(t, cfg, interstitial), GRPCOptions{})
	}
	return clients
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

// explicitRequest is the explicit-fields form of a request's facts.
func explicitRequest(fa authstatevectors.Facts) *authsvcv1.GetAuthStateRequest {
	return &authsvcv1.GetAuthStateRequest{
		CookieToken: fa.CookieToken, ClientUat: fa.ClientUAT, HeaderToken: fa.HeaderToken,
		Origin: fa.Origin, Host: fa.Host, ForwardedHost: fa.ForwardedHost, ForwardedPort: fa.ForwardedPort,
		ForwardedProto: fa.ForwardedProto, Referrer: fa.Referrer, UserAgent: fa.UserAgent,
		AuthorizedParties: fa.AuthorizedParties,
	}
}

// headersRequest is the headers-map form of a request's facts, with header
// names in assorted cases and an unrelated cookie around Clerk's two.
func headersRequest(fa authstatevectors.Facts) *authsvcv1.GetAuthStateRequest {
	h := map[string]string{}
	for name, v := range map[string]*string{"Authorization": fa.HeaderToken, "ORIGIN": fa.Origin, "Host": fa.Host,
		"X-Forwarded-Host": fa.ForwardedHost, "x-forwarded-port": fa.ForwardedPort, "X-Forwarded-Proto": fa.ForwardedProto,
		"Referer": fa.Referrer, "User-Agent": fa.UserAgent} {
		if v != nil {
			h[name] = *v
		}
	}
	var cookies []string
	if fa.CookieToken != nil {
		cookies = append(cookies, "__session="+*fa.CookieToken)
	}
	if fa.ClientUAT != nil {
		cookies = append(cookies, "__client_uat="+*fa.ClientUAT)
	}
	if cookies != nil {
		h["Cookie"] = "theme=dark; " + strings.Join(cookies, "; ")
	}
	return &authsvcv1.GetAuthStateRequest{Headers: h, AuthorizedParties: fa.AuthorizedParties}
}

// asForms are the two request forms every vector runs in.
var asForms = map[string]func(authstatevectors.Facts) *authsvcv1.GetAuthStateRequest{
	"explicit": explicitRequest, "headers": headersRequest,
}

// asResult is the part of a response the vectors pin.
type asResult struct {
	Status authsvcv1.AuthStatus
	Reason string
	UserID string // claims.user_id, "" without claims
}

// asStatus is the wire status of each verifier status.
var asStatus = map[verifier.Status]authsvcv1.AuthStatus{
	verifier.StatusSignedIn:     authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN,
	verifier.StatusSignedOut:    authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT,
	verifier.StatusInterstitial: authsvcv1.AuthStatus_AUTH_STATUS_INTERSTITIAL,
}

func wantResult(status verifier.Status, reason verifier.AuthReason) asResult {
	r := asResult{Status: asStatus[status], Reason: string(reason)}
	if status == verifier.StatusSignedIn {
		r.UserID = "user_test"
	}
	return r
}

func gotResult(resp *authsvcv1.GetAuthStateResponse) asResult {
	return asResult{Status: resp.GetStatus(), Reason: resp.GetReason(), UserID: resp.GetClaims().GetUserId()}
}

// TestGetAuthStateVectors runs spec §2.9 (DEV and PROD) and the realistic
// column of Base.test.ts (§3.1) over gRPC, in both request forms: the vectors
// verifier/authstate_ext_test.go runs in-process.
func TestGetAuthStateVectors(t *testing.T) {
	t.Parallel()
	vectors, err := authstatevectors.Load("../verifier/testdata/authstate_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	f := authstatevectors.NewFixture(t)
	clients := newASClients(t, f, nil)
	for _, c := range authstatevectors.Cases(vectors) {
		for form, build := range asForms {
			if form == "headers" && c.Vector.ExplicitOnly != "" {
				continue
			}
			t.Run(form+" "+c.Name(), func(t *testing.T) {
				t.Parallel()
				resp, err := clients[c.Config].GetAuthState(context.Background(), build(f.Facts(t, c.Vector)))
				if err != nil {
					t.Fatalf("GetAuthState: %v", err)
				}
				if diff := cmp.Diff(wantResult(c.Status, c.Reason), gotResult(resp)); diff != "" {
					t.Errorf("GetAuthState (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestGetAuthStateCrossOrigin runs the checkCrossOrigin vectors of spec §3.3
// and §2.5 through GetAuthState (production, valid cookie), in both request
// forms: cross-origin is signed out header-missing-cors, same-origin signs in.
func TestGetAuthStateCrossOrigin(t *testing.T) {
	t.Parallel()
	f := authstatevectors.NewFixture(t)
	prod := newASClients(t, f, nil)["prod"]
	valid, uat := "$valid", "$now-100"
	v := authstatevectors.Vector{Base: "2.9", Cookie: &valid, UAT: &uat}
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
	for _, tt := range tests {
		for form, build := range asForms {
			t.Run(form+" "+tt.name, func(t *testing.T) {
				t.Parallel()
				fa := f.Facts(t, v)
				fa.Origin, fa.Host = &tt.origin, &tt.host
				for dst, val := range map[**string]string{&fa.ForwardedHost: tt.fwdHost, &fa.ForwardedPort: tt.fwdPort, &fa.ForwardedProto: tt.proto} {
					if val != "" {
						*dst = &val
					}
				}
				resp, err := prod.GetAuthState(context.Background(), build(fa))
				if err != nil {
					t.Fatalf("GetAuthState: %v", err)
				}
				want := wantResult(verifier.StatusSignedIn, verifier.AuthReasonStandardSignedIn)
				if tt.cross {
					want = wantResult(verifier.StatusSignedOut, verifier.AuthReasonHeaderMissingCORS)
				}
				if diff := cmp.Diff(want, gotResult(resp)); diff != "" {
					t.Errorf("GetAuthState (-want +got):\n%s", diff)
				}
			})
		}
	}
}
