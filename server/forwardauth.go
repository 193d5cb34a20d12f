package server

import (
	"net/http"
	"strconv"
)

// ForwardAuthHandler returns the handler of /forward-auth, for nginx
// auth_request, Traefik ForwardAuth and Caddy forward_auth: any method,
// the same decision as Check from the subrequest's headers. The original
// host is X-Forwarded-Host (else Host), the scheme X-Forwarded-Proto, the
// path X-Forwarded-Uri or X-Original-URI (with neither, with both saying
// different things, or with either given twice, the request is never on a
// public path: see requestHeaders.forwardedPath). It answers 200 with the
// identity headers (X-Clerk-User-Id, …), 401 with the JSON body or, for a
// browser that accepts text/html and an interstitial state, the
// interstitial page, 503 when no verification key can be had, and 400
// beyond the input bounds.
// Every answer carries Cache-Control: no-store. The handler does not read
// the request body. Safe for concurrent use.
func (s *Server) ForwardAuthHandler() http.Handler {
	return http.HandlerFunc(s.serveForwardAuth)
}

func (s *Server) serveForwardAuth(w http.ResponseWriter, r *http.Request) {
	var h requestHeaders
	for name, values := range r.Header {
		lower := lowerName(name)
		for _, v := range values {
			h.add(lower, v)
		}
	}
	h.add("host", r.Host) // net/http moves Host out of the header map
	var a edgeAnswer
	if er, err := newEdgeRequest(&h, h.forwardedPath()); err != nil {
		a = invalidAnswer(err)
	} else {
		a = s.edgeDecide(r.Context(), er)
	}
	s.recordEdge(edgeKindForwardAuth, a.decision)
	a.writeHTTP(w)
}

// writeHTTP writes a as the forward-auth response.
func (a *edgeAnswer) writeHTTP(w http.ResponseWriter) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	if a.claims != nil {
		hs, n := identityHeaders(a.claims)
		for _, h := range hs[:n] {
			hdr.Set(h.name, h.value)
		}
	}
	for _, h := range a.headers {
		hdr.Set(h.name, h.value)
	}
	if a.contentType != "" {
		hdr.Set(headerContentType, a.contentType)
		hdr.Set("Content-Length", strconv.Itoa(len(a.body)))
		hdr.Set("X-Content-Type-Options", "nosniff")
	}
	w.WriteHeader(a.httpStatus)
	if a.body != "" {
		_, _ = w.Write([]byte(a.body))
	}
}
