package emulator

import (
	"net/http"
)

type membership struct {
	stamp
	ID          string         `json:"id"`
	OrgID       string         `json:"org_id"`
	UserID      string         `json:"user_id"`
	Role        string         `json:"role"`
	PublicMeta  map[string]any `json:"public_meta"`
	PrivateMeta map[string]any `json:"private_meta"`
}

// publicUserDataJSON is the membership's nested public_user_data.
type publicUserDataJSON struct {
	UserID          string  `json:"user_id"`
	FirstName       *string `json:"first_name"`
	LastName        *string `json:"last_name"`
	ImageURL        string  `json:"image_url"`
	ProfileImageURL string  `json:"profile_image_url"`
	HasImage        bool    `json:"has_image"`
	Identifier      string  `json:"identifier"`
}

// membershipJSON is Clerk's OrganizationMembership resource.
type membershipJSON struct {
	Object          string             `json:"object"`
	ID              string             `json:"id"`
	Role            string             `json:"role"`
	Permissions     []string           `json:"permissions"`
	PublicMetadata  map[string]any     `json:"public_metadata"`
	PrivateMetadata map[string]any     `json:"private_metadata"`
	Organization    organizationJSON   `json:"organization"`
	PublicUserData  publicUserDataJSON `json:"public_user_data"`
	CreatedAt       int64              `json:"created_at"`
	UpdatedAt       int64              `json:"updated_at"`
}

// membershipView renders m. The caller holds e.mu.
func (s *store) membershipView(m *membership) membershipJSON {
	u := s.Users[m.UserID]
	ud := publicUserDataJSON{UserID: u.ID, FirstName: strOrNil(u.FirstName), LastName: strOrNil(u.LastName),
		ImageURL: defaultImageURL, ProfileImageURL: defaultImageURL, Identifier: s.identifier(u)}
	return membershipJSON{
		Object: "organization_membership", ID: m.ID, Role: m.Role, Permissions: permissionsFor(m.Role),
		PublicMetadata: orEmpty(m.PublicMeta), PrivateMetadata: orEmpty(m.PrivateMeta),
		Organization: s.orgView(s.Orgs[m.OrgID]), PublicUserData: ud,
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}
}

// identifier is the user's primary email, else phone, else username, else id.
func (s *store) identifier(u *user) string {
	if e, ok := s.Emails[u.PrimaryEmailID]; ok {
		return e.Address
	}
	if p, ok := s.Phones[u.PrimaryPhoneID]; ok {
		return p.Number
	}
	if u.Username != "" {
		return u.Username
	}
	return u.ID
}

// permissionsFor returns the system permissions Clerk grants the default
// roles; custom roles get none.
func permissionsFor(role string) []string {
	switch role {
	case "org:admin", "admin":
		return []string{"org:sys_domains:manage", "org:sys_domains:read", "org:sys_memberships:manage",
			"org:sys_memberships:read", "org:sys_profile:delete", "org:sys_profile:manage"}
	case "org:member", "basic_member":
		return []string{"org:sys_memberships:read"}
	default:
		return []string{}
	}
}

// addMembership stores a membership of userID in o. The caller holds e.mu
// and has checked that the user exists and is not yet a member.
func (s *store) addMembership(o *organization, userID, role string, now int64) *membership {
	m := &membership{stamp: s.newStamp(now), ID: newID("orgmem_"), OrgID: o.ID, UserID: userID, Role: role,
		PublicMeta: map[string]any{}, PrivateMeta: map[string]any{}}
	s.Memberships[m.ID] = m
	return m
}

func (s *store) orgMemberships(orgID string) []*membership {
	var out []*membership
	for _, m := range sorted(s.Memberships) {
		if m.OrgID == orgID {
			out = append(out, m)
		}
	}
	return out
}

// userMemberships returns the memberships of userID in creation order.
func (s *store) userMemberships(userID string) []*membership {
	var out []*membership
	for _, m := range sorted(s.Memberships) {
		if m.UserID == userID {
			out = append(out, m)
		}
	}
	return out
}

// membershipOf returns userID's membership in orgID, or nil.
func (s *store) membershipOf(orgID, userID string) *membership {
	for _, m := range s.Memberships {
		if m.OrgID == orgID && m.UserID == userID {
			return m
		}
	}
	return nil
}

