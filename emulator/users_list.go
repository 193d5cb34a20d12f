package emulator

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// userFilter is the query of GET /v1/users and /v1/users/count: repeated
// values of one filter are ORed, different filters are ANDed.
type userFilter struct {
	emails, phones, usernames, ids, externalIDs []string
	query                                       string
}

func parseUserFilter(q url.Values) userFilter {
	return userFilter{
		emails: q["email_address"], phones: q["phone_number"], usernames: q["username"],
		ids: q["user_id"], externalIDs: q["external_id"], query: strings.ToLower(q.Get("query")),
	}
}

// matches reports whether u passes f. The caller holds e.mu.
func (f userFilter) matches(s *store, u *user) bool {
	emails, phones := s.userIdentifiers(u)
	switch {
	case len(f.ids) > 0 && !slices.Contains(f.ids, u.id):
		return false
	case len(f.externalIDs) > 0 && !slices.Contains(f.externalIDs, u.externalID):
		return false
	case len(f.usernames) > 0 && !containsFold(f.usernames, u.username):
		return false
	case len(f.emails) > 0 && !anyFold(f.emails, emails):
		return false
	case len(f.phones) > 0 && !anyFold(f.phones, phones):
		return false
	}
	if f.query == "" {
		return true
	}
	fields := append([]string{u.id, u.externalID, u.username, u.firstName, u.lastName}, emails...)
	for _, v := range append(fields, phones...) {
		if strings.Contains(strings.ToLower(v), f.query) {
			return true
		}
	}
	return false
}

func (s *store) userIdentifiers(u *user) (emails, phones []string) {
	for _, id := range u.emailIDs {
		emails = append(emails, s.emails[id].address)
	}
	for _, id := range u.phoneIDs {
		phones = append(phones, s.phones[id].number)
	}
	return emails, phones
}

func containsFold(list []string, v string) bool {
	return v != "" && slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
}

func anyFold(want, have []string) bool {
	return slices.ContainsFunc(have, func(h string) bool { return containsFold(want, h) })
}

// orderUsers sorts users by order_by (±created_at, ±updated_at; default
// -created_at), breaking ties by creation order.
func orderUsers(users []*user, orderBy string) error {
	desc := orderBy == "" || strings.HasPrefix(orderBy, "-")
	field := orderBy
	if orderBy != "" && (orderBy[0] == '+' || orderBy[0] == '-') {
		field = orderBy[1:]
	}
	if orderBy == "" {
		field = "created_at"
	}
	var key func(u *user) int64
	switch field {
	case "created_at":
		key = func(u *user) int64 { return u.createdAt }
	case "updated_at":
		key = func(u *user) int64 { return u.updatedAt }
	default:
		return errParamValue("order_by", "order_by must be one of created_at, updated_at, with an optional + or - prefix")
	}
	slices.SortStableFunc(users, func(a, b *user) int {
		c := cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(a.seq, b.seq))
		if desc {
			return -c
		}
		return c
	})
	return nil
}

// filteredUsers returns the users matching the request's filters, ordered.
// The caller holds e.mu.
func (e *Emulator) filteredUsers(r *http.Request) ([]*user, error) {
	q := r.URL.Query()
	f := parseUserFilter(q)
	var out []*user
	for _, u := range sorted(e.st.users) {
		if f.matches(e.st, u) {
			out = append(out, u)
		}
	}
	if err := orderUsers(out, q.Get("order_by")); err != nil {
		return nil, err
	}
	return out, nil
}

func (e *Emulator) listUsers(r *http.Request) (int, any, error) {
	p, err := parsePage(r)
	if err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	users, err := e.filteredUsers(r)
	if err != nil {
		return 0, nil, err
	}
	lo, hi := p.window(len(users))
	out := make([]userJSON, 0, hi-lo)
	for _, u := range users[lo:hi] {
		out = append(out, e.st.userView(u))
	}
	return http.StatusOK, out, nil
}

// totalCount is Clerk's {"object":"total_count","total_count":N}.
type totalCount struct {
	Object     string `json:"object"`
	TotalCount int    `json:"total_count"`
}

func (e *Emulator) countUsers(r *http.Request) (int, any, error) {
	if _, err := parsePage(r); err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	users, err := e.filteredUsers(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, totalCount{Object: "total_count", TotalCount: len(users)}, nil
}
