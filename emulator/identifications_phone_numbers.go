package emulator

import (
	"net/http"
)

type phoneNumber struct {
	stamp
	ID             string `json:"id"`
	UserID         string `json:"user_id"`
	Number         string `json:"number"`
	Verified       bool   `json:"verified"`
	ReservedFor2FA bool   `json:"reserved_for2fa"`
}

// phoneNumberJSON is Clerk's PhoneNumber resource (object "phone_number").
type phoneNumberJSON struct {
	ID                      string           `json:"id"`
	Object                  string           `json:"object"`
	PhoneNumber             string           `json:"phone_number"`
	ReservedForSecondFactor bool             `json:"reserved_for_second_factor"`
	DefaultSecondFactor     bool             `json:"default_second_factor"`
	Reserved                bool             `json:"reserved"`
	Verification            verificationJSON `json:"verification"`
	LinkedTo                []any            `json:"linked_to"`
	BackupCodes             []string         `json:"backup_codes"`
	CreatedAt               int64            `json:"created_at"`
	UpdatedAt               int64            `json:"updated_at"`
}

func phoneView(p *phoneNumber, isDefault2FA bool) phoneNumberJSON {
	return phoneNumberJSON{
		ID: p.ID, Object: "phone_number", PhoneNumber: p.Number,
		ReservedForSecondFactor: p.ReservedFor2FA, DefaultSecondFactor: isDefault2FA,
		Verification: verification(p.Verified, "admin"), LinkedTo: []any{},
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

// phoneJSON renders pn; it is the default second factor when it is reserved
// for 2FA and primary. The caller holds e.mu.
func (s *store) phoneJSON(pn *phoneNumber) phoneNumberJSON {
	return phoneView(pn, pn.ReservedFor2FA && s.Users[pn.UserID].PrimaryPhoneID == pn.ID)
}

func validPhone(s string) bool { return phoneRE.MatchString(s) }

// phoneTaken reports whether number already belongs to any user.
func (s *store) phoneTaken(number string) bool {
	for _, p := range s.Phones {
		if p.Number == number {
			return true
		}
	}
	return false
}

// addPhone attaches a new phone number to u; the first becomes primary.
func (s *store) addPhone(u *user, number string, verified bool, now int64) *phoneNumber {
	pn := &phoneNumber{stamp: s.newStamp(now), ID: newID("idn_"), UserID: u.ID, Number: number, Verified: verified}
	s.Phones[pn.ID] = pn
	attach(&u.PhoneIDs, &u.PrimaryPhoneID, pn.ID)
	return pn
}

// createPhoneRequest is the body of POST /v1/phone_numbers.
type createPhoneRequest struct {
	UserID                  *string `json:"user_id"`
	PhoneNumber             *string `json:"phone_number"`
	Verified                *bool   `json:"verified"`
	Primary                 *bool   `json:"primary"`
	ReservedForSecondFactor *bool   `json:"reserved_for_second_factor"`
}

func errPhoneInvalid() error {
	return errParamInvalid("phone_number", "phone_number must be in E.164 format, e.g. +15555550100")
}

func (e *Emulator) createPhoneNumber(r *http.Request, req *createPhoneRequest) (int, any, error) {
	if req.PhoneNumber == nil || *req.PhoneNumber == "" {
		return 0, nil, errParamMissing("phone_number")
	}
	if !validPhone(*req.PhoneNumber) {
		return 0, nil, errPhoneInvalid()
	}
	u, err := e.st.owner(req.UserID)
	if err != nil {
		return 0, nil, err
	}
	if e.st.phoneTaken(*req.PhoneNumber) {
		return 0, nil, errIdentifierExists("phone_number")
	}
	now := e.nowMillis()
	pn := e.st.addPhone(u, *req.PhoneNumber, isTrue(req.Verified), now)
	pn.ReservedFor2FA = isTrue(req.ReservedForSecondFactor)
	if isTrue(req.Primary) {
		u.PrimaryPhoneID = pn.ID
	}
	u.UpdatedAt = now
	return http.StatusOK, e.st.phoneJSON(pn), nil
}

func (e *Emulator) getPhoneNumber(r *http.Request, _ *noBody) (int, any, error) {
	pn, ok := e.st.Phones[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("phone number")
	}
	return http.StatusOK, e.st.phoneJSON(pn), nil
}

// updatePhoneNumberRequest is the body of PATCH /v1/phone_numbers/{id}.
type updatePhoneNumberRequest struct {
	Verified                *bool `json:"verified"`
	Primary                 *bool `json:"primary"`
	ReservedForSecondFactor *bool `json:"reserved_for_second_factor"`
}

func (e *Emulator) updatePhoneNumber(r *http.Request, req *updatePhoneNumberRequest) (int, any, error) {
	pn, ok := e.st.Phones[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("phone number")
	}
	now := e.nowMillis()
	if req.Verified != nil {
		pn.Verified = *req.Verified
	}
	if req.ReservedForSecondFactor != nil {
		pn.ReservedFor2FA = *req.ReservedForSecondFactor
	}
	if isTrue(req.Primary) {
		e.st.Users[pn.UserID].PrimaryPhoneID = pn.ID
	}
	pn.UpdatedAt = now
	e.st.Users[pn.UserID].UpdatedAt = now
	return http.StatusOK, e.st.phoneJSON(pn), nil
}

func (e *Emulator) deletePhoneNumber(r *http.Request, _ *noBody) (int, any, error) {
	pn, ok := e.st.Phones[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("phone number")
	}
	u := e.st.Users[pn.UserID]
	detach(&u.PhoneIDs, &u.PrimaryPhoneID, pn.ID)
	u.UpdatedAt = e.nowMillis()
	delete(e.st.Phones, pn.ID)
	return http.StatusOK, deletedObject{Object: "phone_number", ID: pn.ID, Deleted: true}, nil
}
