package emulator

import (
	"net/http"
)

type phoneNumber struct {
	stamp
	id, userID, number string
	verified           bool
	reservedFor2FA     bool
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
		ID: p.id, Object: "phone_number", PhoneNumber: p.number,
		ReservedForSecondFactor: p.reservedFor2FA, DefaultSecondFactor: isDefault2FA,
		Verification: verification(p.verified, "admin"), LinkedTo: []any{},
		CreatedAt: p.createdAt, UpdatedAt: p.updatedAt,
	}
}

// phoneJSON renders pn; it is the default second factor when it is reserved
// for 2FA and primary. The caller holds e.mu.
func (s *store) phoneJSON(pn *phoneNumber) phoneNumberJSON {
	return phoneView(pn, pn.reservedFor2FA && s.users[pn.userID].primaryPhoneID == pn.id)
}

func validPhone(s string) bool { return phoneRE.MatchString(s) }

// phoneTaken reports whether number already belongs to any user.
func (s *store) phoneTaken(number string) bool {
	for _, p := range s.phones {
		if p.number == number {
			return true
		}
	}
	return false
}

// addPhone attaches a new phone number to u; the first becomes primary.
func (s *store) addPhone(u *user, number string, verified bool, now int64) *phoneNumber {
	pn := &phoneNumber{stamp: s.newStamp(now), id: newID("idn_"), userID: u.id, number: number, verified: verified}
	s.phones[pn.id] = pn
	attach(&u.phoneIDs, &u.primaryPhoneID, pn.id)
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
	pn.reservedFor2FA = isTrue(req.ReservedForSecondFactor)
	if isTrue(req.Primary) {
		u.primaryPhoneID = pn.id
	}
	u.updatedAt = now
	return http.StatusOK, e.st.phoneJSON(pn), nil
}

func (e *Emulator) getPhoneNumber(r *http.Request, _ *noBody) (int, any, error) {
	pn, ok := e.st.phones[r.PathValue("id")]
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

func (e *Emulator) deletePhoneNumber(r *http.Request, _ *noBody) (int, any, error) {
	pn, ok := e.st.phones[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("phone number")
	}
	u := e.st.users[pn.userID]
	detach(&u.phoneIDs, &u.primaryPhoneID, pn.id)
	u.updatedAt = e.nowMillis()
	delete(e.st.phones, pn.id)
	return http.StatusOK, deletedObject{Object: "phone_number", ID: pn.id, Deleted: true}, nil
}
