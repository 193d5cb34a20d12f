package interstitial

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidPublishableKey is wrapped by every error of
// [ParsePublishableKey]; the message says what is wrong and never repeats
// the key.
var ErrInvalidPublishableKey = errors.New("interstitial: invalid publishable key")

// Publishable key prefixes: development and production instances.
const (
	testPrefix = "pk_test_"
	livePrefix = "pk_live_"
)

// maxKeyBytes bounds a publishable key; Clerk's are under 100 bytes.
const maxKeyBytes = 512

// PublishableKey is a parsed Clerk publishable key. The zero value is not a
// key ([PublishableKey.FrontendAPI] is empty); get one from
// [ParsePublishableKey]. Publishable keys are public (they are shipped to
// browsers), so the type may be printed.
type PublishableKey struct {
	raw         string
	frontendAPI string
	live        bool
}

// ParsePublishableKey parses "pk_test_…" or "pk_live_…" strictly: the rest
// is standard base64 (padded or not, no stray bits) of a Frontend API host
// followed by exactly one "$", at the end. The host must be a lower-case
// DNS name of at least two labels (letters, digits and inner hyphens, each
// label 1–63 bytes, 253 bytes in all), with no port, path or user info.
// Errors wrap [ErrInvalidPublishableKey].
func ParsePublishableKey(s string) (PublishableKey, error) {
	if len(s) > maxKeyBytes {
		return PublishableKey{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalidPublishableKey, maxKeyBytes)
	}
	var live bool
	var body string
	switch {
	case strings.HasPrefix(s, testPrefix):
		body = s[len(testPrefix):]
	case strings.HasPrefix(s, livePrefix):
		body, live = s[len(livePrefix):], true
	default:
		return PublishableKey{}, fmt.Errorf("%w: it must start with pk_test_ or pk_live_", ErrInvalidPublishableKey)
	}
	decoded, err := decodeBase64(body)
	if err != nil {
		return PublishableKey{}, fmt.Errorf("%w: the part after the prefix is not base64", ErrInvalidPublishableKey)
	}
	host, ok := strings.CutSuffix(string(decoded), "$")
	if !ok || strings.Contains(host, "$") {
		return PublishableKey{}, fmt.Errorf("%w: the decoded key must end in one $", ErrInvalidPublishableKey)
	}
	if !isDNSName(host) {
		return PublishableKey{}, fmt.Errorf("%w: the decoded frontend api is not a lower-case host name", ErrInvalidPublishableKey)
	}
	return PublishableKey{raw: s, frontendAPI: host, live: live}, nil
}

// decodeBase64 decodes standard base64 with or without its padding; in
// both forms the unused bits of the last character must be zero. Line
// breaks, which Go's decoder skips, are refused: a key is one token, and a
// key with a \r inside must not parse as the key without it.
func decodeBase64(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("line break")
	}
	if strings.HasSuffix(s, "=") {
		return base64.StdEncoding.Strict().DecodeString(s)
	}
	return base64.RawStdEncoding.Strict().DecodeString(s)
}

// isDNSName reports whether h is a lower-case host name: two or more
// dot-separated labels of a-z, 0-9 and inner hyphens, 1–63 bytes each,
// 253 bytes in all.
func isDNSName(h string) bool {
	if len(h) == 0 || len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// FrontendAPI returns the instance's Frontend API host, such as
// "clerk.example.com" or "happy-cat-12.clerk.accounts.dev".
func (k PublishableKey) FrontendAPI() string { return k.frontendAPI }

// Live reports whether the key is a production key (pk_live_).
func (k PublishableKey) Live() bool { return k.live }

// String returns the key as it was parsed.
func (k PublishableKey) String() string { return k.raw }
