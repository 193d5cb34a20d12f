package emulator

import (
	"net/http"
	"strings"
)

type orgInvitation struct {
	stamp
	id, orgID, email, role string
	status                 string // pending, accepted, revoked
	inviterUserID          string
	redirectURL            string
	publicMeta             map[string]any
	privateMeta            map[string]any
}

// orgInvitationJSON is Clerk's OrganizationInvitation resource.
type orgInvitationJSON struct {
	Object          string         `json:"object"`
	ID              string         `json:"id"`
	EmailAddress    string         `json:"email_address"`
	Role            string         `json:"role"`
	OrganizationID  string         `json:"organization_id"`
	InviterUserID   *string        `json:"inviter_user_id"`
	Status          string         `json:"status"`
	PublicMetadata  map[string]any `json:"public_metadata"`
	PrivateMetadata map[string]any `json:"private_metadata"`
	URL             *string        `json:"url"`
	CreatedAt       int64          `json:"created_at"`
	UpdatedAt       int64          `json:"updated_at"`
}

func orgInvitationView(inv *orgInvitation) orgInvitationJSON {
	return orgInvitationJSON{
		Object: "organization_invitation", ID: inv.id, EmailAddress: inv.email, Role: inv.role,
		OrganizationID: inv.orgID, InviterUserID: strOrNil(inv.inviterUserID), Status: inv.status,
		PublicMetadata: orEmpty(inv.publicMeta), PrivateMetadata: orEmpty(inv.privateMeta),
		URL: strOrNil(inv.redirectURL), CreatedAt: inv.createdAt, UpdatedAt: inv.updatedAt,
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
		for _, inv := range sorted(e.st.orgInvitations) {
			if inv.orgID == o.id && (status == "" || inv.status == status) {
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
		if _, ok := s.users[inviter]; !ok {
			return errParamValue("inviter_user_id", "inviter_user_id must be the id of an existing user")
		}
	}
	for _, inv := range s.orgInvitations {
		if inv.orgID == o.id && inv.status == "pending" && strings.EqualFold(inv.email, *req.EmailAddress) {
			return errDuplicate("there is already a pending invitation for this email address")
		}
	}
	for _, m := range s.orgMemberships(o.id) {
		emails, _ := s.userIdentifiers(s.users[m.userID])
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
		stamp: e.st.newStamp(e.nowMillis()), id: newID("orginv_"), orgID: o.id, email: *req.EmailAddress,
		role: *req.Role, status: "pending", inviterUserID: deref(req.InviterUserID),
		redirectURL: deref(req.RedirectURL), publicMeta: orEmpty(req.PublicMetadata),
		privateMeta: orEmpty(req.PrivateMetadata),
	}
	e.st.orgInvitations[inv.id] = inv
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
	inv, ok := e.st.orgInvitations[r.PathValue("inv")]
	if !ok || inv.orgID != o.id {
		return 0, nil, errNotFound("organization invitation")
	}
	if inv.status != "pending" {
		return 0, nil, errBadRequest("organization_invitation_not_pending",
			"only pending invitations can be revoked; this one is "+inv.status)
	}
	inv.status, inv.updatedAt = "revoked", e.nowMillis()
	return http.StatusOK, orgInvitationView(inv), nil
}
