package server

import (
	"fmt"
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
	facts := factsFromHeaders(h)
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
		lower := strings.ToLower(name)
		if len(value) > MaxHeaderBytes {
			return nil, invalidArgument("headers", fmt.Sprintf("header %q is longer than %d bytes", printableName(lower), MaxHeaderBytes))
		}
		if _, dup := out[lower]; dup {
			return nil, invalidArgument("headers", fmt.Sprintf("header %q is given twice with different case", printableName(lower)))
		}
		out[lower] = value
	}
	return out, nil
}

// factsFromHeaders reads the facts from lower-cased headers. Host falls back
// to the HTTP/2 :authority pseudo-header. Referer is read under its HTTP
// spelling only (not "referrer", the @clerk/edge bug of spec §6 item 23).
func factsFromHeaders(h map[string]string) verifier.Request {
	session, uat := parseSessionCookies(h["cookie"])
	host := h["host"]
	if host == "" {
		host = h[":authority"]
	}
	return verifier.Request{
		CookieToken:    session,
		ClientUAT:      uat,
		HeaderToken:    h["authorization"],
		Origin:         h["origin"],
		Host:           host,
		ForwardedHost:  h["x-forwarded-host"],
		ForwardedPort:  h["x-forwarded-port"],
		ForwardedProto: h["x-forwarded-proto"],
		Referrer:       h["referer"],
		UserAgent:      h["user-agent"],
	}
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
