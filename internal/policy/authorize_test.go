package policy

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net"
	"net/url"
	"testing"
)

// testPolicy is the DESIGN example plus a SAN caller and a protect list.
func testPolicy(t *testing.T) *Policy {
	t.Helper()
	p, err := Parse([]byte(`
protect: ["authsvc.v1.AuthService/GetAuthState"]
callers:
  - name: billing
    key_sha256: ` + hashOf(keyBilling) + `
    allow: ["authsvc.v1.AuthService/GetUser", "authsvc.v1.AuthService/List*"]
  - name: admin-tool
    tls_subject: "CN=admin-tool"
    allow: ["*"]
  - name: mesh
    tls_san: "spiffe://corp/mesh"
    allow: ["/authsvc.v1.AuthService/GetSession"]
  - name: batch
    tls_san: "batch.corp.example"
    allow: ["/authsvc.v1.AuthService/GetSession"]
  - name: ops
    tls_san: "ops@corp.example"
    allow: ["/authsvc.v1.AuthService/GetSession"]
  - name: node
    tls_san: "10.0.0.7"
    allow: ["/authsvc.v1.AuthService/GetSession"]
  - name: device
    tls_san: "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"
    allow: ["/authsvc.v1.AuthService/GetSession"]
`))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	p := testPolicy(t)
	admin := &x509.Certificate{Subject: pkix.Name{CommonName: "admin-tool"}}
	spiffe, _ := url.Parse("spiffe://corp/mesh")
	mesh := &x509.Certificate{Subject: pkix.Name{CommonName: "other"}, URIs: []*url.URL{spiffe}}
	stranger := &x509.Certificate{Subject: pkix.Name{CommonName: "stranger"}}
	// SANs of one type whose text is another type's name: none may match.
	dnsSpiffe := &x509.Certificate{DNSNames: []string{"spiffe://corp/mesh", "ops@corp.example", "10.0.0.7"}}
	emailDNS := &x509.Certificate{EmailAddresses: []string{"batch.corp.example", "spiffe://corp/mesh"}}
	batchURI, _ := url.Parse("batch.corp.example")
	uriDNS := &x509.Certificate{URIs: []*url.URL{batchURI}}
	batch := &x509.Certificate{DNSNames: []string{"batch.corp.example"}}
	ops := &x509.Certificate{EmailAddresses: []string{"ops@corp.example"}}
	node := &x509.Certificate{IPAddresses: []net.IP{net.ParseIP("10.0.0.7")}}
	urn, _ := url.Parse("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66")
	device := &x509.Certificate{URIs: []*url.URL{urn}}
	dnsURN := &x509.Certificate{DNSNames: []string{"urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"}}
	tests := []struct {
		name       string
		method     string
		creds      Credentials
		wantCaller string
		wantErr    error
	}{
		{"no credential", "/authsvc.v1.AuthService/GetUser", Credentials{}, "", ErrNoCredential},
		{"wrong key", "/authsvc.v1.AuthService/GetUser", Credentials{APIKey: "nope"}, "", ErrUnknownCredential},
		{"right key, granted exact", "/authsvc.v1.AuthService/GetUser", Credentials{APIKey: keyBilling}, "billing", nil},
		{"right key, granted without leading slash", "authsvc.v1.AuthService/GetUser", Credentials{APIKey: keyBilling}, "billing", nil},
		{"right key, granted by glob", "/authsvc.v1.AuthService/ListUsers", Credentials{APIKey: keyBilling}, "billing", nil},
		{"right key, ungranted method", "/authsvc.v1.AuthService/DeleteUser", Credentials{APIKey: keyBilling}, "", ErrNotAllowed},
		{"glob does not match a prefix of the name", "/authsvc.v1.AuthService/GetUserX", Credentials{APIKey: keyBilling}, "", ErrNotAllowed},
		{"mTLS subject, star grants all", "/authsvc.v1.AuthService/DeleteUser", Credentials{Cert: admin}, "admin-tool", nil},
		{"mTLS URI SAN", "/authsvc.v1.AuthService/GetSession", Credentials{Cert: mesh}, "mesh", nil},
		{"mTLS URI SAN, ungranted", "/authsvc.v1.AuthService/GetUser", Credentials{Cert: mesh}, "", ErrNotAllowed},
		{"unknown certificate", "/authsvc.v1.AuthService/GetUser", Credentials{Cert: stranger}, "", ErrUnknownCredential},
		{"mTLS DNS SAN", "/authsvc.v1.AuthService/GetSession", Credentials{Cert: batch}, "batch", nil},
		{"mTLS email SAN", "/authsvc.v1.AuthService/GetSession", Credentials{Cert: ops}, "ops", nil},
		{"mTLS IP SAN", "/authsvc.v1.AuthService/GetSession", Credentials{Cert: node}, "node", nil},
		{"mTLS URI SAN without //", "/authsvc.v1.AuthService/GetSession", Credentials{Cert: device}, "device", nil},
		{"mTLS DNS SAN spelling a URN matches none", "/authsvc.v1.AuthService/GetSession", Credentials{Cert: dnsURN}, "", ErrUnknownCredential},
		{"mTLS DNS SANs spelling a URI, an email and an IP match none", "/authsvc.v1.AuthService/GetSession", Credentials{Cert: dnsSpiffe}, "", ErrUnknownCredential},
		{"mTLS email SANs spelling a DNS name and a URI match none", "/authsvc.v1.AuthService/GetSession", Credentials{Cert: emailDNS}, "", ErrUnknownCredential},
		{"mTLS URI SAN spelling a DNS name matches none", "/authsvc.v1.AuthService/GetSession", Credentials{Cert: uriDNS}, "", ErrUnknownCredential},
		{"wrong key but a granted certificate", "/authsvc.v1.AuthService/GetUser", Credentials{APIKey: "nope", Cert: admin}, "admin-tool", nil},
		{"key of one caller, certificate of another: either grant counts", "/authsvc.v1.AuthService/GetSession", Credentials{APIKey: keyBilling, Cert: mesh}, "mesh", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := p.Authorize(tt.method, tt.creds)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Authorize error = %v, want %v", err, tt.wantErr)
			}
			if got != tt.wantCaller {
				t.Errorf("caller = %q, want %q", got, tt.wantCaller)
			}
		})
	}
}

