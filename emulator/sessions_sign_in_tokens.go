package emulator

import (
	"net/http"
	"net/url"
	"strings"
)

type signInToken struct {
	stamp
	ID       string `json:"id"`
	UserID   string `json:"user_id"`
	Token    string `json:"token"`
	Status   string `json:"status"` // pending, accepted, revoked
	ExpireAt int64  `json:"expire_at"`
}

// signInTokenJSON is Clerk's SignInToken resource (object "sign_in_token").
type signInTokenJSON struct {
	Object    string `json:"object"`
	ID        string `json:"id"`
	UserID    string `json:"user_id"`
	Token     string `json:"token"`
	Status    string `json:"status"`
	URL       string `json:"url"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

// signInTokenView renders t. The token is an opaque random ticket, not a JWT,
// so that it can never pass for a session token.
func (e *Emulator) signInTokenView(t *signInToken) signInTokenJSON {
	host := strings.TrimPrefix(e.issuer, "https://clerk.")
	return signInTokenJSON{
		Object: "sign_in_token", ID: t.ID, UserID: t.UserID, Token: t.Token, Status: t.Status,
		URL:       "https://accounts." + host + "/sign-in?__clerk_ticket=" + url.QueryEscape(t.Token),
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
	}
}

// createSignInTokenRequest is the body of POST /v1/sign_in_tokens.
type createSignInTokenRequest struct {
	UserID           *string `json:"user_id"`
	ExpiresInSeconds *int64  `json:"expires_in_seconds"`
}

func (e *Emulator) createSignInToken(r *http.Request, req *createSignInTokenRequest) (int, any, error) {
	ttl := int64(30 * 24 * 3600) // Clerk's default: 30 days
	if req.ExpiresInSeconds != nil {
		if *req.ExpiresInSeconds < 1 || *req.ExpiresInSeconds > 315360000 {
			return 0, nil, errParamValue("expires_in_seconds", "expires_in_seconds must be between 1 and 315360000")
		}
		ttl = *req.ExpiresInSeconds
	}
	u, err := e.st.owner(req.UserID)
	if err != nil {
		return 0, nil, err
	}
	now := e.nowMillis()
	t := &signInToken{stamp: e.st.newStamp(now), ID: newID("sit_"), UserID: u.ID,
		Token: newID("") + newID(""), Status: "pending", ExpireAt: now + ttl*1000}
	e.st.SignInTokens[t.ID] = t
	return http.StatusOK, e.signInTokenView(t), nil
}

func (e *Emulator) revokeSignInToken(r *http.Request, _ *noBody) (int, any, error) {
	t, ok := e.st.SignInTokens[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("sign in token")
	}
	if t.Status != "pending" {
		return 0, nil, errBadRequest("sign_in_token_not_pending", "only pending sign-in tokens can be revoked")
	}
	t.Status, t.UpdatedAt = "revoked", e.nowMillis()
	return http.StatusOK, e.signInTokenView(t), nil
}
