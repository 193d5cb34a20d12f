// Package noredirect keeps the HTTP clients that carry Clerk's secret key
// (the JWKS fetch, the Backend API) from following redirects. Go's client
// follows them by default and resends the Authorization header to the same
// host, https to http included; Clerk never redirects these requests, so a
// redirect is an error.
//
// It is for those two clients only; it sets no timeout and changes nothing
// else of a client.
package noredirect

import "net/http"

// Client returns hc when it has a redirect policy of its own, and
// otherwise a copy of hc whose redirects fail with refused (a caller's
// client, a traced one say, is not changed under it). hc must not be nil.
func Client(hc *http.Client, refused error) *http.Client {
	if hc.CheckRedirect != nil {
		return hc
	}
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return refused }
	return &c
}
