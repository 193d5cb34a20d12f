package emulator

import (
	"net/http"
	"regexp"
	"strings"
)

type organization struct {
	stamp
	ID                 string         `json:"id"`
	Name               string         `json:"name"`
	Slug               string         `json:"slug"`
	CreatedBy          string         `json:"created_by"`
	MaxMemberships     int            `json:"max_memberships"`
	AdminDeleteEnabled bool           `json:"admin_delete_enabled"`
	PublicMeta         map[string]any `json:"public_meta"`
	PrivateMeta        map[string]any `json:"private_meta"`
}

// organizationJSON is Clerk's Organization resource (object "organization").
type organizationJSON struct {
	Object                string         `json:"object"`
	ID                    string         `json:"id"`
	Name                  string         `json:"name"`
	Slug                  string         `json:"slug"`
	ImageURL              string         `json:"image_url"`
	HasImage              bool           `json:"has_image"`
	LogoURL               *string        `json:"logo_url"`
	MaxAllowedMemberships int            `json:"max_allowed_memberships"`
	AdminDeleteEnabled    bool           `json:"admin_delete_enabled"`
	MembersCount          int            `json:"members_count"`
	CreatedBy             string         `json:"created_by"`
	PublicMetadata        map[string]any `json:"public_metadata"`
	PrivateMetadata       map[string]any `json:"private_metadata"`
	CreatedAt             int64          `json:"created_at"`
	UpdatedAt             int64          `json:"updated_at"`
}

