package emulator

import (
	"cmp"
	"slices"
)

// store is the emulator's in-memory state. Every access holds Emulator.mu.
// Metadata maps are never mutated once stored (updates store a fresh map), so
// JSON views may share them after the lock is released. The records' json
// tags are the state file's format (persist.go), not a Backend API shape:
// the API's shapes are the *JSON view types beside each record.
type store struct {
	Seq int64 `json:"seq"` // creation counter: a stable tiebreak for equal timestamps

	Users          map[string]*user                `json:"users"`
	Emails         map[string]*emailAddress        `json:"emails"`
	Phones         map[string]*phoneNumber         `json:"phones"`
	Sessions       map[string]*session             `json:"sessions"`
	Clients        map[string]*client              `json:"clients"`
	Orgs           map[string]*organization        `json:"orgs"`
	Memberships    map[string]*membership          `json:"memberships"` // by membership id
	OrgInvitations map[string]*orgInvitation       `json:"org_invitations"`
	Invitations    map[string]*invitation          `json:"invitations"`
	Allowlist      map[string]*allowlistIdentifier `json:"allowlist"`
	RedirectURLs   map[string]*redirectURL         `json:"redirect_urls"`
	SignInTokens   map[string]*signInToken         `json:"sign_in_tokens"`
	SentEmails     map[string]*email               `json:"sent_emails"`
	SentSMS        map[string]*smsMessage          `json:"sent_sms"`
}

func newStore() *store {
	return &store{
		Users: map[string]*user{}, Emails: map[string]*emailAddress{}, Phones: map[string]*phoneNumber{},
		Sessions: map[string]*session{}, Clients: map[string]*client{}, Orgs: map[string]*organization{},
		Memberships: map[string]*membership{}, OrgInvitations: map[string]*orgInvitation{},
		Invitations: map[string]*invitation{}, Allowlist: map[string]*allowlistIdentifier{},
		RedirectURLs: map[string]*redirectURL{}, SignInTokens: map[string]*signInToken{},
		SentEmails: map[string]*email{}, SentSMS: map[string]*smsMessage{},
	}
}

// stamp is the creation/update bookkeeping every record carries.
type stamp struct {
	Seq       int64 `json:"seq"`
	CreatedAt int64 `json:"created_at"`
	UpdatedAt int64 `json:"updated_at"`
}

func (s *store) newStamp(now int64) stamp {
	s.Seq++
	return stamp{Seq: s.Seq, CreatedAt: now, UpdatedAt: now}
}

type stamped interface{ stampOf() stamp }

func (s stamp) stampOf() stamp { return s }

// sorted returns the values of m in creation order.
func sorted[T stamped](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(a.stampOf().Seq, b.stampOf().Seq) })
	return out
}
