package emulator

import (
	"net/http"
)

type client struct {
	stamp
	ID                  string   `json:"id"`
	SessionIDs          []string `json:"session_ids"`
	LastActiveSessionID string   `json:"last_active_session_id"`
}

// clientJSON is Clerk's Client resource (object "client").
type clientJSON struct {
	Object              string        `json:"object"`
	ID                  string        `json:"id"`
	SessionIDs          []string      `json:"session_ids"`
	Sessions            []sessionJSON `json:"sessions"`
	SignInID            *string       `json:"sign_in_id"`
	SignUpID            *string       `json:"sign_up_id"`
	SignInAttemptID     *string       `json:"sign_in_attempt_id"`
	SignUpAttemptID     *string       `json:"sign_up_attempt_id"`
	LastActiveSessionID *string       `json:"last_active_session_id"`
	CreatedAt           int64         `json:"created_at"`
	UpdatedAt           int64         `json:"updated_at"`
}

// clientView renders c. The caller holds e.mu.
func (s *store) clientView(c *client) clientJSON {
	v := clientJSON{
		Object: "client", ID: c.ID, SessionIDs: append([]string{}, c.SessionIDs...),
		Sessions: []sessionJSON{}, LastActiveSessionID: strOrNil(c.LastActiveSessionID),
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
	for _, id := range c.SessionIDs {
		if sess, ok := s.Sessions[id]; ok {
			v.Sessions = append(v.Sessions, sessionView(sess))
		}
	}
	return v
}

func (e *Emulator) listClients(*http.Request, *noBody) (int, any, error) {
	out := []clientJSON{}
	for _, c := range sorted(e.st.Clients) {
		out = append(out, e.st.clientView(c))
	}
	return http.StatusOK, out, nil
}

func (e *Emulator) getClient(r *http.Request, _ *noBody) (int, any, error) {
	c, ok := e.st.Clients[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("client")
	}
	return http.StatusOK, e.st.clientView(c), nil
}

// verifyClient accepts, as the client token, a live session token minted by
// this emulator, and returns the client holding that session (the emulator
// has no separate __client cookie token).
func (e *Emulator) verifyClient(r *http.Request, req *tokenRequest) (int, any, error) {
	if req.Token == nil || *req.Token == "" {
		return 0, nil, errParamMissing("token")
	}
	claims, err := e.parseOwnToken(*req.Token)
	if err != nil {
		return 0, nil, errBadRequest("token_invalid", "the token is not a valid client token")
	}
	sid, _ := claims["sid"].(string)
	s, ok := e.st.Sessions[sid]
	if !ok {
		return 0, nil, errBadRequest("token_invalid", "the token is not a valid client token")
	}
	return http.StatusOK, e.st.clientView(e.st.Clients[s.ClientID]), nil
}