// orgView renders o with its live counts. The caller holds e.mu.
func (s *store) orgView(o *organization) organizationJSON {
	v := organizationJSON{
		Object: "organization", ID: o.ID, Name: o.Name, Slug: o.Slug, ImageURL: defaultImageURL,
		MaxAllowedMemberships: o.MaxMemberships, AdminDeleteEnabled: o.AdminDeleteEnabled,
		CreatedBy: o.CreatedBy, PublicMetadata: orEmpty(o.PublicMeta), PrivateMetadata: orEmpty(o.PrivateMeta),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
	for _, m := range s.Memberships {
		if m.OrgID == o.ID {
			v.MembersCount++
		}
	}
	return v
}

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$`)

// slugify derives a slug from an organization name ("Acme Inc." → "acme-inc").
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-_")
	}
	return s
}

// lookupOrg finds the organization named by the path's {org} segment, an id
// or a slug. The caller holds e.mu.
func (e *Emulator) lookupOrg(r *http.Request) (*organization, error) {
	key := r.PathValue("org")
	if o, ok := e.st.Orgs[key]; ok {
		return o, nil
	}
	for _, o := range e.st.Orgs {
		if o.Slug == key {
			return o, nil
		}
	}
	return nil, errNotFound("organization")
}

// slugTaken reports whether slug belongs to an organization other than exceptID.
func (s *store) slugTaken(slug, exceptID string) bool {
	for _, o := range s.Orgs {
		if o.ID != exceptID && o.Slug == slug {
			return true
		}
	}
	return false
}

func (e *Emulator) listOrgs(r *http.Request, _ *noBody) (int, any, error) {
	p, err := parsePage(r)
	if err != nil {
		return 0, nil, err
	}
	query := strings.ToLower(r.URL.Query().Get("query"))
	var all []organizationJSON
	for _, o := range sorted(e.st.Orgs) {
		if query == "" || strings.Contains(strings.ToLower(o.Name), query) || strings.Contains(o.Slug, query) ||
			o.ID == query {
			all = append(all, e.st.orgView(o))
		}
	}
	return http.StatusOK, paginate(all, p), nil
}

// createOrgRequest is the body of POST /v1/organizations.
type createOrgRequest struct {
	Name                  *string        `json:"name"`
	Slug                  *string        `json:"slug"`
	CreatedBy             *string        `json:"created_by"`
	MaxAllowedMemberships *int           `json:"max_allowed_memberships"`
	PublicMetadata        map[string]any `json:"public_metadata"`
	PrivateMetadata       map[string]any `json:"private_metadata"`
}

func (req *createOrgRequest) validate(s *store) (slug string, err error) {
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return "", errParamMissing("name")
	}
	if len(*req.Name) > 256 {
		return "", errParamValue("name", "name must be at most 256 characters")
	}
	slug = slugify(*req.Name)
	if req.Slug != nil {
		slug = *req.Slug
	}
	if !slugRE.MatchString(slug) {
		return "", errParamInvalid("slug", "slug must be 1 to 64 lowercase letters, digits, '-' or '_'")
	}
	if s.slugTaken(slug, "") {
		return "", errIdentifierExists("slug")
	}
	if creator := deref(req.CreatedBy); creator != "" { // "" counts as absent
		if _, ok := s.Users[creator]; !ok {
			return "", errParamValue("created_by", "created_by must be the id of an existing user")
		}
	}
	if req.MaxAllowedMemberships != nil && *req.MaxAllowedMemberships < 0 {
		return "", errParamValue("max_allowed_memberships", "max_allowed_memberships must not be negative")
	}
	return slug, nil
}

func (e *Emulator) createOrg(r *http.Request, req *createOrgRequest) (int, any, error) {
	slug, err := req.validate(e.st)
	if err != nil {
		return 0, nil, err
	}
	o := e.st.addOrg(newID("org_"), *req.Name, slug, e.nowMillis(), req)
	return http.StatusOK, e.st.orgView(o), nil
}

// addOrg stores a validated organization; its creator becomes "org:admin".
// The caller holds e.mu.
func (s *store) addOrg(id, name, slug string, now int64, req *createOrgRequest) *organization {
	o := &organization{
		stamp: s.newStamp(now), ID: id, Name: name, Slug: slug, CreatedBy: deref(req.CreatedBy),
		AdminDeleteEnabled: true, PublicMeta: orEmpty(req.PublicMetadata), PrivateMeta: orEmpty(req.PrivateMetadata),
	}
	if req.MaxAllowedMemberships != nil {
		o.MaxMemberships = *req.MaxAllowedMemberships
	}
	s.Orgs[o.ID] = o
	if o.CreatedBy != "" {
		s.addMembership(o, o.CreatedBy, "org:admin", now)
	}
	return o
}

func (e *Emulator) getOrg(r *http.Request, _ *noBody) (int, any, error) {
	o, err := e.lookupOrg(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, e.st.orgView(o), nil
}

// updateOrgRequest is the body of PATCH /v1/organizations/{id}; metadata
// given here replaces the stored object.
type updateOrgRequest struct {
	Name                  *string        `json:"name"`
	Slug                  *string        `json:"slug"`
	MaxAllowedMemberships *int           `json:"max_allowed_memberships"`
	AdminDeleteEnabled    *bool          `json:"admin_delete_enabled"`
	PublicMetadata        map[string]any `json:"public_metadata"`
	PrivateMetadata       map[string]any `json:"private_metadata"`
}

func (req *updateOrgRequest) validate(s *store, o *organization) error {
	if req.Name != nil && (strings.TrimSpace(*req.Name) == "" || len(*req.Name) > 256) {
		return errParamValue("name", "name must be 1 to 256 characters")
	}
	if req.Slug != nil {
		if !slugRE.MatchString(*req.Slug) {
			return errParamInvalid("slug", "slug must be 1 to 64 lowercase letters, digits, '-' or '_'")
		}
		if s.slugTaken(*req.Slug, o.ID) {
			return errIdentifierExists("slug")
		}
	}
	if req.MaxAllowedMemberships != nil && *req.MaxAllowedMemberships < 0 {
		return errParamValue("max_allowed_memberships", "max_allowed_memberships must not be negative")
	}
	return nil
}

func (e *Emulator) updateOrg(r *http.Request, req *updateOrgRequest) (int, any, error) {
	o, err := e.lookupOrg(r)
	if err != nil {
		return 0, nil, err
	}
	if err := req.validate(e.st, o); err != nil {
		return 0, nil, err
	}
	setIf(&o.Name, req.Name)
	setIf(&o.Slug, req.Slug)
	if req.MaxAllowedMemberships != nil {
		o.MaxMemberships = *req.MaxAllowedMemberships
	}
	if req.AdminDeleteEnabled != nil {
		o.AdminDeleteEnabled = *req.AdminDeleteEnabled
	}
	if req.PublicMetadata != nil {
		o.PublicMeta = req.PublicMetadata
	}
	if req.PrivateMetadata != nil {
		o.PrivateMeta = req.PrivateMetadata
	}
	o.UpdatedAt = e.nowMillis()
	return http.StatusOK, e.st.orgView(o), nil
}

func (e *Emulator) updateOrgMetadata(r *http.Request, req *orgMetadataRequest) (int, any, error) {
	o, err := e.lookupOrg(r)
	if err != nil {
		return 0, nil, err
	}
	o.PublicMeta = mergeMetadata(o.PublicMeta, req.PublicMetadata)
	o.PrivateMeta = mergeMetadata(o.PrivateMeta, req.PrivateMetadata)
	o.UpdatedAt = e.nowMillis()
	return http.StatusOK, e.st.orgView(o), nil
}

func (e *Emulator) deleteOrg(r *http.Request, _ *noBody) (int, any, error) {
	o, err := e.lookupOrg(r)
	if err != nil {
		return 0, nil, err
	}
	for id, m := range e.st.Memberships {
		if m.OrgID == o.ID {
			delete(e.st.Memberships, id)
		}
	}
	for id, inv := range e.st.OrgInvitations {
		if inv.OrgID == o.ID {
			delete(e.st.OrgInvitations, id)
		}
	}
	delete(e.st.Orgs, o.ID)
	return http.StatusOK, deletedObject{Object: "organization", ID: o.ID, Deleted: true}, nil
}
