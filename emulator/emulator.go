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
	"strings"
	"sync"
	"time"
)

// Defaults applied by [New] to zero-valued [Options] fields.
const (
	DefaultSecretKey = "sk_test_authsvc_dev"
	DefaultIssuer    = "https://clerk.authsvc.localhost"
	DefaultTokenTTL  = 60 * time.Second
)

// maxBodyBytes bounds every request body the emulator reads (1 MiB).
const maxBodyBytes = 1 << 20

// Options configures an [Emulator]. The zero value is valid: every field has a
// default, documented on the field.
type Options struct {
	// SecretKey is the Backend API secret key that requests must present as
	// "Authorization: Bearer <SecretKey>". Default [DefaultSecretKey]. It must
	// start with "sk_".
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
	// documentation. Default false: the store starts empty.
	Seed bool
	// DataDir: see i13-emu.
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

	mu sync.Mutex
	st *store

	mach machineStore // machine tokens (machine.go), with its own lock
}

// New validates opts, generates a fresh RSA-2048 signing key with a kid of the
// form "ins_<random>", and returns a ready emulator (seeded when opts.Seed).
// It does not start a listener: serve [Emulator.Handler] yourself.
func New(opts Options) (*Emulator, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("emulator: generate signing key: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("emulator: encode public key: %w", err)
	}
	e := &Emulator{
		secretKey: opts.SecretKey,
		issuer:    opts.Issuer,
		now:       opts.Now,
		tokenTTL:  opts.TokenTTL,
		key:       key,
		kid:       newID("ins_"),
		pubPEM:    string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		st:        newStore(),
	}
	e.handler = e.routes()
	if opts.Seed {
		e.seed()
	}
	return e, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.SecretKey == "" {
		o.SecretKey = DefaultSecretKey
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

// SecretKey returns the secret key that requests must present.
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
