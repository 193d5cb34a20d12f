package emulator

import (
	"cmp"
	"slices"
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
