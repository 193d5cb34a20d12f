package emulator

import (
	"net/http"
	"strings"
)

type invitation struct {
	stamp
	ID          string         `json:"id"`
	Email       string         `json:"email"`
	Status      string         `json:"status"` // pending, accepted, revoked
	RedirectURL string         `json:"redirect_url"`
	PublicMeta  map[string]any `json:"public_meta"`
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
		Object: "invitation", ID: inv.ID, EmailAddress: inv.Email, PublicMetadata: orEmpty(inv.PublicMeta),
		Revoked: inv.Status == "revoked", Status: inv.Status, URL: strOrNil(inv.RedirectURL),
		CreatedAt: inv.CreatedAt, UpdatedAt: inv.UpdatedAt,
	}
}

func (e *Emulator) listInvitations(r *http.Request, _ *noBody) (int, any, error) {
	status := r.URL.Query().Get("status")
	out := []invitationJSON{}
	for _, inv := range sorted(e.st.Invitations) {
		if status == "" || inv.Status == status {
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
	for _, inv := range e.st.Invitations {
		if inv.Status == "pending" && strings.EqualFold(inv.Email, *req.EmailAddress) &&
			(req.IgnoreExisting == nil || !*req.IgnoreExisting) {
			return 0, nil, errDuplicate("there is already a pending invitation for this email address")
		}
	}
	inv := &invitation{stamp: e.st.newStamp(e.nowMillis()), ID: newID("inv_"), Email: *req.EmailAddress,
		Status: "pending", RedirectURL: deref(req.RedirectURL), PublicMeta: orEmpty(req.PublicMetadata)}
	e.st.Invitations[inv.ID] = inv
	return http.StatusOK, invitationView(inv), nil
}

func (e *Emulator) revokeInvitation(r *http.Request, _ *noBody) (int, any, error) {
	inv, ok := e.st.Invitations[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("invitation")
	}
	if inv.Status != "pending" {
		return 0, nil, errBadRequest("invitation_not_pending", "only pending invitations can be revoked; this one is "+inv.Status)
	}
	inv.Status, inv.UpdatedAt = "revoked", e.nowMillis()
	return http.StatusOK, invitationView(inv), nil
}
