package emulator

import (
	"net/http"
	"net/mail"
	"strings"
)

type emailAddress struct {
	stamp
	ID       string `json:"id"`
	UserID   string `json:"user_id"`
	Address  string `json:"address"`
	Verified bool   `json:"verified"`
}

// verificationJSON is the nested Verification object.
type verificationJSON struct {
	Status                          string  `json:"status"`
	Strategy                        string  `json:"strategy"`
	ExternalVerificationRedirectURL *string `json:"external_verification_redirect_url"`
	Attempts                        *int    `json:"attempts"`
	ExpireAt                        *int64  `json:"expire_at"`
	Nonce                           *string `json:"nonce"`
}

func verification(verified bool, strategy string) verificationJSON {
	if verified {
		return verificationJSON{Status: "verified", Strategy: strategy}
	}
	return verificationJSON{Status: "unverified", Strategy: strategy}
}

// emailAddressJSON is Clerk's EmailAddress resource (object "email_address").
type emailAddressJSON struct {
	ID           string           `json:"id"`
	Object       string           `json:"object"`
	EmailAddress string           `json:"email_address"`
	Reserved     bool             `json:"reserved"`
	Verification verificationJSON `json:"verification"`
	LinkedTo     []any            `json:"linked_to"`
	CreatedAt    int64            `json:"created_at"`
	UpdatedAt    int64            `json:"updated_at"`
}

func emailView(e *emailAddress) emailAddressJSON {
	return emailAddressJSON{
		ID: e.ID, Object: "email_address", EmailAddress: e.Address,
		Verification: verification(e.Verified, "admin"), LinkedTo: []any{},
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
	}
}

// validEmail accepts a bare addr-spec ("a@b.c"), not a display-name form.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && len(s) <= 320
}

// emailTaken reports whether address is already an identification of any user.
func (s *store) emailTaken(address string) bool {
	for _, e := range s.Emails {
		if strings.EqualFold(e.Address, address) {
			return true
		}
	}
	return false
}

// addEmail attaches a new identification to u; the first becomes primary.
func (s *store) addEmail(u *user, address string, verified bool, now int64) *emailAddress {
	ea := &emailAddress{stamp: s.newStamp(now), ID: newID("idn_"), UserID: u.ID, Address: address, Verified: verified}
	s.Emails[ea.ID] = ea
	attach(&u.EmailIDs, &u.PrimaryEmailID, ea.ID)
	return ea
}

// createEmailRequest is the body of POST /v1/email_addresses.
type createEmailRequest struct {
	UserID       *string `json:"user_id"`
	EmailAddress *string `json:"email_address"`
	Verified     *bool   `json:"verified"`
	Primary      *bool   `json:"primary"`
}

// requireEmail checks a required email_address parameter: present and a
// bare addr-spec.
func requireEmail(address *string) error {
	if address == nil || *address == "" {
		return errParamMissing("email_address")
	}
	if !validEmail(*address) {
		return errEmailInvalid()
	}
	return nil
}

func errEmailInvalid() error {
	return errParamInvalid("email_address", "email_address must be a valid email address")
}

func (e *Emulator) createEmailAddress(r *http.Request, req *createEmailRequest) (int, any, error) {
	if err := requireEmail(req.EmailAddress); err != nil {
		return 0, nil, err
	}
	u, err := e.st.owner(req.UserID)
	if err != nil {
		return 0, nil, err
	}
	if e.st.emailTaken(*req.EmailAddress) {
		return 0, nil, errIdentifierExists("email_address")
	}
	now := e.nowMillis()
	ea := e.st.addEmail(u, *req.EmailAddress, isTrue(req.Verified), now)
	if isTrue(req.Primary) {
		u.PrimaryEmailID = ea.ID
	}
	u.UpdatedAt = now
	return http.StatusOK, emailView(ea), nil
}

func (e *Emulator) getEmailAddress(r *http.Request, _ *noBody) (int, any, error) {
	ea, ok := e.st.Emails[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("email address")
	}
	return http.StatusOK, emailView(ea), nil
}

// updateEmailAddressRequest is the body of PATCH /v1/email_addresses/{id}.
type updateEmailAddressRequest struct {
	Verified *bool `json:"verified"`
	Primary  *bool `json:"primary"`
}

func (e *Emulator) updateEmailAddress(r *http.Request, req *updateEmailAddressRequest) (int, any, error) {
	ea, ok := e.st.Emails[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("email address")
	}
	now := e.nowMillis()
	if req.Verified != nil {
		ea.Verified = *req.Verified
	}
	if isTrue(req.Primary) {
		e.st.Users[ea.UserID].PrimaryEmailID = ea.ID
	}
	ea.UpdatedAt = now
	e.st.Users[ea.UserID].UpdatedAt = now
	return http.StatusOK, emailView(ea), nil
}

func (e *Emulator) deleteEmailAddress(r *http.Request, _ *noBody) (int, any, error) {
	ea, ok := e.st.Emails[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("email address")
	}
	u := e.st.Users[ea.UserID]
	detach(&u.EmailIDs, &u.PrimaryEmailID, ea.ID)
	u.UpdatedAt = e.nowMillis()
	delete(e.st.Emails, ea.ID)
	return http.StatusOK, deletedObject{Object: "email_address", ID: ea.ID, Deleted: true}, nil
}
