package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/internal/policy"
	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// grantAllPolicy is a policy with one caller, name, granted everything.
func grantAllPolicy(name string) string {
	sum := sha256.Sum256([]byte("key-of-" + name))
	return "callers:\n  - name: " + name + "\n    key_sha256: " + hex.EncodeToString(sum[:]) + "\n    allow: [\"*\"]\n"
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// reloadServer is a server reading path, whose policy reloads are sent on
// the returned channel.
func reloadServer(t *testing.T, path string) (*server.Server, chan error) {
	t.Helper()
	v, err := verifier.New(verifier.Config{JWTKey: verifiertest.NewIssuer(t).PublicKeyPEM()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	reloads := make(chan error, 10)
	srv, err := server.New(server.Config{Verifier: v, PolicyFile: path, Hooks: server.Hooks{PolicyReloaded: func(err error) { reloads <- err }}})
	if err != nil {
		t.Fatal(err)
	}
	return srv, reloads
}

// TestReloaderPolicy: a poll reloads the policy only when the file
// changed, SIGHUP always; a broken file keeps the old policy, and the
// outcome reaches the hook each time.
func TestReloaderPolicy(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	write(t, path, grantAllPolicy("billing"))
	srv, reloads := reloadServer(t, path)
	// The handlers are called directly, so that each one has finished
	// before the test writes the file again (run only dispatches to them;
	// TestSIGHUPReloadsPolicy covers the signal path).
	r := newReloader(slog.New(slog.DiscardHandler), srv, path, nil)

	r.onTick()
	if len(reloads) != 0 {
		t.Fatalf("a poll with no change reloaded (%d reloads)", len(reloads))
	}

	write(t, path, grantAllPolicy("billing-v2"))
	r.onTick()
	if err := <-reloads; err != nil {
		t.Fatalf("reload after a change: %v", err)
	}
	if diff := cmp.Diff([]string{"billing-v2"}, srv.PolicyCallers()); diff != "" {
		t.Errorf("policy after the change (-want +got):\n%s", diff)
	}

	write(t, path, "callers: [{name: no-credential, allow: ['*']}]")
	r.onTick()
	if err := <-reloads; !errors.Is(err, policy.ErrInvalid) {
		t.Fatalf("reload of a broken file: %v, want ErrInvalid", err)
	}
	if diff := cmp.Diff([]string{"billing-v2"}, srv.PolicyCallers()); diff != "" {
		t.Errorf("policy after a broken file (-want +got):\n%s", diff)
	}

	write(t, path, grantAllPolicy("billing-v3"))
	r.onSIGHUP()
	if err := <-reloads; err != nil {
		t.Fatalf("SIGHUP reload: %v", err)
	}
	r.onSIGHUP() // unchanged file: SIGHUP reloads all the same
	if err := <-reloads; err != nil {
		t.Fatalf("second SIGHUP reload: %v", err)
	}
	if diff := cmp.Diff([]string{"billing-v3"}, srv.PolicyCallers()); diff != "" {
		t.Errorf("policy after SIGHUP (-want +got):\n%s", diff)
	}
}

// TestSIGHUPReloadsPolicy sends a real SIGHUP to the test process while
// startReload listens for it.
func TestSIGHUPReloadsPolicy(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	write(t, path, grantAllPolicy("before"))
	srv, reloads := reloadServer(t, path)
	// As main does, so that a SIGHUP during start-up cannot end the
	// process: startReload must still get the signal after it.
	signal.Ignore(syscall.SIGHUP)
	stop := startReload(t.Context(), slog.New(slog.DiscardHandler), srv, path, nil)
	defer stop()
	write(t, path, grantAllPolicy("after"))
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-reloads:
		if err != nil {
			t.Fatalf("reload: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no reload after SIGHUP")
	}
	if diff := cmp.Diff([]string{"after"}, srv.PolicyCallers()); diff != "" {
		t.Errorf("policy after SIGHUP (-want +got):\n%s", diff)
	}
}

// TestReloaderCertificate: a changed certificate pair is served to new
// handshakes; a broken one keeps the old pair, is logged without key
// material and reported to onReload.
func TestReloaderCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	writePair(t, certFile, keyFile, "first")
	certs, err := newCertSource(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []error
	certs.onReload = func(err error) { outcomes = append(outcomes, err) }
	logs := &syncBuffer{}
	r := newReloader(slog.New(slog.NewJSONHandler(logs, nil)), nil, "", certs)
	served := func() string {
		c, err := certs.getCertificate(nil)
		if err != nil {
			t.Fatal(err)
		}
		leaf, err := x509.ParseCertificate(c.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		return leaf.Subject.CommonName
	}

	writePair(t, certFile, keyFile, "second")
	r.onTick()
	if got := served(); got != "second" {
		t.Errorf("after a change the server presents %q, want second", got)
	}
	write(t, keyFile, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
	r.onTick()
	if got := served(); got != "second" {
		t.Errorf("after a broken key the server presents %q, want second (kept)", got)
	}
	if len(outcomes) != 2 || outcomes[0] != nil || outcomes[1] == nil {
		t.Errorf("onReload saw %v, want [nil, an error]", outcomes)
	}
	out := logs.String()
	if !strings.Contains(out, "TLS certificate reload failed") || strings.Contains(out, "bm90IGEga2V5") {
		t.Errorf("log must name the failure and hold no key material:\n%s", out)
	}
}

// writePair writes a fresh self-signed certificate for cn and its key.
func writePair(t *testing.T, certFile, keyFile, cn string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	write(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	write(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))
}
