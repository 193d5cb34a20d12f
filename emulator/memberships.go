package emulator

import (
	"net/http"
)

// addMembership stores a membership of userID in o. The caller holds e.mu
// and has checked that the user exists and is not yet a member.
func (s *store) addMembership(o *organization, userID, role string, now int64) *membership {
	m := &membership{stamp: s.newStamp(now), id: newID("orgmem_"), orgID: o.id, userID: userID, role: role,
		publicMeta: map[string]any{}, privateMeta: map[string]any{}}
	s.memberships[m.id] = m
	return m
}

func (s *store) orgMemberships(orgID string) []*membership {
	var out []*membership
	for _, m := range sorted(s.memberships) {
		if m.orgID == orgID {
			out = append(out, m)
		}
	}
	return out
}

func (e *Emulator) listMemberships(r *http.Request) (int, any, error) {
	p, err := parsePage(r)
	if err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	o, err := e.lookupOrg(r)
	if err != nil {
		return 0, nil, err
	}
	var all []membershipJSON
	for _, m := range e.st.orgMemberships(o.id) {
		all = append(all, e.st.membershipView(m))
	}
	return http.StatusOK, paginate(all, p), nil
}

func (e *Emulator) listUserMemberships(r *http.Request) (int, any, error) {
	p, err := parsePage(r)
	if err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	var all []membershipJSON
	for _, m := range e.st.userMemberships(u.id) {
		all = append(all, e.st.membershipView(m))
	}
	return http.StatusOK, paginate(all, p), nil
}

func (e *Emulator) createMembership(r *http.Request) (int, any, error) {
	var req struct {
		UserID *string `json:"user_id"`
		Role   *string `json:"role"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.UserID == nil || *req.UserID == "" {
		return 0, nil, errParamMissing("user_id")
	}
	if req.Role == nil || *req.Role == "" {
		return 0, nil, errParamMissing("role")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	o, err := e.lookupOrg(r)
	if err != nil {
		return 0, nil, err
	}
	if _, ok := e.st.users[*req.UserID]; !ok {
		return 0, nil, errNotFound("user")
	}
	if e.st.membershipOf(o.id, *req.UserID) != nil {
		return 0, nil, &apiError{status: http.StatusBadRequest, code: "already_a_member_in_organization",
			message: "already a member", long: "the user is already a member of the organization"}
	}
	if o.maxMemberships > 0 && len(e.st.orgMemberships(o.id)) >= o.maxMemberships {
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
	m := e.st.membershipOf(o.id, r.PathValue("user"))
	if m == nil {
		return nil, errNotFound("organization membership")
	}
	return m, nil
}

func (e *Emulator) updateMembership(r *http.Request) (int, any, error) {
	var req struct {
		Role *string `json:"role"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Role == nil || *req.Role == "" {
		return 0, nil, errParamMissing("role")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	m, err := e.lookupMembership(r)
	if err != nil {
		return 0, nil, err
	}
	m.role, m.updatedAt = *req.Role, e.nowMillis()
	return http.StatusOK, e.st.membershipView(m), nil
}

func (e *Emulator) updateMembershipMetadata(r *http.Request) (int, any, error) {
	var req orgMetadataRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	m, err := e.lookupMembership(r)
	if err != nil {
		return 0, nil, err
	}
	m.publicMeta = mergeMetadata(m.publicMeta, req.PublicMetadata)
	m.privateMeta = mergeMetadata(m.privateMeta, req.PrivateMetadata)
	m.updatedAt = e.nowMillis()
	return http.StatusOK, e.st.membershipView(m), nil
}

func (e *Emulator) deleteMembership(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, err := e.lookupMembership(r)
	if err != nil {
		return 0, nil, err
	}
	v := e.st.membershipView(m)
	delete(e.st.memberships, m.id)
	v.Organization.MembersCount--
	return http.StatusOK, v, nil
}
