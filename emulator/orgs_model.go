package emulator

import (
	"net/http"
	"regexp"
	"strings"
)

type organization struct {
	stamp
	id, name, slug     string
	createdBy          string
	maxMemberships     int
	adminDeleteEnabled bool
	publicMeta         map[string]any
	privateMeta        map[string]any
}

type membership struct {
	stamp
	id, orgID, userID, role string
	publicMeta              map[string]any
	privateMeta             map[string]any
}

type orgInvitation struct {
	stamp
	id, orgID, email, role string
	status                 string // pending, accepted, revoked
	inviterUserID          string
	redirectURL            string
	publicMeta             map[string]any
	privateMeta            map[string]any
}

// organizationJSON is Clerk's Organization resource (object "organization").
type organizationJSON struct {
	Object                  string         `json:"object"`
	ID                      string         `json:"id"`
	Name                    string         `json:"name"`
	Slug                    string         `json:"slug"`
	ImageURL                string         `json:"image_url"`
	HasImage                bool           `json:"has_image"`
	LogoURL                 *string        `json:"logo_url"`
	MaxAllowedMemberships   int            `json:"max_allowed_memberships"`
	AdminDeleteEnabled      bool           `json:"admin_delete_enabled"`
	MembersCount            int            `json:"members_count"`
	PendingInvitationsCount int            `json:"pending_invitations_count"`
	CreatedBy               string         `json:"created_by"`
	PublicMetadata          map[string]any `json:"public_metadata"`
	PrivateMetadata         map[string]any `json:"private_metadata"`
	CreatedAt               int64          `json:"created_at"`
	UpdatedAt               int64          `json:"updated_at"`
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

// listJSON is Clerk's paginated list envelope.
type listJSON[T any] struct {
	Data       []T `json:"data"`
	TotalCount int `json:"total_count"`
}

// paginate cuts p's window out of items and wraps it with the total count.
func paginate[T any](items []T, p page) listJSON[T] {
	lo, hi := p.window(len(items))
	return listJSON[T]{Data: append([]T{}, items[lo:hi]...), TotalCount: len(items)}
}

const defaultImageURL = "https://img.clerk.com/authsvc-emulator/default.png"

// orgView renders o with its live counts. The caller holds e.mu.
func (s *store) orgView(o *organization) organizationJSON {
	v := organizationJSON{
		Object: "organization", ID: o.id, Name: o.name, Slug: o.slug, ImageURL: defaultImageURL,
		MaxAllowedMemberships: o.maxMemberships, AdminDeleteEnabled: o.adminDeleteEnabled,
		CreatedBy: o.createdBy, PublicMetadata: orEmpty(o.publicMeta), PrivateMetadata: orEmpty(o.privateMeta),
		CreatedAt: o.createdAt, UpdatedAt: o.updatedAt,
	}
	for _, m := range s.memberships {
		if m.orgID == o.id {
			v.MembersCount++
		}
	}
	for _, inv := range s.orgInvitations {
		if inv.orgID == o.id && inv.status == "pending" {
			v.PendingInvitationsCount++
		}
	}
	return v
}

// membershipView renders m. The caller holds e.mu.
func (s *store) membershipView(m *membership) membershipJSON {
	u := s.users[m.userID]
	ud := publicUserDataJSON{UserID: u.id, FirstName: strOrNil(u.firstName), LastName: strOrNil(u.lastName),
		ImageURL: defaultImageURL, ProfileImageURL: defaultImageURL, Identifier: s.identifier(u)}
	return membershipJSON{
		Object: "organization_membership", ID: m.id, Role: m.role, Permissions: permissionsFor(m.role),
		PublicMetadata: orEmpty(m.publicMeta), PrivateMetadata: orEmpty(m.privateMeta),
		Organization: s.orgView(s.orgs[m.orgID]), PublicUserData: ud,
		CreatedAt: m.createdAt, UpdatedAt: m.updatedAt,
	}
}

// identifier is the user's primary email, else phone, else username, else id.
func (s *store) identifier(u *user) string {
	if e, ok := s.emails[u.primaryEmailID]; ok {
		return e.address
	}
	if p, ok := s.phones[u.primaryPhoneID]; ok {
		return p.number
	}
	if u.username != "" {
		return u.username
	}
	return u.id
}

func orgInvitationView(inv *orgInvitation) orgInvitationJSON {
	return orgInvitationJSON{
		Object: "organization_invitation", ID: inv.id, EmailAddress: inv.email, Role: inv.role,
		OrganizationID: inv.orgID, InviterUserID: strOrNil(inv.inviterUserID), Status: inv.status,
		PublicMetadata: orEmpty(inv.publicMeta), PrivateMetadata: orEmpty(inv.privateMeta),
		URL: strOrNil(inv.redirectURL), CreatedAt: inv.createdAt, UpdatedAt: inv.updatedAt,
	}
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
	if o, ok := e.st.orgs[key]; ok {
		return o, nil
	}
	for _, o := range e.st.orgs {
		if o.slug == key {
			return o, nil
		}
	}
	return nil, errNotFound("organization")
}

// slugTaken reports whether slug belongs to an organization other than exceptID.
func (s *store) slugTaken(slug, exceptID string) bool {
	for _, o := range s.orgs {
		if o.id != exceptID && o.slug == slug {
			return true
		}
	}
	return false
}
