package emulator

import (
	"net/http"
	"net/url"
	"strings"
)

func (e *Emulator) messageRoutes(handle func(string, apiFunc)) {
	handle("POST /v1/sign_in_tokens", e.createSignInToken)
	handle("POST /v1/sign_in_tokens/{id}/revoke", e.revokeSignInToken)
	handle("POST /v1/emails", e.createEmail)
	handle("POST /v1/sms_messages", e.createSMS)
	handle("GET /v1/clients", e.listClients)
	handle("POST /v1/clients/verify", e.verifyClient)
	handle("GET /v1/clients/{id}", e.getClient)
}

type signInToken struct {
	stamp
	id, userID, token, status string // pending, accepted, revoked
	expireAt                  int64
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
		Object: "sign_in_token", ID: t.id, UserID: t.userID, Token: t.token, Status: t.status,
		URL:       "https://accounts." + host + "/sign-in?__clerk_ticket=" + url.QueryEscape(t.token),
		CreatedAt: t.createdAt, UpdatedAt: t.updatedAt,
	}
}

func (e *Emulator) createSignInToken(r *http.Request) (int, any, error) {
	var req struct {
		UserID           *string `json:"user_id"`
		ExpiresInSeconds *int64  `json:"expires_in_seconds"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	ttl := int64(30 * 24 * 3600) // Clerk's default: 30 days
	if req.ExpiresInSeconds != nil {
		if *req.ExpiresInSeconds < 1 || *req.ExpiresInSeconds > 315360000 {
			return 0, nil, errParamValue("expires_in_seconds", "expires_in_seconds must be between 1 and 315360000")
		}
		ttl = *req.ExpiresInSeconds
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.st.owner(req.UserID)
	if err != nil {
		return 0, nil, err
	}
	now := e.nowMillis()
	t := &signInToken{stamp: e.st.newStamp(now), id: newID("sit_"), userID: u.id,
		token: newID("") + newID(""), status: "pending", expireAt: now + ttl*1000}
	e.st.signInTokens[t.id] = t
	return http.StatusOK, e.signInTokenView(t), nil
}

func (e *Emulator) revokeSignInToken(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.st.signInTokens[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("sign in token")
	}
	if t.status != "pending" {
		return 0, nil, errBadRequest("sign_in_token_not_pending", "only pending sign-in tokens can be revoked")
	}
	t.status, t.updatedAt = "revoked", e.nowMillis()
	return http.StatusOK, e.signInTokenView(t), nil
}

type email struct {
	stamp
	id, fromName, emailAddressID, to, subject, body string
}

// emailJSON is Clerk's Email resource (object "email"). The emulator records
// e-mails and never sends them.
type emailJSON struct {
	Object         string `json:"object"`
	ID             string `json:"id"`
	FromEmailName  string `json:"from_email_name"`
	EmailAddressID string `json:"email_address_id"`
	ToEmailAddress string `json:"to_email_address"`
	Subject        string `json:"subject"`
	Body           string `json:"body"`
	Status         string `json:"status"`
	CreatedAt      int64  `json:"created_at"`
}

func (e *Emulator) createEmail(r *http.Request) (int, any, error) {
	var req struct {
		FromEmailName  *string `json:"from_email_name"`
		EmailAddressID *string `json:"email_address_id"`
		Subject        *string `json:"subject"`
		Body           *string `json:"body"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"from_email_name", req.FromEmailName}, {"email_address_id", req.EmailAddressID},
		{"subject", req.Subject}, {"body", req.Body}} {
		if f.v == nil || *f.v == "" {
			return 0, nil, errParamMissing(f.name)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	to, ok := e.st.emails[*req.EmailAddressID]
	if !ok {
		return 0, nil, errParamValue("email_address_id", "email_address_id must be the id of an existing email address")
	}
	m := &email{stamp: e.st.newStamp(e.nowMillis()), id: newID("ema_"), fromName: *req.FromEmailName,
		emailAddressID: to.id, to: to.address, subject: *req.Subject, body: *req.Body}
	e.st.sentEmails[m.id] = m
	return http.StatusOK, emailJSON{Object: "email", ID: m.id, FromEmailName: m.fromName,
		EmailAddressID: m.emailAddressID, ToEmailAddress: m.to, Subject: m.subject, Body: m.body,
		Status: "queued", CreatedAt: m.createdAt}, nil
}

type smsMessage struct {
	stamp
	id, phoneNumberID, to, message string
}

// smsFrom is the sender number the emulator reports (a reserved fictional number).
const smsFrom = "+15555550100"

// smsJSON is Clerk's SMSMessage resource (object "sms_message"); recorded, never sent.
type smsJSON struct {
	Object          string `json:"object"`
	ID              string `json:"id"`
	FromPhoneNumber string `json:"from_phone_number"`
	ToPhoneNumber   string `json:"to_phone_number"`
	PhoneNumberID   string `json:"phone_number_id"`
	Message         string `json:"message"`
	Status          string `json:"status"`
	CreatedAt       int64  `json:"created_at"`
}

func (e *Emulator) createSMS(r *http.Request) (int, any, error) {
	var req struct {
		PhoneNumberID *string `json:"phone_number_id"`
		Message       *string `json:"message"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.PhoneNumberID == nil || *req.PhoneNumberID == "" {
		return 0, nil, errParamMissing("phone_number_id")
	}
	if req.Message == nil || *req.Message == "" {
		return 0, nil, errParamMissing("message")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	to, ok := e.st.phones[*req.PhoneNumberID]
	if !ok {
		return 0, nil, errParamValue("phone_number_id", "phone_number_id must be the id of an existing phone number")
	}
	m := &smsMessage{stamp: e.st.newStamp(e.nowMillis()), id: newID("sms_"), phoneNumberID: to.id,
		to: to.number, message: *req.Message}
	e.st.sentSMS[m.id] = m
	return http.StatusOK, smsJSON{Object: "sms_message", ID: m.id, FromPhoneNumber: smsFrom,
		ToPhoneNumber: m.to, PhoneNumberID: m.phoneNumberID, Message: m.message, Status: "queued",
		CreatedAt: m.createdAt}, nil
}

func (e *Emulator) listClients(*http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []clientJSON{}
	for _, c := range sorted(e.st.clients) {
		out = append(out, e.st.clientView(c))
	}
	return http.StatusOK, out, nil
}

func (e *Emulator) getClient(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.st.clients[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("client")
	}
	return http.StatusOK, e.st.clientView(c), nil
}

// verifyClient accepts, as the client token, a live session token minted by
// this emulator, and returns the client holding that session (the emulator
// has no separate __client cookie token).
func (e *Emulator) verifyClient(r *http.Request) (int, any, error) {
	var req struct {
		Token *string `json:"token"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Token == nil || *req.Token == "" {
		return 0, nil, errParamMissing("token")
	}
	claims, err := e.parseOwnToken(*req.Token)
	if err != nil {
		return 0, nil, errBadRequest("token_invalid", "the token is not a valid client token")
	}
	sid, _ := claims["sid"].(string)
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.st.sessions[sid]
	if !ok {
		return 0, nil, errBadRequest("token_invalid", "the token is not a valid client token")
	}
	return http.StatusOK, e.st.clientView(e.st.clients[s.clientID]), nil
}
