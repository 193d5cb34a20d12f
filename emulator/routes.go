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
		{"GET /v1/users", apiFunc(e.listUsers)},
		{"POST /v1/users", apiFunc(e.createUser)},
		{"GET /v1/users/count", apiFunc(e.countUsers)},
		{"GET /v1/users/{id}", apiFunc(e.getUser)},
		{"PATCH /v1/users/{id}", apiFunc(e.updateUser)},
		{"DELETE /v1/users/{id}", apiFunc(e.deleteUser)},
		{"PATCH /v1/users/{id}/metadata", apiFunc(e.updateUserMetadata)},
		{"POST /v1/users/{id}/ban", e.setBanned(true)},
		{"POST /v1/users/{id}/unban", e.setBanned(false)},
		{"POST /v1/users/{id}/verify_password", apiFunc(e.verifyPassword)},
		{"DELETE /v1/users/{id}/mfa", apiFunc(e.disableMFA)},
		{"GET /v1/users/{id}/oauth_access_tokens/{provider}", apiFunc(e.listUserOAuthTokens)},
		{"GET /v1/users/{id}/organization_memberships", apiFunc(e.listUserMemberships)},

		// sessions: sessions, clients, sign-in tokens
		{"GET /v1/sessions", apiFunc(e.listSessions)},
		{"POST /v1/sessions", apiFunc(e.createSession)},
		{"GET /v1/sessions/{id}", apiFunc(e.getSession)},
		{"POST /v1/sessions/{id}/revoke", apiFunc(e.revokeSession)},
		{"POST /v1/sessions/{id}/verify", apiFunc(e.verifySession)},
		{"POST /v1/sessions/{id}/tokens", apiFunc(e.createSessionToken)},
		{"POST /v1/sessions/{id}/tokens/{template}", apiFunc(e.createSessionToken)},
		{"GET /v1/clients", apiFunc(e.listClients)},
		{"POST /v1/clients/verify", apiFunc(e.verifyClient)},
		{"GET /v1/clients/{id}", apiFunc(e.getClient)},
		{"POST /v1/sign_in_tokens", apiFunc(e.createSignInToken)},
		{"POST /v1/sign_in_tokens/{id}/revoke", apiFunc(e.revokeSignInToken)},

		// organizations: organizations, memberships, invitations ({org} is an id or a slug)
		{"GET /v1/organizations", apiFunc(e.listOrgs)},
		{"POST /v1/organizations", apiFunc(e.createOrg)},
		{"GET /v1/organizations/{org}", apiFunc(e.getOrg)},
		{"PATCH /v1/organizations/{org}", apiFunc(e.updateOrg)},
		{"PATCH /v1/organizations/{org}/metadata", apiFunc(e.updateOrgMetadata)},
		{"DELETE /v1/organizations/{org}", apiFunc(e.deleteOrg)},
		{"GET /v1/organizations/{org}/memberships", apiFunc(e.listMemberships)},
		{"POST /v1/organizations/{org}/memberships", apiFunc(e.createMembership)},
		{"PATCH /v1/organizations/{org}/memberships/{user}", apiFunc(e.updateMembership)},
		{"PATCH /v1/organizations/{org}/memberships/{user}/metadata", apiFunc(e.updateMembershipMetadata)},
		{"DELETE /v1/organizations/{org}/memberships/{user}", apiFunc(e.deleteMembership)},
		{"GET /v1/organizations/{org}/invitations", e.listOrgInvitations("")},
		{"GET /v1/organizations/{org}/invitations/pending", e.listOrgInvitations("pending")},
		{"POST /v1/organizations/{org}/invitations", apiFunc(e.createOrgInvitation)},
		{"POST /v1/organizations/{org}/invitations/{inv}/revoke", apiFunc(e.revokeOrgInvitation)},

		// identifications: email addresses, phone numbers
		{"POST /v1/email_addresses", apiFunc(e.createEmailAddress)},
		{"GET /v1/email_addresses/{id}", apiFunc(e.getEmailAddress)},
		{"PATCH /v1/email_addresses/{id}", apiFunc(e.updateEmailAddress)},
		{"DELETE /v1/email_addresses/{id}", apiFunc(e.deleteEmailAddress)},
		{"POST /v1/phone_numbers", apiFunc(e.createPhoneNumber)},
		{"GET /v1/phone_numbers/{id}", apiFunc(e.getPhoneNumber)},
		{"PATCH /v1/phone_numbers/{id}", apiFunc(e.updatePhoneNumber)},
		{"DELETE /v1/phone_numbers/{id}", apiFunc(e.deletePhoneNumber)},

		// instance: allowlist, invitations, redirect URLs, e-mails, SMS, interstitial, JWKS
		{"GET /v1/allowlist_identifiers", apiFunc(e.listAllowlist)},
		{"POST /v1/allowlist_identifiers", apiFunc(e.createAllowlist)},
		{"DELETE /v1/allowlist_identifiers/{id}", apiFunc(e.deleteAllowlist)},
		{"GET /v1/invitations", apiFunc(e.listInvitations)},
		{"POST /v1/invitations", apiFunc(e.createInvitation)},
		{"POST /v1/invitations/{id}/revoke", apiFunc(e.revokeInvitation)},
		{"GET /v1/redirect_urls", apiFunc(e.listRedirectURLs)},
		{"POST /v1/redirect_urls", apiFunc(e.createRedirectURL)},
		{"GET /v1/redirect_urls/{id}", apiFunc(e.getRedirectURL)},
		{"DELETE /v1/redirect_urls/{id}", apiFunc(e.deleteRedirectURL)},
		{"POST /v1/emails", apiFunc(e.createEmail)},
		{"POST /v1/sms_messages", apiFunc(e.createSMS)},
		{"GET /v1/internal/interstitial", http.HandlerFunc(serveInterstitial)},
		{"GET /v1/jwks", apiFunc(e.getJWKS)},
		{"GET /.well-known/jwks.json", http.HandlerFunc(e.serveJWKS)}, // open: no secret key needed

		// machine: M2M tokens, API keys, OAuth access tokens
		{"POST /v1/m2m_tokens", apiFunc(e.createM2MToken)},
		{"POST /v1/m2m_tokens/verify", e.verifyMachineToken("machine_to_machine_token", "token")},
		{"POST /v1/m2m_tokens/{id}/revoke", e.revokeMachineToken("machine_to_machine_token")},
		{"POST /v1/api_keys", apiFunc(e.createAPIKey)},
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
