package emulator

import (
	"net/http"
	"net/url"
	"strings"
)

func (e *Emulator) resourceRoutes(handle func(string, apiFunc)) {
	handle("GET /v1/invitations", e.listInvitations)
	handle("POST /v1/invitations", e.createInvitation)
	handle("POST /v1/invitations/{id}/revoke", e.revokeInvitation)
	handle("GET /v1/allowlist_identifiers", e.listAllowlist)
	handle("POST /v1/allowlist_identifiers", e.createAllowlist)
	handle("DELETE /v1/allowlist_identifiers/{id}", e.deleteAllowlist)
	handle("GET /v1/redirect_urls", e.listRedirectURLs)
	handle("POST /v1/redirect_urls", e.createRedirectURL)
	handle("GET /v1/redirect_urls/{id}", e.getRedirectURL)
	handle("DELETE /v1/redirect_urls/{id}", e.deleteRedirectURL)
	e.identificationRoutes(handle)
	e.messageRoutes(handle)
}

type invitation struct {
	stamp
	id, email, status string // pending, accepted, revoked
	redirectURL       string
	publicMeta        map[string]any
}

// invitationJSON is Clerk's Invitation resource (object "invitation").
type invitationJSON struct {
	Object         string         `json:"object"`
	ID             string         `json:"id"`
	EmailAddress   string         `json:"email_address"`
	PublicMetadata map[string]any `json:"public_metadata"`
	Revoked        bool           `json:"revoked"`
	Status         string         `json:"status"`
	URL            *string        `json:"url"`
	CreatedAt      int64          `json:"created_at"`
	UpdatedAt      int64          `json:"updated_at"`
}

func invitationView(inv *invitation) invitationJSON {
	return invitationJSON{
		Object: "invitation", ID: inv.id, EmailAddress: inv.email, PublicMetadata: orEmpty(inv.publicMeta),
		Revoked: inv.status == "revoked", Status: inv.status, URL: strOrNil(inv.redirectURL),
		CreatedAt: inv.createdAt, UpdatedAt: inv.updatedAt,
	}
}

func (e *Emulator) listInvitations(r *http.Request) (int, any, error) {
	status := r.URL.Query().Get("status")
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []invitationJSON{}
	for _, inv := range sorted(e.st.invitations) {
		if status == "" || inv.status == status {
			out = append(out, invitationView(inv))
		}
	}
	return http.StatusOK, out, nil
}

