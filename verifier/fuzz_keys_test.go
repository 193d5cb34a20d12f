package verifier

// Fuzz targets for the two key parsers: the inline CLERK_JWT_KEY and the
// JWKS body. Seeds come from f.Add below and from testdata/fuzz/<target>/;
// the valid seeds use testdata/fuzzkey.pem, a test-only 2048-bit key. Run
// them with
//
//	go test -run '^$' -fuzz '^FuzzParseInlineKey$' -fuzztime 1000000x ./verifier
//	go test -run '^$' -fuzz '^FuzzParseJWKS$' -fuzztime 1000000x ./verifier

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
)

// keyFuzzKey loads the test-only key in testdata/fuzzkey.pem.
func keyFuzzKey(tb testing.TB) *rsa.PrivateKey {
	tb.Helper()
	b, err := os.ReadFile("testdata/fuzzkey.pem")
	if err != nil {
		tb.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		tb.Fatal("testdata/fuzzkey.pem: no pem block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

// inlineForms are the ways CLERK_JWT_KEY may carry pub: SPKI PEM, its
// one-line body, the PEM with literal \n escapes, and a PKCS#1 PEM.
func inlineForms(tb testing.TB, pub any) []string {
	tb.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	spki := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	forms := []string{spki, base64.StdEncoding.EncodeToString(der), strings.ReplaceAll(strings.TrimSpace(spki), "\n", `\n`)}
	if rsaPub, ok := pub.(*rsa.PublicKey); ok {
		forms = append(forms, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(rsaPub)})))
	}
	return forms
}

// inlineKeySeeds are the inline-key table tests' inputs: every form of the
// fuzz key, of a 1024-bit key and of a P-256 key, and broken keys.
func inlineKeySeeds(tb testing.TB) []string {
	tb.Helper()
	key := keyFuzzKey(tb)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		tb.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	good := inlineForms(tb, &key.PublicKey)
	seeds := append(append(append([]string{}, good...), inlineForms(tb, &small.PublicKey)...), inlineForms(tb, &ec.PublicKey)...)
	return append(seeds,
		good[1][:len(good[1])-8], // truncated body
		good[0]+"junk",           // trailing data
		"-----BEGIN PUBLIC KEY-----",
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}})),
		"not a key!",
		base64.StdEncoding.EncodeToString([]byte("hello world")),
		"",
	)
}

// FuzzParseInlineKey: parseInlineKey never panics; a failure is a
// key-invalid *Error and no key; a success is an RS256 RSA key of 2048 to
// 8192 bits with an odd exponent of at least 3, and the same key comes back
// from every other form of it (PEM ⇄ one-line body, \n escapes, PKCS#1),
// including the other form made from the input itself.
func FuzzParseInlineKey(f *testing.F) {
	for _, s := range inlineKeySeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vk, err := parseInlineKey(s)
		if err != nil {
			var e *Error
			if vk != nil || !errors.As(err, &e) || e.Reason != ReasonKeyInvalid || !errors.Is(err, ErrKeyMissing) ||
				!strings.HasPrefix(err.Error(), "verifier: ") {
				t.Fatalf("parseInlineKey = %v, %v; want no key and a %s *Error", vk, err, ReasonKeyInvalid)
			}
			return
		}
		checkUsableKey(t, vk)
		if vk.alg != "RS256" {
			t.Fatalf("inline key pinned to %q, want RS256", vk.alg)
		}
		for i, form := range append(inlineForms(t, vk.pub), otherForm(t, s)) {
			again, err := parseInlineKey(form)
			if err != nil || !again.pub.Equal(vk.pub) {
				t.Fatalf("form %d of an accepted key: %v, equal %v", i, err, err == nil && again.pub.Equal(vk.pub))
			}
		}
	})
}

