package emulator

import (
	"net/http"
	"strings"
)

type orgInvitation struct {
	stamp
	ID            string         `json:"id"`
	OrgID         string         `json:"org_id"`
	Email         string         `json:"email"`
	Role          string         `json:"role"`
	Status        string         `json:"status"` // pending, accepted, revoked
	InviterUserID string         `json:"inviter_user_id"`
	RedirectURL   string         `json:"redirect_url"`
	PublicMeta    map[string]any `json:"public_meta"`
	PrivateMeta   map[string]any `json:"private_meta"`
}

// orgInvitationJSON is Clerk's OrganizationInvitation resource.
type orgInvitationJSON struct {
	Object          string         `json:"object"`
	ID              string         `json:"id"`
	EmailAddress    string         `json:"email_address"`
	Role            string         `json:"role"`
	OrganizationID  string         `json:"organization_id"`
	Status          string         `json:"status"`
	PublicMetadata  map[string]any `json:"public_metadata"`
	PrivateMetadata map[string]any `json:"private_metadata"`
	CreatedAt       int64          `json:"created_at"`
	UpdatedAt       int64          `json:"updated_at"`
}

func orgInvitationView(inv *orgInvitation) orgInvitationJSON {
	return orgInvitationJSON{
		Object: "organization_invitation", ID: inv.ID, EmailAddress: inv.Email, Role: inv.Role,
		OrganizationID: inv.OrgID, Status: inv.Status,
		PublicMetadata: orEmpty(inv.PublicMeta), PrivateMetadata: orEmpty(inv.PrivateMeta),
		CreatedAt: inv.CreatedAt, UpdatedAt: inv.UpdatedAt,
	}
}

func (e *Emulator) listOrgInvitations(fixedStatus string) apiFunc {
	return handle(e, func(r *http.Request, _ *noBody) (int, any, error) {
		p, err := parsePage(r)
		if err != nil {
			return 0, nil, err
		}
		status := fixedStatus
		if status == "" {
			status = r.URL.Query().Get("status")
		}
		o, err := e.lookupOrg(r)
		if err != nil {
			return 0, nil, err
		}
		var all []orgInvitationJSON
		for _, inv := range sorted(e.st.OrgInvitations) {
			if inv.OrgID == o.ID && (status == "" || inv.Status == status) {
				all = append(all, orgInvitationView(inv))
			}
		}
		return http.StatusOK, paginate(all, p), nil
	})
}

// createOrgInvitationRequest is the body of POST /v1/organizations/{id}/invitations.
type createOrgInvitationRequest struct {
	InviterUserID   *string        `json:"inviter_user_id"`
	EmailAddress    *string        `json:"email_address"`
	Role            *string        `json:"role"`
	RedirectURL     *string        `json:"redirect_url"`
	PublicMetadata  map[string]any `json:"public_metadata"`
	PrivateMetadata map[string]any `json:"private_metadata"`
}

func (req *createOrgInvitationRequest) validate(s *store, o *organization) error {
	if err := requireEmail(req.EmailAddress); err != nil {
		return err
	}
	if req.Role == nil || *req.Role == "" {
		return errParamMissing("role")
	}
	if inviter := deref(req.InviterUserID); inviter != "" { // "" counts as absent
		if _, ok := s.Users[inviter]; !ok {
			return errParamValue("inviter_user_id", "inviter_user_id must be the id of an existing user")
		}
	}
	for _, inv := range s.OrgInvitations {
		if inv.OrgID == o.ID && inv.Status == "pending" && strings.EqualFold(inv.Email, *req.EmailAddress) {
			return errDuplicate("there is already a pending invitation for this email address")
		}
	}
	for _, m := range s.orgMemberships(o.ID) {
		emails, _ := s.userIdentifiers(s.Users[m.UserID])
		if containsFold(emails, *req.EmailAddress) {
			return &apiError{status: http.StatusBadRequest, code: "already_a_member_in_organization",
				message: "already a member", long: "a user with this email address is already a member"}
		}
	}
	return nil
}

func (e *Emulator) createOrgInvitation(r *http.Request, req *createOrgInvitationRequest) (int, any, error) {
	o, err := e.lookupOrg(r)
	if err != nil {
		return 0, nil, err
	}
	if err := req.validate(e.st, o); err != nil {
		return 0, nil, err
	}
	inv := &orgInvitation{
		stamp: e.st.newStamp(e.nowMillis()), ID: newID("orginv_"), OrgID: o.ID, Email: *req.EmailAddress,
		Role: *req.Role, Status: "pending", InviterUserID: deref(req.InviterUserID),
		RedirectURL: deref(req.RedirectURL), PublicMeta: orEmpty(req.PublicMetadata),
		PrivateMeta: orEmpty(req.PrivateMetadata),
	}
	e.st.OrgInvitations[inv.ID] = inv
	return http.StatusOK, orgInvitationView(inv), nil
}

// revokeOrgInvitationRequest is the body of POST /v1/organizations/{org}/invitations/{inv}/revoke.
type revokeOrgInvitationRequest struct {
	RequestingUserID *string `json:"requesting_user_id"`
}

func (e *Emulator) revokeOrgInvitation(r *http.Request, req *revokeOrgInvitationRequest) (int, any, error) {
	o, err := e.lookupOrg(r)
	if err != nil {
		return 0, nil, err
	}
	inv, ok := e.st.OrgInvitations[r.PathValue("inv")]
	if !ok || inv.OrgID != o.ID {
		return 0, nil, errNotFound("organization invitation")
	}
	if inv.Status != "pending" {
		return 0, nil, errBadRequest("organization_invitation_not_pending",
			"only pending invitations can be revoked; this one is "+inv.Status)
	}
	inv.Status, inv.UpdatedAt = "revoked", e.nowMillis()
	return http.StatusOK, orgInvitationView(inv), nil
}
