package verifier

import (
	"strings"
	"testing"
)

// TestCrossOrigin covers the checkCrossOrigin vectors of backend-core-spec
// §3.3 (request.test.ts) and §2.5 (the quirk rows), decided by the fixed rules
// of DESIGN.md; rows whose outcome differs from the original say "fix".
func TestCrossOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		origin string
		h      hostFacts
		want   bool
	}{
		// §3.3, request.test.ts.
		{"3.3#1 is not CO with IPv6", "http://[::1]", hostFacts{host: "[::1]"}, false},
		{"3.3#2 is not CO with set https and 443 port", "https://localhost:443", hostFacts{host: "localhost"}, false},
		{"3.3#3 is CO with mixed default security ports", "https://localhost:80", hostFacts{host: "localhost:443"}, true},
		{"3.3#4 is CO when HTTPS to HTTP with present x-forwarded-proto", "https://localhost", hostFacts{host: "someserver", forwardedHost: "localhost", forwardedProto: "http"}, true},
		{"3.3#5 is CO when HTTPS to HTTP with forwarded port", "https://localhost", hostFacts{host: "localhost", forwardedPort: "80"}, true},
		{"3.3#6 is CO with cross origin auth domain", "https://accounts.clerk.dev", hostFacts{host: "localhost"}, true},
		{"3.3#7 is CO when forwarded port overrides host derived port", "https://localhost:443", hostFacts{host: "localhost", forwardedPort: "3001"}, true},
		{"3.3#8 is not CO with port included in x-forwarded host", "http://localhost:3000", hostFacts{host: "127.0.0.1:3000", forwardedHost: "localhost:3000"}, false},
		{"3.3#9 is CO with port included in x-forwarded host", "http://localhost:3000", hostFacts{host: "127.0.0.1:3000", forwardedHost: "localhost:4000"}, true},

		// §2.5 quirk rows.
		{"2.5 quirk http://example.com:80 vs example.com:80, no proto: host side https so :80 is explicit", "http://example.com:80", hostFacts{host: "example.com:80"}, true},
		{"2.5 quirk http://example.com:80 vs example.com:80, proto http (fix: default ports per scheme)", "http://example.com:80", hostFacts{host: "example.com:80", forwardedProto: "http"}, false},
		{"2.5 quirk http://example.com vs example.com: scheme not compared without proto", "http://example.com", hostFacts{host: "example.com"}, false},
		{"2.5 quirk https://example.com vs example.com:443", "https://example.com", hostFacts{host: "example.com:443"}, false},
		{"2.5 quirk https://Example.COM vs example.com", "https://Example.COM", hostFacts{host: "example.com"}, false},
		{"2.5 quirk userinfo ignored", "https://user:pw@example.com", hostFacts{host: "example.com"}, false},
		{"2.5 quirk X-Forwarded-Port 443", "https://example.com", hostFacts{host: "example.com", forwardedPort: "443"}, false},
		{"2.5 quirk :8443 with fwdPort 8443", "https://example.com:8443", hostFacts{host: "example.com", forwardedPort: "8443"}, false},
		{"2.5 quirk a.example.com vs b.example.com", "https://a.example.com", hostFacts{host: "b.example.com"}, true},
		{"2.5 quirk forwarded host wins", "https://example.com", hostFacts{host: "other.com", forwardedHost: "example.com"}, false},
		{"2.5 quirk fwdHost/fwdPort/fwdProto all empty", "https://example.com", hostFacts{host: "example.com"}, false},

		// §2.5 step 1 [run] rows, under fix 1 (no colon).
		{"2.5 step1 proto https vs https origin (fix: was CO)", "https://example.com", hostFacts{host: "example.com", forwardedProto: "https"}, false},
		{"2.5 step1 proto https: with colon still accepted", "https://example.com", hostFacts{host: "example.com", forwardedProto: "https:"}, false},
		{"fix1 proto is case-insensitive", "https://example.com", hostFacts{host: "example.com", forwardedProto: "HTTPS"}, false},
		{"fix1 proto http vs https origin", "https://example.com", hostFacts{host: "example.com", forwardedProto: "http"}, true},
		{"fix1 proto https vs http origin", "http://example.com", hostFacts{host: "example.com", forwardedProto: "https"}, true},

		// Fix 2: default ports per scheme.
		{"fix2 proto http, host :80, origin without port", "http://example.com", hostFacts{host: "example.com:80", forwardedProto: "http"}, false},
		{"fix2 proto http, fwdPort 80", "http://example.com", hostFacts{host: "example.com", forwardedProto: "http", forwardedPort: "80"}, false},
		{"fix2 proto http, fwdPort 443 is explicit for http", "http://example.com", hostFacts{host: "example.com", forwardedProto: "http", forwardedPort: "443"}, true},
		{"fix2 leading zeros in port", "https://example.com:0443", hostFacts{host: "example.com"}, false},

		// Fix 3: comma lists use the first element.
		{"fix3 fwdHost comma list first element", "https://example.com", hostFacts{host: "internal", forwardedHost: "example.com, proxy.internal"}, false},
		{"fix3 fwdHost comma list, origin is second", "https://proxy.internal", hostFacts{host: "internal", forwardedHost: "example.com, proxy.internal"}, true},
		{"fix3 fwdProto comma list", "https://example.com", hostFacts{host: "example.com", forwardedProto: "https,http"}, false},
		{"fix3 fwdPort comma list", "https://example.com:8443", hostFacts{host: "example.com", forwardedPort: "8443, 443"}, false},
		{"fix3 Host itself with a comma list is unparsable", "https://a.com", hostFacts{host: "a.com, b.com"}, true},

		// Unparsable or odd origins are cross-origin, never an error.
		{"unparsable Origin null", "null", hostFacts{host: "example.com"}, true},
		{"unparsable empty origin", "", hostFacts{host: "example.com"}, true},
		{"unparsable relative origin", "/path", hostFacts{host: "example.com"}, true},
		{"unparsable scheme-relative origin", "//example.com", hostFacts{host: "example.com"}, true},
		{"unparsable opaque https:example.com", "https:example.com", hostFacts{host: "example.com"}, true},
		{"unparsable bad escape", "http://ex%41mple.com", hostFacts{host: "example.com"}, true},
		{"unparsable port out of range", "https://example.com:99999", hostFacts{host: "example.com:99999"}, true},
		{"other scheme is cross-origin", "ftp://example.com", hostFacts{host: "example.com"}, true},
		{"chrome-extension origin", "chrome-extension://abcdef", hostFacts{host: "abcdef"}, true},

		// Unparsable host side is cross-origin (fail closed).
		{"empty host", "https://example.com", hostFacts{}, true},
		{"host with path", "https://example.com", hostFacts{host: "example.com/x"}, true},
		{"host with userinfo", "https://example.com", hostFacts{host: "u@example.com"}, true},
		{"host bad port", "https://example.com", hostFacts{host: "example.com:abc"}, true},
		{"forwarded port not a number", "https://example.com", hostFacts{host: "example.com", forwardedPort: "abc"}, true},
		{"IPv6 host without brackets", "http://[::1]", hostFacts{host: "::1"}, true},
		{"IPv6 unterminated bracket", "http://[::1]", hostFacts{host: "[::1"}, true},

		// Paths, queries and IPv6 details.
		{"referer path and query ignored", "https://example.com/sign-in?x=1#f", hostFacts{host: "example.com"}, false},
		{"IPv6 with port", "http://[::1]:3000", hostFacts{host: "[::1]:3000"}, false},
		{"IPv6 different port", "http://[::1]:3000", hostFacts{host: "[::1]:3001"}, true},
		{"IPv6 compared as address", "http://[0:0::1]", hostFacts{host: "[::1]"}, false},
		{"IPv6 vs IPv4", "http://[::1]", hostFacts{host: "127.0.0.1"}, true},
		{"IPv4", "http://127.0.0.1:8080", hostFacts{host: "127.0.0.1:8080"}, false},
		{"host uppercase", "https://example.com", hostFacts{host: "EXAMPLE.com"}, false},
		{"non-ASCII compared as lowercased Unicode", "https://BÜCHER.example", hostFacts{host: "bücher.example"}, false},
		{"non-ASCII vs punycode is cross-origin (no IDNA)", "https://bücher.example", hostFacts{host: "xn--bcher-kva.example"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := isCrossOrigin(tt.origin, tt.h); got != tt.want {
				t.Errorf("isCrossOrigin(%q, %+v) = %v, want %v", tt.origin, tt.h, got, tt.want)
			}
		})
	}
}

