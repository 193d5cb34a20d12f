package server

import (
	"fmt"
	"iter"
	"slices"
	"strings"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// Input bounds of GetAuthState; a request beyond any of them is
// INVALID_ARGUMENT and is not evaluated.
const (
	// MaxHeaders is the most entries GetAuthStateRequest.headers may have.
	MaxHeaders = 100
	// MaxHeaderBytes bounds each header value and each explicit field.
	MaxHeaderBytes = 16 << 10
	// MaxHeaderNameBytes bounds each header name.
	MaxHeaderNameBytes = 256
	// MaxAuthorizedParties bounds authorized_parties, and
	// MaxAuthorizedPartyBytes each of its entries.
	MaxAuthorizedParties    = 100
	MaxAuthorizedPartyBytes = 2 << 10
)

// requestFacts turns a GetAuthStateRequest into the verifier's request
// facts: the headers map first (names case-insensitive, the Cookie header
// parsed for __session and __client_uat), then every explicit field that is
// present, which wins. It checks the input bounds and returns an
// INVALID_ARGUMENT status when one is exceeded.
func requestFacts(req *authsvcv1.GetAuthStateRequest) (verifier.Request, error) {
	h, err := lowerHeaders(req.GetHeaders())
	if err != nil {
		return verifier.Request{}, err
	}
	var rh requestHeaders
	for name, value := range h {
		rh.add(name, value)
	}
	facts := rh.facts()
	if err := applyExplicit(req, &facts); err != nil {
		return verifier.Request{}, err
	}
	if err := checkFactTokens(facts); err != nil {
		return verifier.Request{}, err
	}
	parties := req.GetAuthorizedParties()
	if len(parties) > MaxAuthorizedParties {
		return verifier.Request{}, invalidArgument("authorized_parties", fmt.Sprintf("more than %d entries", MaxAuthorizedParties))
	}
	for _, p := range parties {
		if len(p) > MaxAuthorizedPartyBytes {
			return verifier.Request{}, invalidArgument("authorized_parties", fmt.Sprintf("an entry is longer than %d bytes", MaxAuthorizedPartyBytes))
		}
	}
	facts.AuthorizedParties = parties
	return facts, nil
}

// lowerHeaders checks the headers map's bounds and returns it keyed by
// lower-case name. Two names that differ only in case are ambiguous (a map
// has no order to pick one by) and are rejected.
func lowerHeaders(in map[string]string) (map[string]string, error) {
	if len(in) > MaxHeaders {
		return nil, invalidArgument("headers", fmt.Sprintf("more than %d entries", MaxHeaders))
	}
	out := make(map[string]string, len(in))
	for name, value := range in {
		if len(name) > MaxHeaderNameBytes {
			return nil, invalidArgument("headers", fmt.Sprintf("a header name is longer than %d bytes", MaxHeaderNameBytes))
		}
		lower := lowerName(name)
		if len(value) > MaxHeaderBytes {
			return nil, invalidArgument("headers", fmt.Sprintf("header %q is longer than %d bytes", printableName(lower), MaxHeaderBytes))
		}
		if _, dup := out[lower]; dup {
			return nil, duplicateHeader(lower)
		}
		out[lower] = value
	}
	return out, nil
}

// duplicateHeader is the INVALID_ARGUMENT status for a headers map with
// two names that differ only in case, which are ambiguous: a map has no
// order to join or pick them by.
func duplicateHeader(lower string) error {
	return invalidArgument("headers", fmt.Sprintf("header %q is given twice with different case", printableName(lower)))
}

// caseDuplicate returns duplicateHeader's status when two of names fold
// to the same lower-case name, else nil.
func caseDuplicate(names iter.Seq[string]) error {
	seen := map[string]struct{}{}
	for name := range names {
		lower := lowerName(name)
		if _, dup := seen[lower]; dup {
			return duplicateHeader(lower)
		}
		seen[lower] = struct{}{}
	}
	return nil
}

// requestHeaders are the headers of one web request that decide its auth
// state, and at the edge its answer, gathered from whichever form the
// request came in: GetAuthState's headers map, an Envoy CheckRequest's
// headers or header_map, or a forward-auth subrequest's http.Header. It is
// the one place that says which header is which fact, so the three cannot
// disagree. The zero value is a request with no headers.
type requestHeaders struct {
	cookie, authorization, origin, host, authority string
	forwardedHost, forwardedPort, forwardedProto   string
	referer, userAgent                             string
	accept, pseudoPath, forwardedURI, originalURI  string
	clerk                                          []string // the x-clerk-* names present, lower case
	// uriHeaders counts the X-Forwarded-Uri and X-Original-URI headers
	// given (see forwardedPath).
	uriHeaders int
}

// add records one header; name must be lower case. A repeated header is
// joined to the earlier value as HTTP folds it: with "; " for Cookie,
// ", " for the rest. Referer is read under its HTTP spelling only (not
// "referrer", the @clerk/edge bug of spec §6 item 23).
func (h *requestHeaders) add(name, value string) {
	var dst *string
	sep := ", "
	switch name {
	case "cookie":
		dst, sep = &h.cookie, "; "
	case "authorization":
		dst = &h.authorization
	case "origin":
		dst = &h.origin
	case "host":
		dst = &h.host
	case ":authority":
		dst = &h.authority
	case "x-forwarded-host":
		dst = &h.forwardedHost
	case "x-forwarded-port":
		dst = &h.forwardedPort
	case "x-forwarded-proto":
		dst = &h.forwardedProto
	case "referer":
		dst = &h.referer
	case "user-agent":
		dst = &h.userAgent
	case "accept":
		dst = &h.accept
	case ":path":
		dst = &h.pseudoPath
	case "x-forwarded-uri":
		dst = &h.forwardedURI
		h.uriHeaders++
	case "x-original-uri":
		dst = &h.originalURI
		h.uriHeaders++
	default:
		if isClerkHeader(name) && !slices.Contains(h.clerk, name) {
			h.clerk = append(h.clerk, name)
		}
		return
	}
	if *dst == "" {
		*dst = value
	} else if value != "" {
		*dst += sep + value
	}
}

// forwardedPath is the path of the request a forward-auth subrequest asks
// about, from X-Forwarded-Uri (Traefik, Caddy) or X-Original-URI (nginx),
// or "" (never public) when the two say different things or either is
// given more than once. A proxy sets the one it knows, but it passes the
// client's own headers on too (nginx's auth_request does, unless each is
// overwritten), so a client could otherwise add X-Forwarded-Uri:
// /public/x to a request for /admin, and the proxy's path, or a second
// value appended to it, would lose to the client's. Whichever header the
// proxy sets, a client's disagreeing one now only makes the path unknown.
func (h *requestHeaders) forwardedPath() string {
	switch {
	case h.uriHeaders == 1:
		return h.forwardedURI + h.originalURI // one of them is empty
	case h.uriHeaders == 2 && h.forwardedURI != "" && h.forwardedURI == h.originalURI:
		return h.forwardedURI
	default:
		return ""
	}
}

// isClerkHeader reports whether name (lower case) is an x-clerk-* header
// name, also when it spells a dash as an underscore (x_clerk_user_id):
// CGI-style servers (WSGI, Rack, PHP) read both spellings as
// HTTP_X_CLERK_USER_ID, and Envoy passes underscored names on by default,
// so a client's x_clerk_user_id must be removed like its x-clerk-user-id.
func isClerkHeader(name string) bool {
	if len(name) < len(clerkHeaderPrefix) {
		return false
	}
	for i := 0; i < len(clerkHeaderPrefix); i++ {
		c := name[i]
		if c == '_' {
			c = '-'
		}
		if c != clerkHeaderPrefix[i] {
			return false
		}
	}
	return true
}

// facts returns the verifier's request facts. Host falls back to the HTTP/2
// :authority pseudo-header.
func (h *requestHeaders) facts() verifier.Request {
	session, uat := parseSessionCookies(h.cookie)
	host := h.host
	if host == "" {
		host = h.authority
	}
	return verifier.Request{
		CookieToken:    session,
		ClientUAT:      uat,
		HeaderToken:    h.authorization,
		Origin:         h.origin,
		Host:           host,
		ForwardedHost:  h.forwardedHost,
		ForwardedPort:  h.forwardedPort,
		ForwardedProto: h.forwardedProto,
		Referrer:       h.referer,
		UserAgent:      h.userAgent,
	}
}

// checkFactBounds applies GetAuthState's input bounds to facts gathered
// from headers: each value at most MaxHeaderBytes, each token at most
// MaxTokenBytes. Violations are INVALID_ARGUMENT statuses naming the fact.
func checkFactBounds(f verifier.Request) error {
	for _, v := range []struct{ name, value string }{
		{"cookie", f.CookieToken}, {"client_uat", f.ClientUAT}, {"authorization", f.HeaderToken},
		{"origin", f.Origin}, {"host", f.Host}, {"x-forwarded-host", f.ForwardedHost},
		{"x-forwarded-port", f.ForwardedPort}, {"x-forwarded-proto", f.ForwardedProto},
		{"referer", f.Referrer}, {"user-agent", f.UserAgent},
	} {
		if len(v.value) > MaxHeaderBytes {
			return invalidArgument(v.name, fmt.Sprintf("longer than %d bytes", MaxHeaderBytes))
		}
	}
	return checkFactTokens(f)
}

// applyExplicit overwrites facts with every explicit field that is present
// (proto3 optional), even when it is present and empty.
func applyExplicit(req *authsvcv1.GetAuthStateRequest, facts *verifier.Request) error {
	fields := []struct {
		name string
		v    *string
		dst  *string
	}{
		{"cookie_token", req.CookieToken, &facts.CookieToken},
		{"client_uat", req.ClientUat, &facts.ClientUAT},
		{"header_token", req.HeaderToken, &facts.HeaderToken},
		{"origin", req.Origin, &facts.Origin},
		{"host", req.Host, &facts.Host},
		{"forwarded_host", req.ForwardedHost, &facts.ForwardedHost},
		{"forwarded_port", req.ForwardedPort, &facts.ForwardedPort},
		{"forwarded_proto", req.ForwardedProto, &facts.ForwardedProto},
		{"referrer", req.Referrer, &facts.Referrer},
		{"user_agent", req.UserAgent, &facts.UserAgent},
	}
	for _, f := range fields {
		if f.v == nil {
			continue
		}
		if len(*f.v) > MaxHeaderBytes {
			return invalidArgument(f.name, fmt.Sprintf("longer than %d bytes", MaxHeaderBytes))
		}
		*f.dst = *f.v
	}
	return nil
}

// checkFactTokens bounds the two tokens, wherever they came from.
func checkFactTokens(f verifier.Request) error {
	if len(f.CookieToken) > MaxTokenBytes {
		return invalidArgument("cookie_token", fmt.Sprintf("longer than %d bytes", MaxTokenBytes))
	}
	if len(strings.TrimSpace(f.HeaderToken)) > MaxTokenBytes+len("Bearer ") {
		return invalidArgument("header_token", fmt.Sprintf("longer than %d bytes", MaxTokenBytes))
	}
	return nil
}

// parseSessionCookies reads __session and __client_uat from a Cookie header
// value: pairs separated by ";", spaces around names and values trimmed, one
// pair of surrounding double quotes removed, the first occurrence of a name
// winning (as Go's http.Request.Cookie and the npm cookie package do).
// Malformed pairs are skipped; nothing fails.
func parseSessionCookies(header string) (session, uat string) {
	var haveSession, haveUAT bool
	for part := range strings.SplitSeq(header, ";") {
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		name = strings.TrimSpace(name)
		value = strings.TrimSpace(value)
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		switch {
		case name == "__session" && !haveSession:
			session, haveSession = value, true
		case name == "__client_uat" && !haveUAT:
			uat, haveUAT = value, true
		}
		if haveSession && haveUAT {
			break
		}
	}
	return session, uat
}

// printableName shortens a header name for an error message and replaces
// anything outside printable ASCII.
func printableName(name string) string {
	if len(name) > 64 {
		name = name[:64]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, name)
}

// lowerName folds a header name's ASCII upper-case letters to lower case
// and leaves every other byte as it is. HTTP field names are tokens, ASCII
// by definition, and compare case-insensitively in ASCII only (RFC 9110
// §5.1); strings.ToLower would also fold Unicode, so that "coo\u212aie"
// (a Kelvin sign for the k) would have been read as the Cookie header. A
// name with any other byte now matches no header the decision reads. It
// checks eight bytes at a time and returns name itself when it has no
// upper-case letter, which is how proxies and gRPC metadata send names.
func lowerName(name string) string {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(name); i += 8 {
		x := uint64(name[i]) | uint64(name[i+1])<<8 | uint64(name[i+2])<<16 | uint64(name[i+3])<<24 |
			uint64(name[i+4])<<32 | uint64(name[i+5])<<40 | uint64(name[i+6])<<48 | uint64(name[i+7])<<56
		// Bytes of 0x80 and above are left alone: clear their high bit's
		// byte from the test. For the rest, adding 0x80-'A' (resp.
		// 0x80-'Z'-1) sets a byte's high bit exactly when it is >= 'A'
		// (resp. > 'Z'), without carries between bytes.
		ascii := ^x & highs
		y := x &^ highs
		if (y+(0x80-'A')*ones)&^(y+(0x80-'Z'-1)*ones)&ascii != 0 {
			return foldASCII(name, i)
		}
	}
	for ; i < len(name); i++ {
		if c := name[i]; c >= 'A' && c <= 'Z' {
			return foldASCII(name, i)
		}
	}
	return name
}

// foldASCII is name with its ASCII upper-case letters from i on in lower
// case.
func foldASCII(name string, i int) string {
	b := []byte(name)
	for ; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
