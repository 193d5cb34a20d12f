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
	ID           string `json:"id"`
	ClientID     string `json:"client_id"`
	UserID       string `json:"user_id"`
	Status       string `json:"status"` // active, revoked, ended, removed
	LastActiveAt int64  `json:"last_active_at"`
	ExpireAt     int64  `json:"expire_at"`
	AbandonAt    int64  `json:"abandon_at"`
	Azp          string `json:"azp"` // optional azp claim of minted tokens
	ActiveOrgID  string `json:"active_org_id"`
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
	Actor                    any     `json:"actor"` // always null: the emulator has no impersonation
	ExpireAt                 int64   `json:"expire_at"`
	AbandonAt                int64   `json:"abandon_at"`
	CreatedAt                int64   `json:"created_at"`
	UpdatedAt                int64   `json:"updated_at"`
}

func sessionView(s *session) sessionJSON {
	return sessionJSON{
		Object: "session", ID: s.ID, ClientID: s.ClientID, UserID: s.UserID, Status: s.Status,
		LastActiveAt: s.LastActiveAt, LastActiveOrganizationID: strOrNil(s.ActiveOrgID),
		ExpireAt: s.ExpireAt, AbandonAt: s.AbandonAt, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
}

// newSession creates an active session, in a new client, for an existing,
// unbanned user. The caller holds e.mu.
func (s *store) newSession(userID, azp string, now int64) (*session, error) {
	u, ok := s.Users[userID]
	if !ok {
		return nil, errNotFound("user")
	}
	if u.Banned {
		return nil, errBadRequest("user_banned", "the user is banned and cannot sign in")
	}
	c := &client{stamp: s.newStamp(now), ID: newID("client_")}
	sess := &session{
		stamp: s.newStamp(now), ID: newID("sess_"), ClientID: c.ID, UserID: userID, Status: "active",
		LastActiveAt: now, ExpireAt: now + sessionLifetimeMillis, AbandonAt: now + sessionAbandonMillis, Azp: azp,
	}
	c.SessionIDs, c.LastActiveSessionID = []string{sess.ID}, sess.ID
	s.activeMembership(sess) // pick the initial active organization
	s.Clients[c.ID], s.Sessions[sess.ID] = c, sess
	u.LastSignInAt, u.LastActiveAt = now, now
	return sess, nil
}

// activeSession returns the session id, or a 404 (unknown) or 400 (not
// active) error. The caller holds e.mu.
func (s *store) activeSession(id string, now int64) (*session, error) {
	sess, ok := s.Sessions[id]
	if !ok {
		return nil, errNotFound("session")
	}
	sess.expire(now)
	if sess.Status != "active" {
		return nil, &apiError{status: http.StatusBadRequest, code: "session_not_active",
			message: "session is not active", long: "the session is " + sess.Status + " and cannot be used",
			meta: map[string]any{"session_id": sess.ID}}
	}
	return sess, nil
}

// expire moves an active session past its expire_at to "expired".
func (sess *session) expire(now int64) {
	if sess.Status == "active" && now >= sess.ExpireAt {
		sess.Status, sess.UpdatedAt = "expired", now
	}
}

// endUserSessions moves every active session of userID to status. The
// caller holds e.mu.
func (s *store) endUserSessions(userID, status string, now int64) {
	for _, sess := range s.Sessions {
		if sess.UserID == userID && sess.Status == "active" {
			sess.Status, sess.UpdatedAt = status, now
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
	if err := e.saveLocked(); err != nil {
		return "", err
	}
	return sess.ID, nil
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
	for _, s := range sorted(e.st.Sessions) {
		s.expire(now)
		if (clientID == "" || s.ClientID == clientID) && (userID == "" || s.UserID == userID) &&
			(status == "" || s.Status == status) {
			out = append(out, sessionView(s))
		}
	}
	return http.StatusOK, out, nil
}

func (e *Emulator) getSession(r *http.Request, _ *noBody) (int, any, error) {
	s, ok := e.st.Sessions[r.PathValue("id")]
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
	s.Status, s.UpdatedAt = "revoked", now
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
	if terr != nil || claims["sid"] != s.ID {
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