func TestAuthorizeNilPolicyDeniesEverything(t *testing.T) {
	t.Parallel()
	var p *Policy
	if _, err := p.Authorize("/authsvc.v1.AuthService/GetUser", Credentials{APIKey: keyBilling}); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("with a key: %v, want ErrNotAllowed", err)
	}
	if _, err := p.Authorize("/authsvc.v1.AuthService/GetUser", Credentials{}); !errors.Is(err, ErrNoCredential) {
		t.Errorf("without a key: %v, want ErrNoCredential", err)
	}
}

func TestProtected(t *testing.T) {
	t.Parallel()
	p := testPolicy(t)
	tests := []struct {
		name   string
		policy *Policy
		method string
		want   bool
	}{
		{"proxy RPC is protected", p, "/authsvc.v1.AuthService/GetUser", true},
		{"proxy RPC is protected without a policy", nil, "/authsvc.v1.AuthService/GetUser", true},
		{"unknown method is protected (fail closed)", nil, "/evil.v1.Svc/Do", true},
		{"VerifySessionToken open", p, "/authsvc.v1.AuthService/VerifySessionToken", false},
		{"VerifyWebhook open", nil, "/authsvc.v1.AuthService/VerifyWebhook", false},
		{"VerifyToken open", nil, "/authsvc.v1.AuthService/VerifyToken", false},
		{"VerifyToken open with a policy", p, "/authsvc.v1.AuthService/VerifyToken", false},
		{"GetAuthState named in protect", p, "/authsvc.v1.AuthService/GetAuthState", true},
		{"GetAuthState open without a policy", nil, "/authsvc.v1.AuthService/GetAuthState", false},
		{"health open", p, "/grpc.health.v1.Health/Check", false},
		{"reflection open", p, "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", false},
		{"ext_authz Check open", p, "/envoy.service.auth.v3.Authorization/Check", false},
		{"open prefix is not a glob for look-alikes", nil, "/authsvc.v1.AuthService/VerifySessionTokenX", true},
		{"star grant does not protect verification", DevPolicy("k"), "/authsvc.v1.AuthService/VerifySessionToken", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.policy.Protected(tt.method); got != tt.want {
				t.Errorf("Protected(%q) = %v, want %v", tt.method, got, tt.want)
			}
		})
	}
}

func TestDevPolicy(t *testing.T) {
	t.Parallel()
	p := DevPolicy("dev-key")
	if got, err := p.Authorize("/authsvc.v1.AuthService/DeleteUser", Credentials{APIKey: "dev-key"}); err != nil || got != "dev" {
		t.Errorf("dev key: %q, %v", got, err)
	}
	if _, err := p.Authorize("/authsvc.v1.AuthService/DeleteUser", Credentials{APIKey: "other"}); !errors.Is(err, ErrUnknownCredential) {
		t.Errorf("other key: %v, want ErrUnknownCredential", err)
	}
	if _, err := DevPolicy("").Authorize("/authsvc.v1.AuthService/GetUser", Credentials{APIKey: "x"}); !errors.Is(err, ErrUnknownCredential) {
		t.Errorf("empty dev key: %v, want ErrUnknownCredential", err)
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		glob, name string
		want       bool
	}{
		{"*", "", true},
		{"*", "a/b", true},
		{"", "", true},
		{"", "a", false},
		{"a*c", "abc", true},
		{"a*c", "ac", true},
		{"a*c", "abcd", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxcyyb", false},
		{"*List*", "authsvc.v1.AuthService/ListUsers", true},
		{"authsvc.v1.AuthService/Get*", "authsvc.v1.AuthService/GetUser", true},
		{"authsvc.v1.AuthService/Get*", "authsvc.v1.AuthService/ListUsers", false},
		{"a.c", "abc", false},
		{"**a", "bbba", true},
		{"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	}
	for _, tt := range tests {
		t.Run(tt.glob+" vs "+tt.name, func(t *testing.T) {
			t.Parallel()
			if got := match(tt.glob, tt.name); got != tt.want {
				t.Errorf("match(%q, %q) = %v, want %v", tt.glob, tt.name, got, tt.want)
			}
		})
	}
}
