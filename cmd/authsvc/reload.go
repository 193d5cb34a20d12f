package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/authsvc/authsvc/server"
)

// reloadPollInterval is how often the policy and certificate files are
// checked for a change (size or modification time).
const reloadPollInterval = 5 * time.Second

// startReload reloads the caller policy and the TLS certificate on SIGHUP,
// and each of them when its file changes, until ctx ends or stop is called.
// A reload that fails keeps what was in force and is logged (the server
// logs its own policy reloads). certs may be nil (no TLS); policyFile may be
// empty (no file to reload).
func startReload(ctx context.Context, log *slog.Logger, srv *server.Server, policyFile string, certs *certSource) (stop func()) {
	sighup := make(chan os.Signal, 1)
	signal.Notify(sighup, syscall.SIGHUP)
	ticker := time.NewTicker(reloadPollInterval)
	ctx, cancel := context.WithCancel(ctx)
	r := newReloader(log, srv, policyFile, certs)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.run(ctx, sighup, ticker.C)
	}()
	return func() {
		signal.Stop(sighup)
		ticker.Stop()
		cancel()
		<-done
	}
}

// reloader decides what to reload on a signal or a poll tick.
type reloader struct {
	log    *slog.Logger
	srv    *server.Server
	certs  *certSource
	policy fileStamp
	cert   fileStamp
	key    fileStamp
}

func newReloader(log *slog.Logger, srv *server.Server, policyFile string, certs *certSource) *reloader {
	r := &reloader{log: log, srv: srv, certs: certs, policy: stampOf(policyFile)}
	if certs != nil {
		r.cert, r.key = stampOf(certs.certFile), stampOf(certs.keyFile)
	}
	return r
}

// run serves until ctx ends: every SIGHUP reloads both, every tick
// reloads what changed on disk.
func (r *reloader) run(ctx context.Context, sighup <-chan os.Signal, tick <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-sighup:
			r.onSIGHUP()
		case <-tick:
			r.onTick()
		}
	}
}

// onSIGHUP reloads both, changed or not.
func (r *reloader) onSIGHUP() {
	r.log.Info("SIGHUP: reloading the caller policy and the TLS certificate")
	r.reloadPolicy(true)
	r.reloadCert(true)
}

// onTick reloads what changed on disk since the last look.
func (r *reloader) onTick() {
	r.reloadPolicy(false)
	r.reloadCert(false)
}

// reloadPolicy reloads the policy when forced or when its file changed.
func (r *reloader) reloadPolicy(force bool) {
	if r.policy.path == "" || !r.policy.refresh() && !force {
		return
	}
	_ = r.srv.ReloadPolicy() // logged and counted by the server
}

// reloadCert reloads the certificate when forced or when either file
// changed.
func (r *reloader) reloadCert(force bool) {
	if r.certs == nil {
		return
	}
	certChanged, keyChanged := r.cert.refresh(), r.key.refresh()
	if !force && !certChanged && !keyChanged {
		return
	}
	if err := r.certs.reload(); err != nil {
		r.log.Error("TLS certificate reload failed; the previous certificate stays in use", "error", err.Error())
		return
	}
	r.log.Info("TLS certificate reloaded", "cert", r.certs.certFile)
}

// fileStamp is what a poll compares: a file's size and modification time.
type fileStamp struct {
	path    string
	size    int64
	modTime time.Time
}

func stampOf(path string) fileStamp {
	s := fileStamp{path: path}
	s.refresh()
	return s
}

// refresh re-reads the stamp and reports whether it changed. A file that
// cannot be stat'ed keeps its old stamp (no change): a half-done rename
// must not trigger a reload of nothing.
func (s *fileStamp) refresh() bool {
	if s.path == "" {
		return false
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		return false
	}
	changed := fi.Size() != s.size || !fi.ModTime().Equal(s.modTime)
	s.size, s.modTime = fi.Size(), fi.ModTime()
	return changed
}

// certSource holds the server certificate for tls.Config.GetCertificate,
// swapped atomically by reload so handshakes never wait for a reload.
type certSource struct {
	certFile, keyFile string
	cur               atomic.Pointer[tls.Certificate]
	// onReload, when set, is called after every reload with its outcome
	// (the metrics' config-reload counter).
	onReload func(err error)
}

// newCertSource loads the pair once; an error names the settings to fix.
func newCertSource(certFile, keyFile string) (*certSource, error) {
	c := &certSource{certFile: certFile, keyFile: keyFile}
	if err := c.load(); err != nil {
		return nil, err
	}
	return c, nil
}

// reload loads the pair again; on error the old certificate stays.
func (c *certSource) reload() error {
	err := c.load()
	if c.onReload != nil {
		c.onReload(err)
	}
	return err
}

func (c *certSource) load() error {
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("AUTHSVC_TLS_CERT/AUTHSVC_TLS_KEY: %w", err)
	}
	c.cur.Store(&cert)
	return nil
}

func (c *certSource) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.cur.Load(), nil
}
