package verifier

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// RSA key sizes accepted from any source. Clerk issues 2048-bit keys; the
// upper bound keeps a hostile key set from making verification expensive.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// parseInlineKey parses CLERK_JWT_KEY: a full PEM ("PUBLIC KEY", or PKCS#1
// "RSA PUBLIC KEY"), or the one-line base64 body of an SPKI DER. Literal
// "\n" escapes, as .env files often carry them, count as newlines. The key is
// pinned to RS256, the algorithm Clerk signs with.
func parseInlineKey(s string) (*verKey, error) {
	pub, err := parsePublicKey(s)
	if err != nil {
		return nil, &Error{Reason: ReasonKeyInvalid, Detail: "inline jwt key", Err: err}
	}
	if err := checkRSAKey(pub); err != nil {
		return nil, &Error{Reason: ReasonKeyInvalid, Detail: "inline jwt key", Err: err}
	}
	return &verKey{pub: pub, alg: "RS256"}, nil
}

func parsePublicKey(s string) (*rsa.PublicKey, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, `\n`, "\n"))
	if strings.HasPrefix(s, "-----BEGIN") {
		return parsePEM(s)
	}
	der, err := base64.StdEncoding.DecodeString(stripSpace(s))
	if err != nil {
		return nil, errors.New("verifier: key is neither pem nor base64 spki")
	}
	return parseSPKI(der)
}

func parsePEM(s string) (*rsa.PublicKey, error) {
	block, rest := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("verifier: key pem does not decode")
	}
	if len(strings.TrimSpace(string(rest))) != 0 {
		return nil, errors.New("verifier: key pem has trailing data")
	}
	switch block.Type {
	case "PUBLIC KEY":
		return parseSPKI(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("verifier: key pkcs1: %w", err)
		}
		return pub, nil
	default:
		return nil, fmt.Errorf("verifier: key pem type %q is not a public key", block.Type)
	}
}

func parseSPKI(der []byte) (*rsa.PublicKey, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("verifier: key spki: %w", err)
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("verifier: key is %T, not rsa", pub)
	}
	return rsaPub, nil
}

// checkRSAKey enforces the accepted modulus sizes and a sane exponent.
func checkRSAKey(pub *rsa.PublicKey) error {
	bits := pub.N.BitLen()
	if bits < minRSABits || bits > maxRSABits {
		return fmt.Errorf("verifier: rsa key has %d bits, want %d to %d", bits, minRSABits, maxRSABits)
	}
	if pub.E < 3 || pub.E%2 == 0 {
		return fmt.Errorf("verifier: rsa exponent %d is not allowed", pub.E)
	}
	return nil
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}
