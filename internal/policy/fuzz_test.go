package policy

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParsePolicy feeds arbitrary bytes to Parse: it must return a policy
// or an error wrapping ErrInvalid, never panic, and a policy it returns must
// answer Protected and Authorize without panicking. Run it with
//
//	go test -run '^$' -fuzz '^FuzzParsePolicy$' -fuzztime 1000000x ./internal/policy
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte("callers:\n  - name: billing\n    key_sha256: " + hashOf(keyBilling) + "\n    allow: [\"authsvc.v1.AuthService/GetUser\", \"authsvc.v1.AuthService/List*\"]\n"))
	f.Add([]byte(`{"callers":[{"name":"svc","tls_subject":"CN=svc","allow":["*"]}]}`))
	f.Add([]byte("protect: ['*']\ncallers:\n  - {name: m, tls_san: spiffe://x, allow: ['a*b*c']}\n"))
	f.Add([]byte("callers:\n  - {name: a, key_sha256: zz, allow: ['*']}\n"))
	f.Add([]byte("callers: [\n"))
	f.Add([]byte("a: &a [*a, *a]\ncallers: *a\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: 50}\n"))
	f.Add([]byte(`{"callers":[{"name":"a","tls_san":"x","allow":["*"],"backend_rate":-1e3}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error: %q", err)
			}
			if goType.MatchString(err.Error()) {
				t.Fatalf("error names a Go type: %q", err)
			}
			return
		}
		if len(p.CallerNames()) == 0 {
			t.Fatal("a policy without callers was accepted")
		}
		for _, c := range p.callers {
			if len(c.allow) == 0 || (c.keySHA256 == nil && c.tlsSubject == "" && c.tlsSAN == "") {
				t.Fatalf("caller %q accepted without grants or credential", c.name)
			}
			if c.backendRate < 0 || c.backendRate > maxBackendRate || p.BackendRate(c.name) != c.backendRate {
				t.Fatalf("caller %q accepted with backend_rate %d", c.name, c.backendRate)
			}
		}
		_ = p.Protected("/authsvc.v1.AuthService/GetAuthState")
		_, _ = p.Authorize("/authsvc.v1.AuthService/GetUser", Credentials{APIKey: keyBilling})
	})
}