func (e *Emulator) createInvitation(r *http.Request) (int, any, error) {
	var req struct {
		EmailAddress   *string        `json:"email_address"`
		RedirectURL    *string        `json:"redirect_url"`
		PublicMetadata map[string]any `json:"public_metadata"`
		Notify         *bool          `json:"notify"`
		IgnoreExisting *bool          `json:"ignore_existing"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.EmailAddress == nil || *req.EmailAddress == "" {
		return 0, nil, errParamMissing("email_address")
	}
	if !validEmail(*req.EmailAddress) {
		return 0, nil, errParamInvalid("email_address", "email_address must be a valid email address")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.st.emailTaken(*req.EmailAddress) {
		return 0, nil, errIdentifierExists("email_address")
	}
	for _, inv := range e.st.invitations {
		if inv.status == "pending" && strings.EqualFold(inv.email, *req.EmailAddress) &&
			(req.IgnoreExisting == nil || !*req.IgnoreExisting) {
			return 0, nil, errDuplicate("there is already a pending invitation for this email address")
		}
	}
	inv := &invitation{stamp: e.st.newStamp(e.nowMillis()), id: newID("inv_"), email: *req.EmailAddress,
		status: "pending", redirectURL: deref(req.RedirectURL), publicMeta: orEmpty(req.PublicMetadata)}
	e.st.invitations[inv.id] = inv
	return http.StatusOK, invitationView(inv), nil
}

func (e *Emulator) revokeInvitation(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	inv, ok := e.st.invitations[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("invitation")
	}
	if inv.status != "pending" {
		return 0, nil, errBadRequest("invitation_not_pending", "only pending invitations can be revoked; this one is "+inv.status)
	}
	inv.status, inv.updatedAt = "revoked", e.nowMillis()
	return http.StatusOK, invitationView(inv), nil
}

type allowlistIdentifier struct {
	stamp
	id, identifier, kind string
}

// allowlistJSON is Clerk's AllowlistIdentifier resource.
type allowlistJSON struct {
	Object         string  `json:"object"`
	ID             string  `json:"id"`
	Identifier     string  `json:"identifier"`
	IdentifierType string  `json:"identifier_type"`
	InvitationID   *string `json:"invitation_id"`
	CreatedAt      int64   `json:"created_at"`
	UpdatedAt      int64   `json:"updated_at"`
}

func allowlistView(a *allowlistIdentifier) allowlistJSON {
	return allowlistJSON{Object: "allowlist_identifier", ID: a.id, Identifier: a.identifier,
		IdentifierType: a.kind, CreatedAt: a.createdAt, UpdatedAt: a.updatedAt}
}

// identifierKind classifies an allowlist identifier, or returns "".
func identifierKind(s string) string {
	switch {
	case strings.HasPrefix(s, "*@") && validEmail("x"+s[1:]):
		return "email_address"
	case validEmail(s):
		return "email_address"
	case validPhone(s):
		return "phone_number"
	case strings.HasPrefix(s, "0x") && len(s) == 42:
		return "web3_wallet"
	}
	return ""
}

func (e *Emulator) listAllowlist(*http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []allowlistJSON{}
	for _, a := range sorted(e.st.allowlist) {
		out = append(out, allowlistView(a))
	}
	return http.StatusOK, out, nil
}

func (e *Emulator) createAllowlist(r *http.Request) (int, any, error) {
	var req struct {
		Identifier *string `json:"identifier"`
		Notify     *bool   `json:"notify"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Identifier == nil || *req.Identifier == "" {
		return 0, nil, errParamMissing("identifier")
	}
	kind := identifierKind(*req.Identifier)
	if kind == "" {
		return 0, nil, errParamInvalid("identifier", "identifier must be an email address, *@domain, phone number or web3 wallet")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.st.allowlist {
		if strings.EqualFold(a.identifier, *req.Identifier) {
			return 0, nil, errDuplicate("the identifier is already on the allowlist")
		}
	}
	a := &allowlistIdentifier{stamp: e.st.newStamp(e.nowMillis()), id: newID("alid_"),
		identifier: *req.Identifier, kind: kind}
	e.st.allowlist[a.id] = a
	return http.StatusOK, allowlistView(a), nil
}

func (e *Emulator) deleteAllowlist(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := r.PathValue("id")
	if _, ok := e.st.allowlist[id]; !ok {
		return 0, nil, errNotFound("allowlist identifier")
	}
	delete(e.st.allowlist, id)
	return http.StatusOK, deletedObject{Object: "allowlist_identifier", ID: id, Deleted: true}, nil
}

type redirectURL struct {
	stamp
	id, url string
}

// redirectURLJSON is Clerk's RedirectUrl resource (object "redirect_url").
type redirectURLJSON struct {
	Object    string `json:"object"`
	ID        string `json:"id"`
	URL       string `json:"url"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

func redirectURLView(u *redirectURL) redirectURLJSON {
	return redirectURLJSON{Object: "redirect_url", ID: u.id, URL: u.url, CreatedAt: u.createdAt, UpdatedAt: u.updatedAt}
}

func (e *Emulator) listRedirectURLs(*http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []redirectURLJSON{}
	for _, u := range sorted(e.st.redirectURLs) {
		out = append(out, redirectURLView(u))
	}
	return http.StatusOK, out, nil
}

func (e *Emulator) createRedirectURL(r *http.Request) (int, any, error) {
	var req struct {
		URL *string `json:"url"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.URL == nil || *req.URL == "" {
		return 0, nil, errParamMissing("url")
	}
	if u, err := url.Parse(*req.URL); err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
		return 0, nil, errParamInvalid("url", "url must be an absolute URL")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, u := range e.st.redirectURLs {
		if u.url == *req.URL {
			return 0, nil, errDuplicate("the redirect url already exists")
		}
	}
	u := &redirectURL{stamp: e.st.newStamp(e.nowMillis()), id: newID("ru_"), url: *req.URL}
	e.st.redirectURLs[u.id] = u
	return http.StatusOK, redirectURLView(u), nil
}

func (e *Emulator) getRedirectURL(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, ok := e.st.redirectURLs[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("redirect url")
	}
	return http.StatusOK, redirectURLView(u), nil
}

func (e *Emulator) deleteRedirectURL(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := r.PathValue("id")
	if _, ok := e.st.redirectURLs[id]; !ok {
		return 0, nil, errNotFound("redirect url")
	}
	delete(e.st.redirectURLs, id)
	return http.StatusOK, deletedObject{Object: "redirect_url", ID: id, Deleted: true}, nil
}
