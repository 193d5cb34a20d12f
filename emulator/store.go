package emulator

import (
	"cmp"
	"slices"
	"strings"
)

// store is the emulator's in-memory state. Every access holds Emulator.mu.
// Metadata maps are never mutated once stored (updates store a fresh map), so
// JSON views may share them after the lock is released.
type store struct {
	seq int64 // creation counter: a stable tiebreak for equal timestamps

	users          map[string]*user
	emails         map[string]*emailAddress
	phones         map[string]*phoneNumber
	sessions       map[string]*session
	clients        map[string]*client
	orgs           map[string]*organization
	memberships    map[string]*membership // by membership id
	orgInvitations map[string]*orgInvitation
	invitations    map[string]*invitation
	allowlist      map[string]*allowlistIdentifier
	redirectURLs   map[string]*redirectURL
	signInTokens   map[string]*signInToken
	sentEmails     map[string]*email
	sentSMS        map[string]*smsMessage
}

func newStore() *store {
	return &store{
		users: map[string]*user{}, emails: map[string]*emailAddress{}, phones: map[string]*phoneNumber{},
		sessions: map[string]*session{}, clients: map[string]*client{}, orgs: map[string]*organization{},
		memberships: map[string]*membership{}, orgInvitations: map[string]*orgInvitation{},
		invitations: map[string]*invitation{}, allowlist: map[string]*allowlistIdentifier{},
		redirectURLs: map[string]*redirectURL{}, signInTokens: map[string]*signInToken{},
		sentEmails: map[string]*email{}, sentSMS: map[string]*smsMessage{},
	}
}

// stamp is the creation/update bookkeeping every record carries.
type stamp struct {
	seq       int64
	createdAt int64
	updatedAt int64
}

func (s *store) newStamp(now int64) stamp {
	s.seq++
	return stamp{seq: s.seq, createdAt: now, updatedAt: now}
}

type stamped interface{ stampOf() stamp }

func (s stamp) stampOf() stamp { return s }

// sorted returns the values of m in creation order.
func sorted[T stamped](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(a.stampOf().seq, b.stampOf().seq) })
	return out
}

// userMemberships returns the memberships of userID in creation order.
func (s *store) userMemberships(userID string) []*membership {
	var out []*membership
	for _, m := range sorted(s.memberships) {
		if m.userID == userID {
			out = append(out, m)
		}
	}
	return out
}

// membershipOf returns userID's membership in orgID, or nil.
func (s *store) membershipOf(orgID, userID string) *membership {
	for _, m := range s.memberships {
		if m.orgID == orgID && m.userID == userID {
			return m
		}
	}
	return nil
}

// activeMembership returns the membership behind sess's active organization:
// the session's last active organization when the user is still a member,
// else the user's first membership (which becomes the active one), else nil.
func (s *store) activeMembership(sess *session) *membership {
	if sess.activeOrgID != "" {
		if m := s.membershipOf(sess.activeOrgID, sess.userID); m != nil {
			return m
		}
	}
	ms := s.userMemberships(sess.userID)
	if len(ms) == 0 {
		sess.activeOrgID = ""
		return nil
	}
	sess.activeOrgID = ms[0].orgID
	return ms[0]
}

// emailTaken reports whether address is already an identification of any user.
func (s *store) emailTaken(address string) bool {
	for _, e := range s.emails {
		if strings.EqualFold(e.address, address) {
			return true
		}
	}
	return false
}

// phoneTaken reports whether number already belongs to any user.
func (s *store) phoneTaken(number string) bool {
	for _, p := range s.phones {
		if p.number == number {
			return true
		}
	}
	return false
}

// usernameTaken reports whether name is some user's username (other than exceptID).
func (s *store) usernameTaken(name, exceptID string) bool {
	for _, u := range s.users {
		if u.id != exceptID && u.username != "" && strings.EqualFold(u.username, name) {
			return true
		}
	}
	return false
}
