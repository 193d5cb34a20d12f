package webhook

// Fuzz targets for the two parsers of untrusted or operator text: the
// signature header and the signing secret. Run each for a while with
//
//	go test -run='^$' -fuzz=FuzzParseSignatureHeader -fuzztime=60s ./webhook
//	go test -run='^$' -fuzz=FuzzDecodeSecret -fuzztime=60s ./webhook
//
// The seed corpus is in testdata/fuzz/; plain `go test` runs it.

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// FuzzParseSignatureHeader checks that any header parses without panic,
// that every signature returned came from a "v1," entry, and that a valid
// entry passes whatever else the header lists, while a header without it
// never does.
func FuzzParseSignatureHeader(f *testing.F) {
	for _, seed := range []string{
		"v1,abc=", "v1,abc= v1,def=", "v1a,xyz v2,uvw v1,abc=", "  v1,abc=\t v1,def=  ",
		"v1,a,b", "v1, v1,abc=", "V1,abc=", "v1,abc=,v1,def=", "", ",", "v1,", "v1,,",
	} {
		f.Add(seed)
	}
	now := time.Unix(1_700_000_000, 0)
	v := &Verifier{key: []byte("fuzz-key-of-exactly-24-b"), now: func() time.Time { return now }}
	body := []byte(`{"type":"user.created"}`)
	ts := "1700000000"
	valid := v.Sign("msg_1", now, body)
	f.Fuzz(func(t *testing.T, header string) {
		for _, sig := range parseSignatureHeader(header) {
			if sig == "" || strings.ContainsAny(sig, " \t\r\n") || !strings.Contains(header, "v1,"+sig) {
				t.Fatalf("parseSignatureHeader(%q) returned %q", header, sig)
			}
		}
		withValid := header + " " + valid
		if _, err := v.verify(signedHeaders{id: "msg_1", timestamp: ts, signature: withValid}, body); err != nil {
			t.Fatalf("a valid entry after %q failed: %v", header, err)
		}
		_, err := v.verify(signedHeaders{id: "msg_1", timestamp: ts, signature: strings.TrimSpace(header)}, body)
		hasValid := false
		for _, sig := range parseSignatureHeader(header) {
			hasValid = hasValid || "v1,"+sig == valid
		}
		if (err == nil) != hasValid {
			t.Fatalf("header %q: err = %v, valid entry listed = %v", header, err, hasValid)
		}
	})
}

// FuzzDecodeSecret checks that any secret decodes or fails without panic,
// that an accepted one is whsec_ and the canonical base64 of 24 to 64
// bytes, and that a refusal does not quote the secret.
func FuzzDecodeSecret(f *testing.F) {
	for _, seed := range []string{
		"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 24)),
		"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 64)),
		"whsec_" + base64.RawStdEncoding.EncodeToString(make([]byte, 25)),
		"whsec_", "", "whsec_YXV0aHN2YyBleGFtcGxlIHNlY3JldCEh\n", "WHSEC_YXV0aHN2YyBleGFtcGxlIHNlY3JldCEh",
		"YXV0aHN2YyBleGFtcGxlIHNlY3JldCEh", "whsec_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, secret string) {
		key, err := decodeSecret(secret)
		if err != nil {
			if body := strings.TrimPrefix(secret, SecretPrefix); len(body) >= 8 && strings.Contains(err.Error(), body) {
				t.Fatalf("error %q quotes the secret", err)
			}
			return
		}
		body, ok := strings.CutPrefix(secret, SecretPrefix)
		if !ok || base64.StdEncoding.EncodeToString(key) != body || len(key) < minKeyBytes || len(key) > maxKeyBytes {
			t.Fatalf("decodeSecret(%q) accepted a %d-byte key", secret, len(key))
		}
	})
}
