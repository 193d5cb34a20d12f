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

// noBody is the request type of handlers that take no body: an empty body
// (or {}) decodes into it, and any key is form_param_unknown.
type noBody struct{}

// handle adapts a handler that runs with e.mu held: it decodes the request
// body into a fresh Req (decodeBody's rules), takes the lock, calls f, and,
// when f changed the state (any method but GET) and succeeded, saves the
// state (persist.go) before the answer goes out.
func handle[Req any](e *Emulator, f func(r *http.Request, req *Req) (int, any, error)) apiFunc {
	return func(r *http.Request) (int, any, error) {
		req := new(Req)
		if err := decodeBody(r, req); err != nil {
			return 0, nil, err
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		status, v, err := f(r, req)
		if err != nil || r.Method == http.MethodGet {
			return status, v, err
		}
		if err := e.saveLocked(); err != nil {
			return 0, nil, err
		}
		return status, v, nil
	}
}

// routes builds the mux from the one route table below: the whole Backend
// API the emulator serves, in the grouping every package uses (users,
// sessions, organizations, identifications, instance, machine). Patterns use
// Go's method+path syntax; the catch-all "/" answers every unknown route (and
// known paths with another method) with a 404 Clerk error.
func (e *Emulator) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range e.routeTable() {
		mux.Handle(rt.pattern, rt.h)
	}
	mux.Handle("/", apiFunc(func(*http.Request) (int, any, error) { return 0, nil, errNotFound("resource") }))
	return e.authenticate(mux)
}

// route is one row of the route table.
type route struct {
	pattern string
	h       http.Handler
}

