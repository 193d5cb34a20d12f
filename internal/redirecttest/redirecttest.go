// Package redirecttest serves, for tests, an HTTP origin that answers every
// request with a redirect to a second server, which counts the requests
// that reach it: a client that must not follow redirects (the ones that
// carry Clerk's secret key, internal/noredirect) is pointed at the first
// and the second must count none.
//
// It is for tests only: nothing in the service imports it.
package redirecttest

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Server starts the two servers, closed when t ends, and returns the
// redirecting origin's URL and the count of requests the target got. A
// redirect keeps the request's path.
func Server(t testing.TB) (url string, reached func() int32) {
	t.Helper()
	var n atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { n.Add(1) }))
	t.Cleanup(target.Close)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(origin.Close)
	return origin.URL, n.Load
}
