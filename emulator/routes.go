package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// apiFunc is a Backend API handler: it returns the status and the value to
// encode as JSON, or an error (an *apiError, or anything else for a 500).
type apiFunc func(r *http.Request) (int, any, error)

func (f apiFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes+1)
	status, v, err := f(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, status, v)
}

// routes builds the mux. Patterns use Go's method+path syntax; the catch-all
// "/" answers every unknown route (and known paths with another method) with
// a 404 Clerk error.
func (e *Emulator) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, f apiFunc) { mux.Handle(pattern, f) }

	mux.HandleFunc("GET /.well-known/jwks.json", e.serveJWKS)
	mux.Handle("/", apiFunc(func(*http.Request) (int, any, error) { return 0, nil, errNotFound("resource") }))

	handle("GET /v1/jwks", func(*http.Request) (int, any, error) { return http.StatusOK, e.jwks(), nil })
	mux.HandleFunc("GET /v1/internal/interstitial", serveInterstitial)

	e.userRoutes(handle)
	e.sessionRoutes(handle)
	e.organizationRoutes(handle)
	e.resourceRoutes(handle)
	e.machineRoutes(handle)
	return e.authenticate(mux)
}

func (e *Emulator) userRoutes(handle func(string, apiFunc)) {
	handle("GET /v1/users", e.listUsers)
	handle("POST /v1/users", e.createUser)
	handle("GET /v1/users/count", e.countUsers)
	handle("GET /v1/users/{id}", e.getUser)
	handle("PATCH /v1/users/{id}", e.updateUser)
	handle("DELETE /v1/users/{id}", e.deleteUser)
	handle("PATCH /v1/users/{id}/metadata", e.updateUserMetadata)
	handle("POST /v1/users/{id}/ban", e.setBanned(true))
	handle("POST /v1/users/{id}/unban", e.setBanned(false))
	handle("POST /v1/users/{id}/verify_password", e.verifyPassword)
	handle("DELETE /v1/users/{id}/mfa", e.disableMFA)
	handle("GET /v1/users/{id}/organization_memberships", e.listUserMemberships)
	handle("GET /v1/users/{id}/oauth_access_tokens/{provider}", e.listUserOAuthTokens)
}

func (e *Emulator) sessionRoutes(handle func(string, apiFunc)) {
	handle("GET /v1/sessions", e.listSessions)
	handle("POST /v1/sessions", e.createSession)
	handle("GET /v1/sessions/{id}", e.getSession)
	handle("POST /v1/sessions/{id}/revoke", e.revokeSession)
	handle("POST /v1/sessions/{id}/verify", e.verifySession)
	handle("POST /v1/sessions/{id}/tokens", e.createSessionToken)
	handle("POST /v1/sessions/{id}/tokens/{template}", e.createSessionToken)
}

// authenticate requires "Authorization: Bearer <secret key>" on every /v1
// route, compared in constant time. The public JWKS stays open.
func (e *Emulator) authenticate(next http.Handler) http.Handler {
	// Comparing digests keeps the comparison constant-time in the key length too.
	want := sha256.Sum256([]byte(e.secretKey))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/jwks.json" {
			next.ServeHTTP(w, r)
			return
		}
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			writeError(w, &apiError{status: http.StatusUnauthorized, code: "authorization_header_format_invalid",
				message: "Invalid authorization header format",
				long:    `The Authorization header must be "Bearer <secret key>"`})
			return
		}
		got := sha256.Sum256([]byte(token))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			writeError(w, &apiError{status: http.StatusUnauthorized, code: "clerk_key_invalid",
				message: "The provided Clerk Secret Key is invalid.",
				long:    "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct."})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serveJWKS answers the unauthenticated Frontend-API style JWKS.
func (e *Emulator) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, http.StatusOK, e.jwks())
}

const interstitialHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>Clerk interstitial (authsvc emulator)</title>
</head>
<body>
<!-- authsvc emulator interstitial: there is no Frontend API to refresh the session, so this page only explains itself. -->
<p>Your session needs to be refreshed. The authsvc development emulator has no Frontend API; mint a fresh session token and retry.</p>
</body>
</html>
`

func serveInterstitial(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(interstitialHTML))
}