func (e *Emulator) routeTable() []route {
	return []route{
		// users: /users and everything under /users/{id}
		{"GET /v1/users", handle(e, e.listUsers)},
		{"POST /v1/users", handle(e, e.createUser)},
		{"GET /v1/users/count", handle(e, e.countUsers)},
		{"GET /v1/users/{id}", handle(e, e.getUser)},
		{"PATCH /v1/users/{id}", handle(e, e.updateUser)},
		{"DELETE /v1/users/{id}", handle(e, e.deleteUser)},
		{"PATCH /v1/users/{id}/metadata", handle(e, e.updateUserMetadata)},
		{"POST /v1/users/{id}/ban", e.setBanned(true)},
		{"POST /v1/users/{id}/unban", e.setBanned(false)},
		{"POST /v1/users/{id}/verify_password", apiFunc(e.verifyPassword)},
		{"DELETE /v1/users/{id}/mfa", handle(e, e.disableMFA)},
		{"GET /v1/users/{id}/oauth_access_tokens/{provider}", handle(e, e.listUserOAuthTokens)},
		{"GET /v1/users/{id}/organization_memberships", handle(e, e.listUserMemberships)},

		// sessions: sessions, clients, sign-in tokens
		{"GET /v1/sessions", handle(e, e.listSessions)},
		{"POST /v1/sessions", handle(e, e.createSession)},
		{"GET /v1/sessions/{id}", handle(e, e.getSession)},
		{"POST /v1/sessions/{id}/revoke", handle(e, e.revokeSession)},
		{"POST /v1/sessions/{id}/verify", handle(e, e.verifySession)},
		{"POST /v1/sessions/{id}/tokens", handle(e, e.createSessionToken)},
		{"POST /v1/sessions/{id}/tokens/{template}", handle(e, e.createSessionToken)},
		{"GET /v1/clients", handle(e, e.listClients)},
		{"POST /v1/clients/verify", handle(e, e.verifyClient)},
		{"GET /v1/clients/{id}", handle(e, e.getClient)},
		{"POST /v1/sign_in_tokens", handle(e, e.createSignInToken)},
		{"POST /v1/sign_in_tokens/{id}/revoke", handle(e, e.revokeSignInToken)},

		// organizations: organizations, memberships, invitations ({org} is an id or a slug)
		{"GET /v1/organizations", handle(e, e.listOrgs)},
		{"POST /v1/organizations", handle(e, e.createOrg)},
		{"GET /v1/organizations/{org}", handle(e, e.getOrg)},
		{"PATCH /v1/organizations/{org}", handle(e, e.updateOrg)},
		{"PATCH /v1/organizations/{org}/metadata", handle(e, e.updateOrgMetadata)},
		{"DELETE /v1/organizations/{org}", handle(e, e.deleteOrg)},
		{"GET /v1/organizations/{org}/memberships", handle(e, e.listMemberships)},
		{"POST /v1/organizations/{org}/memberships", handle(e, e.createMembership)},
		{"PATCH /v1/organizations/{org}/memberships/{user}", handle(e, e.updateMembership)},
		{"PATCH /v1/organizations/{org}/memberships/{user}/metadata", handle(e, e.updateMembershipMetadata)},
		{"DELETE /v1/organizations/{org}/memberships/{user}", handle(e, e.deleteMembership)},
		{"GET /v1/organizations/{org}/invitations", e.listOrgInvitations("")},
		{"GET /v1/organizations/{org}/invitations/pending", e.listOrgInvitations("pending")},
		{"POST /v1/organizations/{org}/invitations", handle(e, e.createOrgInvitation)},
		{"POST /v1/organizations/{org}/invitations/{inv}/revoke", handle(e, e.revokeOrgInvitation)},

		// identifications: email addresses, phone numbers
		{"POST /v1/email_addresses", handle(e, e.createEmailAddress)},
		{"GET /v1/email_addresses/{id}", handle(e, e.getEmailAddress)},
		{"PATCH /v1/email_addresses/{id}", handle(e, e.updateEmailAddress)},
		{"DELETE /v1/email_addresses/{id}", handle(e, e.deleteEmailAddress)},
		{"POST /v1/phone_numbers", handle(e, e.createPhoneNumber)},
		{"GET /v1/phone_numbers/{id}", handle(e, e.getPhoneNumber)},
		{"PATCH /v1/phone_numbers/{id}", handle(e, e.updatePhoneNumber)},
		{"DELETE /v1/phone_numbers/{id}", handle(e, e.deletePhoneNumber)},

		// instance: allowlist, invitations, redirect URLs, e-mails, SMS, interstitial, JWKS
		{"GET /v1/allowlist_identifiers", handle(e, e.listAllowlist)},
		{"POST /v1/allowlist_identifiers", handle(e, e.createAllowlist)},
		{"DELETE /v1/allowlist_identifiers/{id}", handle(e, e.deleteAllowlist)},
		{"GET /v1/invitations", handle(e, e.listInvitations)},
		{"POST /v1/invitations", handle(e, e.createInvitation)},
		{"POST /v1/invitations/{id}/revoke", handle(e, e.revokeInvitation)},
		{"GET /v1/redirect_urls", handle(e, e.listRedirectURLs)},
		{"POST /v1/redirect_urls", handle(e, e.createRedirectURL)},
		{"GET /v1/redirect_urls/{id}", handle(e, e.getRedirectURL)},
		{"DELETE /v1/redirect_urls/{id}", handle(e, e.deleteRedirectURL)},
		{"POST /v1/emails", handle(e, e.createEmail)},
		{"POST /v1/sms_messages", handle(e, e.createSMS)},
		{"GET /v1/internal/interstitial", http.HandlerFunc(serveInterstitial)},
		{"GET /v1/jwks", apiFunc(e.getJWKS)},
		{"GET /.well-known/jwks.json", http.HandlerFunc(e.serveJWKS)}, // open: no secret key needed

		// machine: M2M tokens, API keys, OAuth access tokens
		{"POST /v1/m2m_tokens", handle(e, e.createM2MToken)},
		{"POST /v1/m2m_tokens/verify", e.verifyMachineToken("machine_to_machine_token", "token")},
		{"POST /v1/m2m_tokens/{id}/revoke", e.revokeMachineToken("machine_to_machine_token")},
		{"POST /v1/api_keys", handle(e, e.createAPIKey)},
		{"POST /v1/api_keys/verify", e.verifyMachineToken("api_key", "secret")},
		{"POST /v1/api_keys/{id}/revoke", e.revokeMachineToken("api_key")},
		{"POST /v1/oauth_applications/access_tokens/verify", e.verifyMachineToken("clerk_idp_oauth_access_token", "access_token")},
	}
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

// getJWKS answers the secret-key authenticated GET /v1/jwks.
func (e *Emulator) getJWKS(*http.Request) (int, any, error) { return http.StatusOK, e.jwks(), nil }

// serveJWKS answers the unauthenticated Frontend-API style JWKS.
func (e *Emulator) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeJSON(w, http.StatusOK, e.jwks())
}
