package policy

import (
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
)

// Sentinel errors of [Policy.Authorize]; callers branch on them with
// errors.Is. Their messages name no credential.
var (
	// ErrNoCredential: the call presented neither an API key nor a client
	// certificate.
	ErrNoCredential = errors.New("policy: no credential presented")
	// ErrUnknownCredential: the credentials presented belong to no caller.
	ErrUnknownCredential = errors.New("policy: credential not recognised")
	// ErrNotAllowed: a known caller is not granted the method, or there is
	// no policy at all.
	ErrNotAllowed = errors.New("policy: method not allowed")
)

// openMethods are callable without a credential unless the policy's
// protect list names them (see the package documentation).
var openMethods = []string{
	"authsvc.v1.AuthService/VerifySessionToken",
	"authsvc.v1.AuthService/GetAuthState",
	"authsvc.v1.AuthService/VerifyWebhook",
	"authsvc.v1.AuthService/VerifyToken",
	"grpc.health.v1.Health/*",
	"grpc.reflection.v1.ServerReflection/*",
	"grpc.reflection.v1alpha.ServerReflection/*",
	"envoy.service.auth.v3.Authorization/Check",
}

// Credentials are what one call presented. The zero value presents
// nothing.
type Credentials struct {
	// APIKey is the bearer key from the authorization metadata; empty
	// when none was sent.
	APIKey string
	// Cert is the leaf of the client certificate chain that the TLS
	// handshake verified; nil without mTLS. Unverified certificates must
	// not be passed here.
	Cert *x509.Certificate
}

// presented reports whether c carries any credential.
func (c Credentials) presented() bool {
	return c.APIKey != "" || c.Cert != nil
}

// Protected reports whether method needs a granted credential: every
// method that is not open, and the open ones the protect list names.
// A nil policy protects exactly the non-open methods.
func (p *Policy) Protected(method string) bool {
	m := normMethod(method)
	if !matchAny(openMethods, m) {
		return true
	}
	return p != nil && matchAny(p.protect, m)
}

// Authorize decides whether creds may call method and returns the name of
// the caller that was granted it. It does not consult [Policy.Protected]:
// call it only for protected methods. Errors wrap [ErrNoCredential],
// [ErrUnknownCredential] or [ErrNotAllowed].
func (p *Policy) Authorize(method string, creds Credentials) (string, error) {
	if !creds.presented() {
		return "", ErrNoCredential
	}
	if p == nil {
		return "", fmt.Errorf("%w: no caller policy is configured", ErrNotAllowed)
	}
	m := normMethod(method)
	known := ""
	for _, c := range p.identify(creds) {
		if matchAny(c.allow, m) {
			return c.name, nil
		}
		known = c.name
	}
	if known == "" {
		return "", ErrUnknownCredential
	}
	return "", fmt.Errorf("%w: caller %q may not call %s", ErrNotAllowed, known, m)
}

// identify returns the callers that creds identify: the key's owner and
// the certificate's owners. Every key hash is compared, in constant time,
// so the time taken does not say which caller, if any, matched.
func (p *Policy) identify(creds Credentials) []*caller {
	var out []*caller
	var sum []byte
	if creds.APIKey != "" {
		s := sha256.Sum256([]byte(creds.APIKey))
		sum = s[:]
	}
	for i := range p.callers {
		c := &p.callers[i]
		keyMatch := sum != nil && c.keySHA256 != nil && subtle.ConstantTimeCompare(sum, c.keySHA256) == 1
		if keyMatch || certMatches(c, creds.Cert) {
			out = append(out, c)
		}
	}
	return out
}

// certMatches reports whether cert carries c's subject or SAN.
func certMatches(c *caller, cert *x509.Certificate) bool {
	if cert == nil {
		return false
	}
	if c.tlsSubject != "" && cert.Subject.String() == c.tlsSubject {
		return true
	}
	if c.tlsSAN == "" {
		return false
	}
	return slices.Contains(certSANs(cert, sanKindOf(c.tlsSAN)), c.tlsSAN)
}

// sanKind is the type of a subject alternative name.
type sanKind int

const (
	sanDNS sanKind = iota
	sanEmail
	sanIP
	sanURI
)

// sanKindOf is the type of SAN a policy's tls_san names, by its shape: an
// IP address, a URI (anything else with a ':', which no DNS name has:
// "spiffe://…", "urn:uuid:…"), an email address (with "@"), else a DNS
// name. A certificate's SAN of another type never matches it, however it
// reads: Go's parser accepts a DNS SAN whose text is
// "spiffe://corp/admin-tool", which a CA that lets requesters choose their
// DNS names would sign.
func sanKindOf(s string) sanKind {
	switch {
	case net.ParseIP(s) != nil:
		return sanIP
	case strings.Contains(s, ":"):
		return sanURI
	case strings.Contains(s, "@"):
		return sanEmail
	default:
		return sanDNS
	}
}

// certSANs lists cert's subject alternative names of kind as strings.
func certSANs(cert *x509.Certificate, kind sanKind) []string {
	switch kind {
	case sanEmail:
		return cert.EmailAddresses
	case sanIP:
		sans := make([]string, len(cert.IPAddresses))
		for i, ip := range cert.IPAddresses {
			sans[i] = ip.String()
		}
		return sans
	case sanURI:
		sans := make([]string, len(cert.URIs))
		for i, u := range cert.URIs {
			sans[i] = u.String()
		}
		return sans
	default:
		return cert.DNSNames
	}
}
