// Package edgetest builds the requests a proxy sends authsvc at the edge,
// for tests, benchmarks and the load test: Envoy CheckRequests made with
// go-control-plane's types, as Envoy itself would send them.
package edgetest

import (
	"strconv"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
)

// Host is the host of every request built here.
const Host = "app.example.com"

// CheckRequest returns a CheckRequest for a GET of path on https://[Host]
// with headers (lower-case names, as Envoy sends them) in the headers map,
// plus the pseudo-headers and x-forwarded-proto Envoy adds.
func CheckRequest(path string, headers map[string]string) *authv3.CheckRequest {
	h := map[string]string{
		":authority": Host, ":method": "GET", ":path": path, ":scheme": "https",
		"x-forwarded-proto": "https",
	}
	for k, v := range headers {
		h[k] = v
	}
	return &authv3.CheckRequest{Attributes: &authv3.AttributeContext{
		Request: &authv3.AttributeContext_Request{Http: &authv3.AttributeContext_HttpRequest{
			Id: "edgetest", Method: "GET", Host: Host, Path: path, Scheme: "https", Protocol: "HTTP/2",
			Headers: h,
		}},
	}}
}

// SignedInCheckRequest is a browser's page load carrying the session token
// in its __session cookie, with __client_uat set to clientUAT (at or before
// the token's iat, so that a production authsvc that trusts the token's key
// signs it in).
func SignedInCheckRequest(token string, clientUAT int64) *authv3.CheckRequest {
	return CheckRequest("/dashboard?tab=1", map[string]string{
		"cookie":     "theme=dark; __session=" + token + "; __client_uat=" + strconv.FormatInt(clientUAT, 10),
		"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0",
		"accept":     "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
	})
}
