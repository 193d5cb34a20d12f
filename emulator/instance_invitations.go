package emulator

import (
	"net/http"
	"strings"
)

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

func (e *Emulator) listInvitations(r *http.Request, _ *noBody) (int, any, error) {
	status := r.URL.Query().Get("status")
	out := []invitationJSON{}
	for _, inv := range sorted(e.st.invitations) {
		if status == "" || inv.status == status {
			out = append(out, invitationView(inv))
		}
	}
	return http.StatusOK, out, nil
}

// createInvitationRequest is the body of POST /v1/invitations.
type createInvitationRequest struct {
	EmailAddress   *string        `json:"email_address"`
	RedirectURL    *string        `json:"redirect_url"`
	PublicMetadata map[string]any `json:"public_metadata"`
	Notify         *bool          `json:"notify"`
	IgnoreExisting *bool          `json:"ignore_existing"`
}

func (e *Emulator) createInvitation(r *http.Request, req *createInvitationRequest) (int, any, error) {
	if err := requireEmail(req.EmailAddress); err != nil {
		return 0, nil, err
	}
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

func (e *Emulator) revokeInvitation(r *http.Request, _ *noBody) (int, any, error) {
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
