package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/url"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/policy"
)

// testCA issues certificates for the mTLS tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "authsvc test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// issue signs a leaf for subject with the given SANs and usage.
func (ca *testCA) issue(t *testing.T, serial int64, cn string, uris []string, usage x509.ExtKeyUsage) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	for _, u := range uris {
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.URIs = append(tmpl.URIs, pu)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestAuthzMTLS runs a real TLS gRPC server on loopback that verifies
// client certificates against a test CA, and checks that the policy
// identifies callers by certificate subject and URI SAN.
func TestAuthzMTLS(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	pol, err := policy.Parse([]byte(`
callers:
  - name: admin-tool
    tls_subject: "CN=admin-tool"
    allow: ["*"]
  - name: mesh
    tls_san: "spiffe://corp/mesh"
    allow: ["authsvc.v1.AuthService/GetSession"]
`))
	if err != nil {
		t.Fatalf("policy.Parse: %v", err)
	}
	stub := newClerkStub(t, map[string]reply{
		"GET /v1/users/user_1":    {body: userJSON},
		"GET /v1/sessions/sess_1": {body: sessionJSON},
	})
	serverTLS := &tls.Config{
		Certificates: []tls.Certificate{ca.issue(t, 2, "authsvc", nil, x509.ExtKeyUsageServerAuth)},
		ClientCAs:    ca.pool,
		ClientAuth:   tls.VerifyClientCertIfGiven,
		MinVersion:   tls.VersionTLS13,
	}
	gs, _ := NewGRPCServer(withPolicy(newProxyServer(t, stub), pol), GRPCOptions{
		ServerOptions: []grpc.ServerOption{grpc.Creds(credentials.NewTLS(serverTLS))},
	})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)

	dial := func(t *testing.T, certs ...tls.Certificate) pb.AuthServiceClient {
		t.Helper()
		cfg := &tls.Config{RootCAs: ca.pool, Certificates: certs, MinVersion: tls.VersionTLS13}
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(credentials.NewTLS(cfg)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		return pb.NewAuthServiceClient(conn)
	}
	admin := ca.issue(t, 3, "admin-tool", nil, x509.ExtKeyUsageClientAuth)
	mesh := ca.issue(t, 4, "workload", []string{"spiffe://corp/mesh"}, x509.ExtKeyUsageClientAuth)
	stranger := ca.issue(t, 5, "stranger", []string{"spiffe://corp/other"}, x509.ExtKeyUsageClientAuth)

	tests := []struct {
		name     string
		certs    []tls.Certificate
		call     string
		wantCode codes.Code
	}{
		{"subject CN=admin-tool granted everything", []tls.Certificate{admin}, "GetUser", codes.OK},
		{"URI SAN granted GetSession", []tls.Certificate{mesh}, "GetSession", codes.OK},
		{"URI SAN not granted GetUser", []tls.Certificate{mesh}, "GetUser", codes.PermissionDenied},
		{"verified but unknown certificate", []tls.Certificate{stranger}, "GetUser", codes.PermissionDenied},
		{"TLS without a client certificate", nil, "GetUser", codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client := dial(t, tt.certs...)
			var err error
			if tt.call == "GetSession" {
				_, err = client.GetSession(t.Context(), &pb.GetSessionRequest{SessionId: "sess_1"})
			} else {
				_, err = client.GetUser(t.Context(), &pb.GetUserRequest{UserId: "user_1"})
			}
			if got := status.Code(err); got != tt.wantCode {
				t.Errorf("code = %v (%v), want %v", got, err, tt.wantCode)
			}
		})
	}
}
