package emulator

import (
	"net/http"
)

type email struct {
	stamp
	ID             string `json:"id"`
	FromName       string `json:"from_name"`
	EmailAddressID string `json:"email_address_id"`
	To             string `json:"to"`
	Subject        string `json:"subject"`
	Body           string `json:"body"`
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
	to, ok := e.st.Emails[*req.EmailAddressID]
	if !ok {
		return 0, nil, errParamValue("email_address_id", "email_address_id must be the id of an existing email address")
	}
	m := &email{stamp: e.st.newStamp(e.nowMillis()), ID: newID("ema_"), FromName: *req.FromEmailName,
		EmailAddressID: to.ID, To: to.Address, Subject: *req.Subject, Body: *req.Body}
	e.st.SentEmails[m.ID] = m
	return http.StatusOK, emailJSON{Object: "email", ID: m.ID, FromEmailName: m.FromName,
		EmailAddressID: m.EmailAddressID, ToEmailAddress: m.To, Subject: m.Subject, Body: m.Body,
		Status: "queued"}, nil
}
