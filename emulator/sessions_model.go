package emulator

import (
	"errors"
	"net/http"
)

// Sentinels that the errors of the Go API ([Emulator.CreateSession],
// [Emulator.MintSessionToken]) wrap; test them with errors.Is.
var (
	// ErrNotFound: the user or session does not exist.
	ErrNotFound = errors.New("emulator: not found")
	// ErrRejected: the request is not allowed in the current state (a banned
	// user, an inactive session) or has a bad argument.
	ErrRejected = errors.New("emulator: rejected")
)

// Unwrap lets callers of the Go API branch with errors.Is on the sentinels.
func (e *apiError) Unwrap() error {
	if e.status == http.StatusNotFound {
		return ErrNotFound
	}
	return ErrRejected
}

const (
	sessionLifetimeMillis = 7 * 24 * 3600 * 1000  // expire_at: 7 days, Clerk's default
	sessionAbandonMillis  = 30 * 24 * 3600 * 1000 // abandon_at: 30 days
)

type session struct {
	stamp
	id, clientID, userID string
	status               string // active, revoked, ended, removed
	lastActiveAt         int64
	expireAt, abandonAt  int64
	azp                  string // optional azp claim of minted tokens
	activeOrgID          string
}

type client struct {
	stamp
	id                  string
	sessionIDs          []string
	lastActiveSessionID string
}

// sessionJSON is Clerk's Session resource (object "session").
type sessionJSON struct {
	Object                   string  `json:"object"`
	ID                       string  `json:"id"`
	ClientID                 string  `json:"client_id"`
	UserID                   string  `json:"user_id"`
	Status                   string  `json:"status"`
	LastActiveAt             int64   `json:"last_active_at"`
	LastActiveOrganizationID *string `json:"last_active_organization_id"`
	Actor                    any     `json:"actor"`
	ExpireAt                 int64   `json:"expire_at"`
	AbandonAt                int64   `json:"abandon_at"`
	CreatedAt                int64   `json:"created_at"`
	UpdatedAt                int64   `json:"updated_at"`
}

// clientJSON is Clerk's Client resource (object "client").
type clientJSON struct {
	Object              string        `json:"object"`
	ID                  string        `json:"id"`
	SessionIDs          []string      `json:"session_ids"`
	Sessions            []sessionJSON `json:"sessions"`
	SignInID            *string       `json:"sign_in_id"`
	SignUpID            *string       `json:"sign_up_id"`
	LastActiveSessionID *string       `json:"last_active_session_id"`
	CreatedAt           int64         `json:"created_at"`
	UpdatedAt           int64         `json:"updated_at"`
}

func sessionView(s *session) sessionJSON {
	return sessionJSON{
		Object: "session", ID: s.id, ClientID: s.clientID, UserID: s.userID, Status: s.status,
		LastActiveAt: s.lastActiveAt, LastActiveOrganizationID: strOrNil(s.activeOrgID),
		ExpireAt: s.expireAt, AbandonAt: s.abandonAt, CreatedAt: s.createdAt, UpdatedAt: s.updatedAt,
	}
}

// clientView renders c. The caller holds e.mu.
func (s *store) clientView(c *client) clientJSON {
	v := clientJSON{
		Object: "client", ID: c.id, SessionIDs: append([]string{}, c.sessionIDs...),
		Sessions: []sessionJSON{}, LastActiveSessionID: strOrNil(c.lastActiveSessionID),
		CreatedAt: c.createdAt, UpdatedAt: c.updatedAt,
	}
	for _, id := range c.sessionIDs {
		if sess, ok := s.sessions[id]; ok {
			v.Sessions = append(v.Sessions, sessionView(sess))
		}
	}
	return v
}

// newSession creates an active session, in a new client, for an existing,
// unbanned user. The caller holds e.mu.
func (s *store) newSession(userID, azp string, now int64) (*session, error) {
	u, ok := s.users[userID]
	if !ok {
		return nil, errNotFound("user")
	}
	if u.banned {
		return nil, errBadRequest("user_banned", "the user is banned and cannot sign in")
	}
	c := &client{stamp: s.newStamp(now), id: newID("client_")}
	sess := &session{
		stamp: s.newStamp(now), id: newID("sess_"), clientID: c.id, userID: userID, status: "active",
		lastActiveAt: now, expireAt: now + sessionLifetimeMillis, abandonAt: now + sessionAbandonMillis, azp: azp,
	}
	c.sessionIDs, c.lastActiveSessionID = []string{sess.id}, sess.id
	s.activeMembership(sess) // pick the initial active organization
	s.clients[c.id], s.sessions[sess.id] = c, sess
	u.lastSignInAt = now
	return sess, nil
}

// activeSession returns the session id, or a 404 (unknown) or 400 (not
// active) error. The caller holds e.mu.
func (s *store) activeSession(id string, now int64) (*session, error) {
	sess, ok := s.sessions[id]
	if !ok {
		return nil, errNotFound("session")
	}
	sess.expire(now)
	if sess.status != "active" {
		return nil, &apiError{status: http.StatusBadRequest, code: "session_not_active",
			message: "session is not active", long: "the session is " + sess.status + " and cannot be used",
			meta: map[string]any{"session_id": sess.id}}
	}
	return sess, nil
}

// expire moves an active session past its expire_at to "expired".
func (sess *session) expire(now int64) {
	if sess.status == "active" && now >= sess.expireAt {
		sess.status, sess.updatedAt = "expired", now
	}
}

// endUserSessions moves every active session of userID to status. The
// caller holds e.mu.
func (s *store) endUserSessions(userID, status string, now int64) {
	for _, sess := range s.sessions {
		if sess.userID == userID && sess.status == "active" {
			sess.status, sess.updatedAt = status, now
		}
	}
}