// FuzzCrossOrigin feeds arbitrary origins and host-side headers to
// isCrossOrigin. It must never panic, and whenever both the host and
// scheme://host parse, the request must be same-origin with itself.
//
//	go test -run '^$' -fuzz '^FuzzCrossOrigin$' -fuzztime 1000000x ./verifier
func FuzzCrossOrigin(f *testing.F) {
	f.Add("https://localhost:443", "localhost", "", "", "")
	f.Add("http://[::1]", "[::1]", "", "", "")
	f.Add("http://localhost:3000", "127.0.0.1:3000", "localhost:3000", "", "")
	f.Add("https://localhost", "someserver", "localhost", "", "http")
	f.Add("null", "example.com", "a.com, b.com", "443, 80", "https, http")
	f.Add("https://user:pw@Example.COM/p?q#f", "example.com:443", "", "0443", "HTTPS:")
	f.Add("http://[fe80::1%25eth0]:8080", "[fe80::1%eth0]:8080", "", "", "http")
	f.Fuzz(func(t *testing.T, origin, host, fwdHost, fwdPort, fwdProto string) {
		h := hostFacts{host: host, forwardedHost: fwdHost, forwardedPort: fwdPort, forwardedProto: fwdProto}
		got := isCrossOrigin(origin, h)
		if got != isCrossOrigin(origin, h) {
			t.Fatalf("isCrossOrigin(%q, %+v) is not deterministic", origin, h)
		}
		for _, scheme := range []string{"http", "https"} {
			self := hostFacts{host: host, forwardedProto: scheme}
			if _, ok := parseHostPort(scheme, strings.TrimSpace(host)); !ok {
				continue
			}
			if _, ok := parseOriginURL(scheme + "://" + strings.TrimSpace(host)); !ok {
				continue
			}
			if isCrossOrigin(scheme+"://"+strings.TrimSpace(host), self) {
				t.Fatalf("%s://%s is cross-origin with its own Host %q", scheme, host, host)
			}
		}
	})
}
