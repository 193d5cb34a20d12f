package emulator

import (
	"net/http"
	"strings"
)

// createUserRequest is the body of POST /v1/users.
type createUserRequest struct {
	ExternalID              *string        `json:"external_id"`
	EmailAddress            []string       `json:"email_address"`
	PhoneNumber             []string       `json:"phone_number"`
	Username                *string        `json:"username"`
	Password                *string        `json:"password"`
	FirstName               *string        `json:"first_name"`
	LastName                *string        `json:"last_name"`
	SkipPasswordChecks      bool           `json:"skip_password_checks"`
	SkipPasswordRequirement bool           `json:"skip_password_requirement"`
	TOTPSecret              *string        `json:"totp_secret"`
	BackupCodes             []string       `json:"backup_codes"`
	PublicMetadata          map[string]any `json:"public_metadata"`
	PrivateMetadata         map[string]any `json:"private_metadata"`
	UnsafeMetadata          map[string]any `json:"unsafe_metadata"`
}

// validate checks formats and uniqueness against the store. The caller
// holds e.mu.
func (req *createUserRequest) validate(s *store) error {
	seen := map[string]bool{}
	for _, a := range req.EmailAddress {
		if !validEmail(a) {
			return errParamInvalid("email_address", "email_address must be a valid email address")
		}
		if seen[strings.ToLower(a)] || s.emailTaken(a) {
			return errIdentifierExists("email_address")
		}
		seen[strings.ToLower(a)] = true
	}
	for _, p := range req.PhoneNumber {
		if !validPhone(p) {
			return errParamInvalid("phone_number", "phone_number must be in E.164 format, e.g. +15555550100")
		}
		if seen[p] || s.phoneTaken(p) {
			return errIdentifierExists("phone_number")
		}
		seen[p] = true
	}
	if req.Username != nil {
		if !validUsername(*req.Username) {
			return errParamInvalid("username", "username must be 3 to 64 letters, digits, '_' or '-'")
		}
		if s.usernameTaken(*req.Username, "") {
			return errIdentifierExists("username")
		}
	}
	if req.Password != nil {
		return checkNewPassword(*req.Password, req.SkipPasswordChecks)
	}
	return nil
}

func (e *Emulator) createUser(r *http.Request) (int, any, error) {
	var req createUserRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := req.validate(e.st); err != nil {
		return 0, nil, err
	}
	u := e.st.addUser(newID("user_"), e.nowMillis(), &req)
	return http.StatusOK, e.st.userView(u), nil
}

// addUser stores a user built from a validated request. The caller holds e.mu.
func (s *store) addUser(id string, now int64, req *createUserRequest) *user {
	u := &user{
		stamp: s.newStamp(now), id: id,
		externalID: deref(req.ExternalID), username: deref(req.Username),
		firstName: deref(req.FirstName), lastName: deref(req.LastName),
		publicMeta: orEmpty(req.PublicMetadata), privateMeta: orEmpty(req.PrivateMetadata),
		unsafeMeta:  orEmpty(req.UnsafeMetadata),
		totpEnabled: req.TOTPSecret != nil, backupCodes: len(req.BackupCodes) > 0,
	}
	if req.Password != nil {
		u.setPassword(*req.Password)
	}
	for _, a := range req.EmailAddress {
		s.addEmail(u, a, true, now)
	}
	for _, p := range req.PhoneNumber {
		s.addPhone(u, p, true, now)
	}
	s.users[u.id] = u
	return u
}

// addEmail attaches a new identification to u; the first becomes primary.
func (s *store) addEmail(u *user, address string, verified bool, now int64) *emailAddress {
	ea := &emailAddress{stamp: s.newStamp(now), id: newID("idn_"), userID: u.id, address: address, verified: verified}
	s.emails[ea.id] = ea
	u.emailIDs = append(u.emailIDs, ea.id)
	if u.primaryEmailID == "" {
		u.primaryEmailID = ea.id
	}
	return ea
}

// addPhone attaches a new phone number to u; the first becomes primary.
func (s *store) addPhone(u *user, number string, verified bool, now int64) *phoneNumber {
	pn := &phoneNumber{stamp: s.newStamp(now), id: newID("idn_"), userID: u.id, number: number, verified: verified}
	s.phones[pn.id] = pn
	u.phoneIDs = append(u.phoneIDs, pn.id)
	if u.primaryPhoneID == "" {
		u.primaryPhoneID = pn.id
	}
	return pn
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// lookupUser returns the user with the path's {id}. The caller holds e.mu.
func (e *Emulator) lookupUser(r *http.Request) (*user, error) {
	u, ok := e.st.users[r.PathValue("id")]
	if !ok {
		return nil, errNotFound("user")
	}
	return u, nil
}

func (e *Emulator) getUser(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, e.st.userView(u), nil
}

// deletedObject is Clerk's answer to a deletion.
type deletedObject struct {
	Object  string  `json:"object"`
	ID      string  `json:"id"`
	Slug    *string `json:"slug,omitempty"`
	Deleted bool    `json:"deleted"`
}

func (e *Emulator) deleteUser(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	e.st.removeUser(u, e.nowMillis())
	return http.StatusOK, deletedObject{Object: "user", ID: u.id, Deleted: true}, nil
}

// removeUser deletes u with its identifications and memberships, and ends
// its sessions. The caller holds e.mu.
func (s *store) removeUser(u *user, now int64) {
	for _, id := range u.emailIDs {
		delete(s.emails, id)
	}
	for _, id := range u.phoneIDs {
		delete(s.phones, id)
	}
	for id, m := range s.memberships {
		if m.userID == u.id {
			delete(s.memberships, id)
		}
	}
	s.endUserSessions(u.id, "removed", now)
	delete(s.users, u.id)
}
