package webhook

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// SecretPrefix starts every signing secret, as the Standard Webhooks
// specification serialises symmetric secrets and Clerk's dashboard shows
// them.
const SecretPrefix = "whsec_"

// Key sizes the specification allows for HMAC-SHA256 signing secrets.
const (
	minKeyBytes = 24
	maxKeyBytes = 64
)

// decodeSecret returns the HMAC key a whsec_ secret serialises. The base64
// must be standard, padded and canonical: it is decoded and must encode
// back to the same text, which refuses line breaks, missing padding and
// stray bits. The error never contains the secret.
func decodeSecret(secret string) ([]byte, error) {
	body, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: missing the %s prefix", ErrSecretInvalid, SecretPrefix)
	}
	key, err := base64.StdEncoding.Strict().DecodeString(body)
	if err != nil || base64.StdEncoding.EncodeToString(key) != body {
		return nil, fmt.Errorf("%w: the text after %s is not standard base64", ErrSecretInvalid, SecretPrefix)
	}
	if len(key) < minKeyBytes || len(key) > maxKeyBytes {
		return nil, fmt.Errorf("%w: the key is %d bytes, not %d to %d", ErrSecretInvalid, len(key), minKeyBytes, maxKeyBytes)
	}
	return key, nil
}
