package backendapi

import (
	"context"
	"net/http"
	"net/url"
)

// Session is a user's session on one client. Status is "active", "revoked",
// "ended", "expired", "removed", "replaced" or "abandoned".
type Session struct {
	Object                   string  `json:"object"`
	ID                       string  `json:"id"`
	ClientID                 string  `json:"client_id"`
	UserID                   string  `json:"user_id"`
	Status                   string  `json:"status"`
	LastActiveOrganizationID *string `json:"last_active_organization_id"`
	// Actor is who acts as UserID in an impersonation session (Clerk's
	// actor object, with at least "sub"), nil otherwise.
	Actor        map[string]any `json:"actor"`
	LastActiveAt int64          `json:"last_active_at"`
	ExpireAt     int64          `json:"expire_at"`
	AbandonAt    int64          `json:"abandon_at"`
	CreatedAt    int64          `json:"created_at"`
	UpdatedAt    int64          `json:"updated_at"`
}

// SessionList is a page of sessions; see [List].
type SessionList = List[Session]

// Token is a session token minted by [SessionsService.CreateToken]. JWT is
// a bearer credential: do not log it.
type Token struct {
	Object string `json:"object"`
	JWT    string `json:"jwt"`
}

// SessionListOptions filters [SessionsService.List]. Nil fields are not sent.
type SessionListOptions struct {
	ClientID *string
	UserID   *string
}

// CreateSessionParams is the body of [SessionsService.Create].
type CreateSessionParams struct {
	UserID string `json:"user_id"`
}

// verifySessionParams is the body of [SessionsService.Verify].
type verifySessionParams struct {
	Token string `json:"token"`
}

// SessionsService manages sessions. Its methods are safe for concurrent use.
type SessionsService service

// List returns sessions, filtered by client or user; nil opts lists all.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Sessions#operation/GetSessionList
func (s *SessionsService) List(ctx context.Context, opts *SessionListOptions) (*SessionList, error) {
	q := url.Values{}
	if opts != nil {
		setString(q, "client_id", opts.ClientID)
		setString(q, "user_id", opts.UserID)
	}
	return call[SessionList](ctx, s.client, newRequest(http.MethodGet, "sessions").withQuery(q))
}

// Get returns the session with the given id.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Sessions#operation/GetSession
func (s *SessionsService) Get(ctx context.Context, id string) (*Session, error) {
	return getByID[Session](ctx, s.client, "sessions", id)
}

// Create creates an active session for a user (Clerk allows it for testing
// and development instances).
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Sessions#operation/createSession
func (s *SessionsService) Create(ctx context.Context, params *CreateSessionParams) (*Session, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[Session](ctx, s.client, newRequest(http.MethodPost, "sessions").withBody(params))
}

// Revoke revokes a session.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Sessions#operation/RevokeSession
func (s *SessionsService) Revoke(ctx context.Context, id string) (*Session, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	return call[Session](ctx, s.client, newRequest(http.MethodPost, "sessions", id, "revoke"))
}

// Verify checks a session token against a session and returns the session.
// The token is sent in the body and redacted from errors.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Sessions#operation/VerifySession
func (s *SessionsService) Verify(ctx context.Context, id, token string) (*Session, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	req := newRequest(http.MethodPost, "sessions", id, "verify").withBody(verifySessionParams{Token: token})
	req.redact = []string{token}
	return call[Session](ctx, s.client, req)
}

// CreateToken mints a session token for a session, from the named JWT
// template, or the default session token when template is "". The template
// name is path-escaped.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Sessions#operation/CreateSessionTokenFromTemplate
func (s *SessionsService) CreateToken(ctx context.Context, sessionID, template string) (*Token, error) {
	if err := requireIDs(sessionID); err != nil {
		return nil, err
	}
	segs := []string{"sessions", sessionID, "tokens"}
	if template != "" {
		if err := requireIDs(template); err != nil {
			return nil, err
		}
		segs = append(segs, template)
	}
	return call[Token](ctx, s.client, newRequest(http.MethodPost, segs...))
}
