package emulator

import (
	"fmt"
	"net/http"
	"time"
)

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
	return e.sign(e.sessionClaims(sess, ttl))
}

func (e *Emulator) createSession(r *http.Request) (int, any, error) {
	var req struct {
		UserID *string `json:"user_id"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.UserID == nil || *req.UserID == "" {
		return 0, nil, errParamMissing("user_id")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	sess, err := e.st.newSession(*req.UserID, "", e.nowMillis())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, sessionView(sess), nil
}

func (e *Emulator) listSessions(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	clientID, userID, status := q.Get("client_id"), q.Get("user_id"), q.Get("status")
	e.mu.Lock()
	defer e.mu.Unlock()
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

func (e *Emulator) getSession(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.st.sessions[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("session")
	}
	s.expire(e.nowMillis())
	return http.StatusOK, sessionView(s), nil
}

func (e *Emulator) revokeSession(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.nowMillis()
	s, err := e.st.activeSession(r.PathValue("id"), now)
	if err != nil {
		return 0, nil, err
	}
	s.status, s.updatedAt = "revoked", now
	return http.StatusOK, sessionView(s), nil
}

// verifySession checks that the body's token is a live token minted by this
// emulator for the session in the path.
func (e *Emulator) verifySession(r *http.Request) (int, any, error) {
	var req struct {
		Token *string `json:"token"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Token == nil || *req.Token == "" {
		return 0, nil, errParamMissing("token")
	}
	claims, terr := e.parseOwnToken(*req.Token)
	e.mu.Lock()
	defer e.mu.Unlock()
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
func (e *Emulator) createSessionToken(r *http.Request) (int, any, error) {
	var req struct {
		ExpiresInSeconds *int64 `json:"expires_in_seconds"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	ttl := e.tokenTTL
	if req.ExpiresInSeconds != nil {
		if *req.ExpiresInSeconds < 30 || *req.ExpiresInSeconds > 315360000 {
			return 0, nil, errParamValue("expires_in_seconds", "expires_in_seconds must be between 30 and 315360000")
		}
		ttl = time.Duration(*req.ExpiresInSeconds) * time.Second
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.st.activeSession(r.PathValue("id"), e.nowMillis())
	if err != nil {
		return 0, nil, err
	}
	jwt, err := e.sign(e.sessionClaims(s, ttl))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, tokenJSON{Object: "token", JWT: jwt}, nil
}
