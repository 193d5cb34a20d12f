package emulator

import (
	"net/http"
)

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

// sendEmailRequest is the body of POST /v1/emails.
type sendEmailRequest struct {
	FromEmailName  *string `json:"from_email_name"`
	EmailAddressID *string `json:"email_address_id"`
	Subject        *string `json:"subject"`
	Body           *string `json:"body"`
}

func (e *Emulator) createEmail(r *http.Request, req *sendEmailRequest) (int, any, error) {
	for _, f := range []struct {
		name string
		v    *string
	}{{"from_email_name", req.FromEmailName}, {"email_address_id", req.EmailAddressID},
		{"subject", req.Subject}, {"body", req.Body}} {
		if f.v == nil || *f.v == "" {
			return 0, nil, errParamMissing(f.name)
		}
	}
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
