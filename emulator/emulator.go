package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// Defaults applied by [New] to zero-valued [Options] fields.
const (
	DefaultIssuer   = "https://clerk.authsvc.localhost"
	DefaultTokenTTL = 60 * time.Second
)

// maxBodyBytes bounds every request body the emulator reads (1 MiB).
const maxBodyBytes = 1 << 20

// Options configures an [Emulator]. The zero value is valid: every field has a
// default, documented on the field.
type Options struct {
	// SecretKey is the Backend API secret key that requests must present as
	// "Authorization: Bearer <SecretKey>". It must start with "sk_". Default:
	// a fresh random "sk_test_" key of 32 base62 characters per [New] (read
	// it with [Emulator.SecretKey]); there is no published default key. It
	// is never written to the data directory.
	SecretKey string
	// Issuer is the "iss" claim of minted session tokens. Default
	// [DefaultIssuer], whose host clerk.<domain> passes the verifier's
	// Clerk-issuer shape check. It must be an https URL with a host.
	Issuer string
	// Now is the clock used for timestamps and token claims. Default time.Now.
	Now func() time.Time
	// TokenTTL is the lifetime of minted session tokens when no explicit ttl
	// is given. Default [DefaultTokenTTL] (60 s, as Clerk's). Negative is an
	// error.
	TokenTTL time.Duration
	// Seed adds the demo users and organization described in the package
	// documentation. Default false: the store starts empty. With DataDir it
	// applies only when the directory holds no state yet.
	Seed bool
	// DataDir, when set, keeps the state (users, sessions, organizations,
	// everything the API stores, machine tokens included) and the signing
	// key with its kid in the file [StateFileName] in this directory. [New]
	// creates the directory (0700) if needed and loads the file when it
	// exists, so tokens minted before a restart still verify after it; a
	// corrupt, unreadable or unknown-version file makes New fail with an
	// error naming the file, never a silent reset. Every change is written
	// atomically (temporary file, fsync, rename; mode 0600) before its
	// response is sent; when that write fails the request answers 500 and
	// the change, made in memory, is not on disk. Default "": memory only.
	// Two emulators must not share one DataDir.
	DataDir string
}

// Emulator is an in-memory Clerk Backend API. Create it with [New]; the zero
// value is not usable. It is safe for concurrent use.
type Emulator struct {
	secretKey string
	issuer    string
	now       func() time.Time
	tokenTTL  time.Duration
	key       *rsa.PrivateKey
	kid       string
	pubPEM    string
	handler   http.Handler

	dataDir string // "" without persistence

	mu sync.Mutex
	st *store

	mach machineStore // machine tokens (machine.go)
}

// New validates opts and returns a ready emulator. Without opts.DataDir
// (or when the directory holds no state yet) it generates a fresh RSA-2048
// signing key with a kid of the form "ins_<random>" and starts empty, or
// seeded with opts.Seed; with a state file in opts.DataDir it resumes that
// state and key instead. It does not start a listener: serve
// [Emulator.Handler] yourself.
func New(opts Options) (*Emulator, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	e := &Emulator{
		secretKey: opts.SecretKey,
		issuer:    opts.Issuer,
		now:       opts.Now,
		tokenTTL:  opts.TokenTTL,
		dataDir:   opts.DataDir,
	}
	resumed, err := e.resume()
	if err != nil {
		return nil, err
	}
	if !resumed {
		if err := e.start(opts.Seed); err != nil {
			return nil, err
		}
	}
	der, err := x509.MarshalPKIXPublicKey(&e.key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("emulator: encode public key: %w", err)
	}
	e.pubPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	e.handler = e.routes()
	return e, nil
}

// resume loads the data directory's state, if there is a data directory
// and it holds a state file.
func (e *Emulator) resume() (bool, error) {
	if e.dataDir == "" {
		return false, nil
	}
	if err := os.MkdirAll(e.dataDir, 0o700); err != nil {
		return false, fmt.Errorf("emulator: data directory: %w", err)
	}
	ls, found, err := loadState(e.dataDir)
	if err != nil || !found {
		return false, err
	}
	e.key, e.kid, e.st, e.mach = ls.key, ls.kid, ls.st, ls.mach
	return true, nil
}

// start gives a new emulator a fresh key and store (seeded when asked) and
// writes its first state file when there is a data directory.
func (e *Emulator) start(seed bool) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return fmt.Errorf("emulator: generate signing key: %w", err)
	}
	e.key, e.kid, e.st = key, newID("ins_"), newStore()
	e.mu.Lock()
	defer e.mu.Unlock()
	if seed {
		e.seedLocked()
	}
	return e.saveLocked()
}

func (o Options) withDefaults() (Options, error) {
	if o.SecretKey == "" {
		o.SecretKey = randomBase62("sk_test_", 32)
	}
	if !strings.HasPrefix(o.SecretKey, "sk_") {
		return o, errors.New(`emulator: secret key must start with "sk_"`)
	}
	if o.Issuer == "" {
		o.Issuer = DefaultIssuer
	}
	if u, err := url.Parse(o.Issuer); err != nil || u.Scheme != "https" || u.Host == "" {
		return o, errors.New("emulator: issuer must be an https URL with a host")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TokenTTL < 0 {
		return o, errors.New("emulator: token ttl must not be negative")
	}
	if o.TokenTTL == 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	return o, nil
}

// Handler returns the HTTP handler serving the Backend API under /v1/... and
// the public JWKS at /.well-known/jwks.json. Unknown routes answer a 404
// Clerk error. The same handler is returned on every call.
func (e *Emulator) Handler() http.Handler { return e.handler }

// SecretKey returns the secret key that requests must present:
// [Options.SecretKey], or the random key New drew when it was empty. It is
// never written to the data directory, so each New has its own.
func (e *Emulator) SecretKey() string { return e.secretKey }

// Issuer returns the "iss" claim of the tokens the emulator mints.
func (e *Emulator) Issuer() string { return e.issuer }

// KeyID returns the "kid" of the signing key, as served in the JWKS and set
// in minted token headers.
func (e *Emulator) KeyID() string { return e.kid }

// PublicKeyPEM returns the signing key's public half as an SPKI
// ("PUBLIC KEY") PEM block, suitable for CLERK_JWT_KEY.
func (e *Emulator) PublicKeyPEM() string { return e.pubPEM }

// nowMillis is the current time in Unix milliseconds, Clerk's timestamp unit.
func (e *Emulator) nowMillis() int64 { return e.now().UnixMilli() }
