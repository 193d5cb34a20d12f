package emulator

import (
	"fmt"
	"net/http"
	"time"
)

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

func sessionView(s *session) sessionJSON {
	return sessionJSON{
		Object: "session", ID: s.id, ClientID: s.clientID, UserID: s.userID, Status: s.status,
		LastActiveAt: s.lastActiveAt, LastActiveOrganizationID: strOrNil(s.activeOrgID),
		ExpireAt: s.expireAt, AbandonAt: s.abandonAt, CreatedAt: s.createdAt, UpdatedAt: s.updatedAt,
	}
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

// CreateSession starts an active session (in a new client) for an existing,
// unbanned user and returns its id. Its tokens carry the org claims of the
// user's first organization membership, if any, and no azp. Errors wrap
// [ErrNotFound] or [ErrRejected]. Safe for concurrent use.
func (e *Emulator) CreateSession(userID string) (string, error) {
	return e.CreateSessionWithParty(userID, "")
}

// CreateSessionWithParty is [Emulator.CreateSession] with an authorized
// party: tokens minted for the session carry azp = authorizedParty (none
// when it is empty).
func (e *Emulator) CreateSessionWithParty(userID, authorizedParty string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	sess, err := e.st.newSession(userID, authorizedParty, e.nowMillis())
	if err != nil {
		return "", err
	}
	return sess.id, nil
}

// MintSessionToken returns an RS256 session token for an active session,
// valid for ttl (0 means [Options.TokenTTL]). A revoked, ended or unknown
// session cannot mint; errors wrap [ErrNotFound] or [ErrRejected] and never
// contain a token. Safe for concurrent use.
func (e *Emulator) MintSessionToken(sessionID string, ttl time.Duration) (string, error) {
	if ttl < 0 {
		return "", fmt.Errorf("emulator: token ttl must not be negative: %w", ErrRejected)
	}
	if ttl == 0 {
		ttl = e.tokenTTL
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	sess, err := e.st.activeSession(sessionID, e.nowMillis())
	if err != nil {
		return "", err
	}
	return e.sign(e.header("JWT"), e.sessionClaims(sess, ttl))
}

// createSessionRequest is the body of POST /v1/sessions.
type createSessionRequest struct {
	UserID *string `json:"user_id"`
}

func (e *Emulator) createSession(r *http.Request, req *createSessionRequest) (int, any, error) {
	if req.UserID == nil || *req.UserID == "" {
		return 0, nil, errParamMissing("user_id")
	}
	sess, err := e.st.newSession(*req.UserID, "", e.nowMillis())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, sessionView(sess), nil
}

func (e *Emulator) listSessions(r *http.Request, _ *noBody) (int, any, error) {
	q := r.URL.Query()
	clientID, userID, status := q.Get("client_id"), q.Get("user_id"), q.Get("status")
	now := e.nowMillis()
	out := []sessionJSON{}
	for _, s := range sorted(e.st.sessions) {
		s.expire(now)
		if (clientID == "" || s.clientID == clientID) && (userID == "" || s.userID == userID) &&
			(status == "" || s.status == status) {
			out = append(out, sessionView(s))
		}
	}
	return http.StatusOK, out, nil
}

func (e *Emulator) getSession(r *http.Request, _ *noBody) (int, any, error) {
	s, ok := e.st.sessions[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("session")
	}
	s.expire(e.nowMillis())
	return http.StatusOK, sessionView(s), nil
}

func (e *Emulator) revokeSession(r *http.Request, _ *noBody) (int, any, error) {
	now := e.nowMillis()
	s, err := e.st.activeSession(r.PathValue("id"), now)
	if err != nil {
		return 0, nil, err
	}
	s.status, s.updatedAt = "revoked", now
	return http.StatusOK, sessionView(s), nil
}

// tokenRequest is the body of the session and client verify endpoints.
type tokenRequest struct {
	Token *string `json:"token"`
}

// verifySession checks that the body's token is a live token minted by this
// emulator for the session in the path.
func (e *Emulator) verifySession(r *http.Request, req *tokenRequest) (int, any, error) {
	if req.Token == nil || *req.Token == "" {
		return 0, nil, errParamMissing("token")
	}
	claims, terr := e.parseOwnToken(*req.Token)
	s, err := e.st.activeSession(r.PathValue("id"), e.nowMillis())
	if err != nil {
		return 0, nil, err
	}
	if terr != nil || claims["sid"] != s.id {
		return 0, nil, errBadRequest("token_invalid", "the token is not a valid session token for this session")
	}
	return http.StatusOK, sessionView(s), nil
}

// tokenJSON is Clerk's Token resource (object "token").
type tokenJSON struct {
	Object string `json:"object"`
	JWT    string `json:"jwt"`
}

// createSessionToken mints a session token. Any template name is accepted
// and gives the default session claims: the emulator has no JWT templates.
// createSessionTokenRequest is the body of POST /v1/sessions/{id}/tokens[/{template}].
type createSessionTokenRequest struct {
	ExpiresInSeconds *int64 `json:"expires_in_seconds"`
}

func (e *Emulator) createSessionToken(r *http.Request, req *createSessionTokenRequest) (int, any, error) {
	ttl := e.tokenTTL
	if req.ExpiresInSeconds != nil {
		if *req.ExpiresInSeconds < 30 || *req.ExpiresInSeconds > 315360000 {
			return 0, nil, errParamValue("expires_in_seconds", "expires_in_seconds must be between 30 and 315360000")
		}
		ttl = time.Duration(*req.ExpiresInSeconds) * time.Second
	}
	s, err := e.st.activeSession(r.PathValue("id"), e.nowMillis())
	if err != nil {
		return 0, nil, err
	}
	jwt, err := e.sign(e.header("JWT"), e.sessionClaims(s, ttl))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, tokenJSON{Object: "token", JWT: jwt}, nil
}
