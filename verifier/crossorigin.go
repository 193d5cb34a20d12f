package verifier

import (
	"net/netip"
	"strconv"
	"strings"
)

// This file is the original's checkCrossOrigin (backend-core-spec §2.5) with
// the fixes of DESIGN.md "GetAuthState" and spec §6 items 1–3:
//
//   - the forwarded proto is compared as a scheme name, without the colon;
//   - the host side's scheme is the forwarded proto, https when absent, and
//     each side's default port (80 for http, 443 for https) is normalised
//     with that side's own scheme;
//   - comma lists in X-Forwarded-Host/-Proto/-Port use their first element;
//   - hostnames are compared case-insensitively, userinfo, path, query and
//     fragment are ignored, and IPv6 literals are compared as addresses;
//   - anything that cannot be parsed, on either side, is cross-origin: the
//     function answers true or false and never fails.
//
// Without a forwarded proto the schemes are not compared at all (the
// original never compared them either, and its own test "is not CO with
// IPv6" pins http://[::1] against Host [::1] as same-origin); the assumed
// https only decides which host-side port is the default one.
//
// Hostnames are compared with strings.EqualFold. golang.org/x/net/idna is not
// a dependency, so a non-ASCII hostname is not IDNA-encoded: it is compared
// case-folded as Unicode, and "bücher.example" is therefore a different
// origin from its punycode form "xn--bcher-kva.example" (fail closed:
// cross-origin).

// hostFacts are the request's own host-side facts for the cross-origin check.
type hostFacts struct {
	host, forwardedHost, forwardedPort, forwardedProto string
}

// endpoint is one side of the comparison after normalisation. port is 0 when
// it is absent or the default port of scheme.
type endpoint struct {
	scheme   string
	hostname string
	port     int
}

// isCrossOrigin reports whether rawURL (an Origin or Referer value) names a
// different origin than the request's own host. true means cross-origin; an
// unparsable value on either side is cross-origin.
func isCrossOrigin(rawURL string, h hostFacts) bool {
	origin, ok := parseOriginURL(rawURL)
	if !ok {
		return true
	}
	// Step 1 (fixed): a forwarded proto is compared as a scheme, no colon.
	scheme := "https"
	if p := firstListElement(h.forwardedProto); p != "" {
		scheme = strings.ToLower(strings.TrimSuffix(p, ":"))
		if scheme != origin.scheme {
			return true
		}
	}
	// Step 2 (fixed): the host side, from the first forwarded host or Host.
	hostValue := firstListElement(h.forwardedHost)
	if hostValue == "" {
		hostValue = strings.TrimSpace(h.host)
	}
	self, ok := parseHostPort(scheme, hostValue)
	if !ok {
		return true
	}
	// Step 3 (fixed): a forwarded port overrides the host's port.
	if p := firstListElement(h.forwardedPort); p != "" {
		if self.port, ok = parsePort(scheme, p); !ok {
			return true
		}
	}
	// Steps 4 and 5: port, then hostname.
	return self.port != origin.port || !sameHostname(self.hostname, origin.hostname)
}

// parseOriginURL parses an Origin or Referer value: an absolute http or
// https URL with a host. Userinfo, path, query and fragment are ignored; the
// authority is then read by the same parser as the Host header, so both
// sides normalise alike. "null", relative references, "https:host" without
// slashes, other schemes and percent-escaped hosts do not qualify. It does
// not allocate (this runs on every request that carries an Origin).
func parseOriginURL(raw string) (endpoint, bool) {
	raw = strings.TrimSpace(raw)
	i := strings.Index(raw, "://")
	if i < 0 {
		return endpoint{}, false
	}
	var scheme string
	switch {
	case strings.EqualFold(raw[:i], "https"):
		scheme = "https"
	case strings.EqualFold(raw[:i], "http"):
		scheme = "http"
	default:
		return endpoint{}, false
	}
	authority := raw[i+3:]
	if end := strings.IndexAny(authority, "/?#\\"); end >= 0 {
		authority = authority[:end]
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		authority = authority[at+1:]
	}
	return parseHostPort(scheme, authority)
}

// parseHostPort parses a Host or X-Forwarded-Host value: "name", "name:port",
// "[v6]" or "[v6]:port". Anything with a path, userinfo or an empty name is
// rejected.
func parseHostPort(scheme, hp string) (endpoint, bool) {
	if hp == "" || strings.ContainsAny(hp, "/\\?#@ \t") {
		return endpoint{}, false
	}
	name, portStr := hp, ""
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return endpoint{}, false
		}
		name, portStr = hp[1:end], hp[end+1:]
		if portStr != "" {
			if portStr[0] != ':' {
				return endpoint{}, false
			}
			portStr = portStr[1:]
		}
		if _, err := netip.ParseAddr(name); err != nil || !strings.Contains(name, ":") {
			return endpoint{}, false
		}
	} else if strings.Count(hp, ":") > 1 {
		return endpoint{}, false // an IPv6 literal needs its brackets
	} else if i := strings.IndexByte(hp, ':'); i >= 0 {
		name, portStr = hp[:i], hp[i+1:]
	}
	if name == "" || !validHostname(name) {
		return endpoint{}, false
	}
	port, ok := parsePort(scheme, portStr)
	if !ok {
		return endpoint{}, false
	}
	return endpoint{scheme: scheme, hostname: name, port: port}, true
}

// parsePort parses a decimal port (0–65535, leading zeros allowed as WHATWG
// does) and maps "" and scheme's default port to 0.
func parsePort(scheme, s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	if len(s) > 5 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 65535 {
		return 0, false
	}
	if (scheme == "http" && n == 80) || (scheme == "https" && n == 443) {
		return 0, true
	}
	return n, true
}

// validHostname rejects control characters and characters that cannot occur
// in a host, so a header such as "a.com, b.com" or "x\x00y" never matches.
// An IPv6 literal (with or without brackets) passes when it parses.
func validHostname(name string) bool {
	if strings.Contains(name, ":") {
		_, err := netip.ParseAddr(name)
		return err == nil
	}
	for _, r := range name {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`,;"<>[]{}|^%`+"`", r) {
			return false
		}
	}
	return true
}

// sameHostname compares two hostnames: IP literals as addresses (so
// "::1" equals "0:0::1"), anything else with Unicode case folding
// (strings.EqualFold; exactly ASCII case-insensitivity for ASCII names).
func sameHostname(a, b string) bool {
	if ipA, err := netip.ParseAddr(a); err == nil {
		ipB, err := netip.ParseAddr(b)
		return err == nil && ipA == ipB
	}
	return strings.EqualFold(a, b)
}

// firstListElement returns the first comma-separated element of a header
// value, trimmed of spaces and tabs.
func firstListElement(v string) string {
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return strings.Trim(v, " \t")
}