// otherForm turns an accepted inline key into its other form: a SPKI PEM
// into its one-line body, a one-line body into a PEM. A PKCS#1 PEM, which
// has no one-line form, comes back as it is.
func otherForm(t *testing.T, s string) string {
	t.Helper()
	s = strings.TrimSpace(strings.ReplaceAll(s, `\n`, "\n"))
	if strings.HasPrefix(s, "-----BEGIN") {
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			t.Fatalf("accepted pem %q does not decode", s)
		}
		if block.Type != "PUBLIC KEY" {
			return s
		}
		return base64.StdEncoding.EncodeToString(block.Bytes)
	}
	der, err := base64.StdEncoding.DecodeString(stripSpace(s))
	if err != nil {
		t.Fatalf("accepted body does not decode: %v", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// checkUsableKey asserts the size and exponent rules for any accepted key.
func checkUsableKey(t *testing.T, vk *verKey) {
	t.Helper()
	if vk == nil || vk.pub == nil || vk.pub.N == nil {
		t.Fatalf("accepted key %v has no public key", vk)
	}
	if bits := vk.pub.N.BitLen(); bits < 2048 || bits > 8192 {
		t.Fatalf("accepted a %d-bit rsa key", bits)
	}
	if vk.pub.E < 3 || vk.pub.E%2 == 0 {
		t.Fatalf("accepted rsa exponent %d", vk.pub.E)
	}
}

// fuzzJWK is a JWK map for pub, as Clerk's /v1/jwks lists it.
func fuzzJWK(pub *rsa.PublicKey, kid, alg string) map[string]any {
	m := map[string]any{
		"kty": "RSA", "use": "sig", "kid": kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
	if alg != "" {
		m["alg"] = alg
	}
	return m
}

// jwksSeeds are key sets from the JWKS table tests: usable, mixed and
// unusable.
func jwksSeeds(tb testing.TB, pub, small *rsa.PublicKey) [][]byte {
	tb.Helper()
	ec := map[string]any{"kty": "EC", "kid": "ins_ec", "crv": "P-256",
		"x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
	enc := fuzzJWK(pub, "ins_enc", "")
	enc["use"] = "enc"
	sets := [][]any{
		{fuzzJWK(pub, "ins_1", "RS256")},
		{fuzzJWK(pub, "ins_1", "")},
		{fuzzJWK(pub, "ins_1", "RS512"), fuzzJWK(pub, "ins_2", "RS384")},
		{fuzzJWK(pub, "", "RS256")},
		{fuzzJWK(pub, "ins_1", "PS256")},
		{fuzzJWK(small, "ins_small", "RS256")},
		{ec, fuzzJWK(pub, "ins_1", "RS256")},
		{enc},
		{fuzzJWK(pub, "ins_1", "RS256"), fuzzJWK(pub, "ins_1", "RS256")},
	}
	out := [][]byte{[]byte(`{"keys":[]}`), []byte(`<html>`), []byte(`{}`), []byte(`{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB"}]}`)}
	for _, keys := range sets {
		b, err := json.Marshal(map[string]any{"keys": keys})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzParseJWKS: parseJWKS never panics; a failure is a key-fetch *Error
// and no keys, so the old keys stay in use; a success holds at least one
// key, each under a non-empty kid, RSA, 2048 to 8192 bits, with an alg that
// is absent or RS256/384/512; and parsing the same body again gives the
// same keys.
func FuzzParseJWKS(f *testing.F) {
	key := keyFuzzKey(f)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		f.Fatal(err)
	}
	for _, b := range jwksSeeds(f, &key.PublicKey, &small.PublicKey) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		keys, err := parseJWKS(body)
		if err != nil {
			var e *Error
			if keys != nil || !errors.As(err, &e) || e.Reason != ReasonKeyFetch || !errors.Is(err, ErrKeyFetch) {
				t.Fatalf("parseJWKS = %v, %v; want no keys and a %s *Error", keys, err, ReasonKeyFetch)
			}
			return
		}
		if len(keys) == 0 {
			t.Fatal("parseJWKS succeeded with no keys")
		}
		for kid, vk := range keys {
			if kid == "" {
				t.Fatal("a key is listed under an empty kid")
			}
			checkUsableKey(t, vk)
			switch vk.alg {
			case "", "RS256", "RS384", "RS512":
			default:
				t.Fatalf("kid %q kept with alg %q", kid, vk.alg)
			}
		}
		again, err := parseJWKS(body)
		if err != nil || len(again) != len(keys) {
			t.Fatalf("second parse: %d keys, %v; first %d keys", len(again), err, len(keys))
		}
		for kid, vk := range keys {
			if a := again[kid]; a == nil || !a.pub.Equal(vk.pub) || a.alg != vk.alg {
				t.Fatalf("kid %q differs on the second parse", kid)
			}
		}
	})
}
