package emulator

import (
	"net/http"
	"slices"
)

func (e *Emulator) identificationRoutes(handle func(string, apiFunc)) {
	handle("POST /v1/email_addresses", e.createEmailAddress)
	handle("GET /v1/email_addresses/{id}", e.getEmailAddress)
	handle("PATCH /v1/email_addresses/{id}", e.updateEmailAddress)
	handle("DELETE /v1/email_addresses/{id}", e.deleteEmailAddress)
	handle("POST /v1/phone_numbers", e.createPhoneNumber)
	handle("GET /v1/phone_numbers/{id}", e.getPhoneNumber)
	handle("PATCH /v1/phone_numbers/{id}", e.updatePhoneNumber)
	handle("DELETE /v1/phone_numbers/{id}", e.deletePhoneNumber)
}

// createEmailRequest is the body of POST /v1/email_addresses.
type createEmailRequest struct {
	UserID       *string `json:"user_id"`
	EmailAddress *string `json:"email_address"`
	Verified     *bool   `json:"verified"`
	Primary      *bool   `json:"primary"`
}

// createPhoneRequest is the body of POST /v1/phone_numbers.
type createPhoneRequest struct {
	UserID                  *string `json:"user_id"`
	PhoneNumber             *string `json:"phone_number"`
	Verified                *bool   `json:"verified"`
	Primary                 *bool   `json:"primary"`
	ReservedForSecondFactor *bool   `json:"reserved_for_second_factor"`
}

func isTrue(b *bool) bool { return b != nil && *b }

// owner returns the user named by a user_id body field. The caller holds e.mu.
func (s *store) owner(userID *string) (*user, error) {
	if userID == nil || *userID == "" {
		return nil, errParamMissing("user_id")
	}
	u, ok := s.users[*userID]
	if !ok {
		return nil, errNotFound("user")
	}
	return u, nil
}

func (e *Emulator) createEmailAddress(r *http.Request) (int, any, error) {
	var req createEmailRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.EmailAddress == nil || *req.EmailAddress == "" {
		return 0, nil, errParamMissing("email_address")
	}
	if !validEmail(*req.EmailAddress) {
		return 0, nil, errParamInvalid("email_address", "email_address must be a valid email address")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
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
		u.primaryEmailID = ea.id
	}
	u.updatedAt = now
	return http.StatusOK, emailView(ea), nil
}

func (e *Emulator) getEmailAddress(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ea, ok := e.st.emails[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("email address")
	}
	return http.StatusOK, emailView(ea), nil
}

func (e *Emulator) updateEmailAddress(r *http.Request) (int, any, error) {
	var req struct {
		Verified *bool `json:"verified"`
		Primary  *bool `json:"primary"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ea, ok := e.st.emails[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("email address")
	}
	now := e.nowMillis()
	if req.Verified != nil {
		ea.verified = *req.Verified
	}
	if isTrue(req.Primary) {
		e.st.users[ea.userID].primaryEmailID = ea.id
	}
	ea.updatedAt = now
	e.st.users[ea.userID].updatedAt = now
	return http.StatusOK, emailView(ea), nil
}

func (e *Emulator) deleteEmailAddress(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ea, ok := e.st.emails[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("email address")
	}
	u := e.st.users[ea.userID]
	u.emailIDs = slices.DeleteFunc(u.emailIDs, func(id string) bool { return id == ea.id })
	if u.primaryEmailID == ea.id {
		u.primaryEmailID = firstOr(u.emailIDs)
	}
	u.updatedAt = e.nowMillis()
	delete(e.st.emails, ea.id)
	return http.StatusOK, deletedObject{Object: "email_address", ID: ea.id, Deleted: true}, nil
}

func firstOr(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

func (e *Emulator) createPhoneNumber(r *http.Request) (int, any, error) {
	var req createPhoneRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.PhoneNumber == nil || *req.PhoneNumber == "" {
		return 0, nil, errParamMissing("phone_number")
	}
	if !validPhone(*req.PhoneNumber) {
		return 0, nil, errParamInvalid("phone_number", "phone_number must be in E.164 format, e.g. +15555550100")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.st.owner(req.UserID)
	if err != nil {
		return 0, nil, err
	}
	if e.st.phoneTaken(*req.PhoneNumber) {
		return 0, nil, errIdentifierExists("phone_number")
	}
	now := e.nowMillis()
	pn := e.st.addPhone(u, *req.PhoneNumber, isTrue(req.Verified), now)
	pn.reservedFor2FA = isTrue(req.ReservedForSecondFactor)
	if isTrue(req.Primary) {
		u.primaryPhoneID = pn.id
	}
	u.updatedAt = now
	return http.StatusOK, e.st.phoneJSON(pn), nil
}

// phoneJSON renders pn; it is the default second factor when it is reserved
// for 2FA and primary. The caller holds e.mu.
func (s *store) phoneJSON(pn *phoneNumber) phoneNumberJSON {
	return phoneView(pn, pn.reservedFor2FA && s.users[pn.userID].primaryPhoneID == pn.id)
}

func (e *Emulator) getPhoneNumber(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	pn, ok := e.st.phones[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("phone number")
	}
	return http.StatusOK, e.st.phoneJSON(pn), nil
}

func (e *Emulator) updatePhoneNumber(r *http.Request) (int, any, error) {
	var req struct {
		Verified                *bool `json:"verified"`
		Primary                 *bool `json:"primary"`
		ReservedForSecondFactor *bool `json:"reserved_for_second_factor"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	pn, ok := e.st.phones[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("phone number")
	}
	now := e.nowMillis()
	if req.Verified != nil {
		pn.verified = *req.Verified
	}
	if req.ReservedForSecondFactor != nil {
		pn.reservedFor2FA = *req.ReservedForSecondFactor
	}
	if isTrue(req.Primary) {
		e.st.users[pn.userID].primaryPhoneID = pn.id
	}
	pn.updatedAt = now
	e.st.users[pn.userID].updatedAt = now
	return http.StatusOK, e.st.phoneJSON(pn), nil
}

func (e *Emulator) deletePhoneNumber(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	pn, ok := e.st.phones[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("phone number")
	}
	u := e.st.users[pn.userID]
	u.phoneIDs = slices.DeleteFunc(u.phoneIDs, func(id string) bool { return id == pn.id })
	if u.primaryPhoneID == pn.id {
		u.primaryPhoneID = firstOr(u.phoneIDs)
	}
	u.updatedAt = e.nowMillis()
	delete(e.st.phones, pn.id)
	return http.StatusOK, deletedObject{Object: "phone_number", ID: pn.id, Deleted: true}, nil
}