// activeMembership returns the membership behind sess's active organization:
// the session's last active organization when the user is still a member,
// else the user's first membership (which becomes the active one), else nil.
func (s *store) activeMembership(sess *session) *membership {
	if sess.ActiveOrgID != "" {
		if m := s.membershipOf(sess.ActiveOrgID, sess.UserID); m != nil {
			return m
		}
	}
	ms := s.userMemberships(sess.UserID)
	if len(ms) == 0 {
		sess.ActiveOrgID = ""
		return nil
	}
	sess.ActiveOrgID = ms[0].OrgID
	return ms[0]
}

func (e *Emulator) listMemberships(r *http.Request, _ *noBody) (int, any, error) {
	p, err := parsePage(r)
	if err != nil {
		return 0, nil, err
	}
	o, err := e.lookupOrg(r)
	if err != nil {
		return 0, nil, err
	}
	var all []membershipJSON
	for _, m := range e.st.orgMemberships(o.ID) {
		all = append(all, e.st.membershipView(m))
	}
	return http.StatusOK, paginate(all, p), nil
}

// createMembershipRequest is the body of POST /v1/organizations/{org}/memberships.
type createMembershipRequest struct {
	UserID *string `json:"user_id"`
	Role   *string `json:"role"`
}

func (e *Emulator) createMembership(r *http.Request, req *createMembershipRequest) (int, any, error) {
	if req.UserID == nil || *req.UserID == "" {
		return 0, nil, errParamMissing("user_id")
	}
	if req.Role == nil || *req.Role == "" {
		return 0, nil, errParamMissing("role")
	}
	o, err := e.lookupOrg(r)
	if err != nil {
		return 0, nil, err
	}
	if _, ok := e.st.Users[*req.UserID]; !ok {
		return 0, nil, errNotFound("user")
	}
	if e.st.membershipOf(o.ID, *req.UserID) != nil {
		return 0, nil, &apiError{status: http.StatusBadRequest, code: "already_a_member_in_organization",
			message: "already a member", long: "the user is already a member of the organization"}
	}
	if o.MaxMemberships > 0 && len(e.st.orgMemberships(o.ID)) >= o.MaxMemberships {
		return 0, nil, &apiError{status: http.StatusForbidden, code: "organization_membership_quota_exceeded",
			message: "membership quota exceeded", long: "the organization has reached its maximum number of memberships"}
	}
	m := e.st.addMembership(o, *req.UserID, *req.Role, e.nowMillis())
	return http.StatusOK, e.st.membershipView(m), nil
}

// lookupMembership finds the membership named by the path's {org} and
// {user}. The caller holds e.mu.
func (e *Emulator) lookupMembership(r *http.Request) (*membership, error) {
	o, err := e.lookupOrg(r)
	if err != nil {
		return nil, err
	}
	m := e.st.membershipOf(o.ID, r.PathValue("user"))
	if m == nil {
		return nil, errNotFound("organization membership")
	}
	return m, nil
}

// updateMembershipRequest is the body of PATCH /v1/organizations/{org}/memberships/{user}.
type updateMembershipRequest struct {
	Role *string `json:"role"`
}

func (e *Emulator) updateMembership(r *http.Request, req *updateMembershipRequest) (int, any, error) {
	if req.Role == nil || *req.Role == "" {
		return 0, nil, errParamMissing("role")
	}
	m, err := e.lookupMembership(r)
	if err != nil {
		return 0, nil, err
	}
	m.Role, m.UpdatedAt = *req.Role, e.nowMillis()
	return http.StatusOK, e.st.membershipView(m), nil
}

func (e *Emulator) updateMembershipMetadata(r *http.Request, req *orgMetadataRequest) (int, any, error) {
	m, err := e.lookupMembership(r)
	if err != nil {
		return 0, nil, err
	}
	m.PublicMeta = mergeMetadata(m.PublicMeta, req.PublicMetadata)
	m.PrivateMeta = mergeMetadata(m.PrivateMeta, req.PrivateMetadata)
	m.UpdatedAt = e.nowMillis()
	return http.StatusOK, e.st.membershipView(m), nil
}

func (e *Emulator) deleteMembership(r *http.Request, _ *noBody) (int, any, error) {
	m, err := e.lookupMembership(r)
	if err != nil {
		return 0, nil, err
	}
	v := e.st.membershipView(m)
	delete(e.st.Memberships, m.ID)
	v.Organization.MembersCount--
	return http.StatusOK, v, nil
}
