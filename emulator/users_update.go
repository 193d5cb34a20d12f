package emulator

import (
	"net/http"
)

// updateUserRequest is the body of PATCH /v1/users/{id}. Absent fields are
// left unchanged; metadata given here replaces the whole stored object.
type updateUserRequest struct {
	ExternalID            *string        `json:"external_id"`
	FirstName             *string        `json:"first_name"`
	LastName              *string        `json:"last_name"`
	Username              *string        `json:"username"`
	Password              *string        `json:"password"`
	SkipPasswordChecks    bool           `json:"skip_password_checks"`
	PrimaryEmailAddressID *string        `json:"primary_email_address_id"`
	PrimaryPhoneNumberID  *string        `json:"primary_phone_number_id"`
	TOTPSecret            *string        `json:"totp_secret"`
	BackupCodes           []string       `json:"backup_codes"`
	PublicMetadata        map[string]any `json:"public_metadata"`
	PrivateMetadata       map[string]any `json:"private_metadata"`
	UnsafeMetadata        map[string]any `json:"unsafe_metadata"`
}

func (req *updateUserRequest) validate(s *store, u *user) error {
	if req.Username != nil && *req.Username != "" {
		if !validUsername(*req.Username) {
			return errParamInvalid("username", "username must be 3 to 64 letters, digits, '_' or '-'")
		}
		if s.usernameTaken(*req.Username, u.id) {
			return errIdentifierExists("username")
		}
	}
	if req.Password != nil {
		if err := checkNewPassword(*req.Password, req.SkipPasswordChecks); err != nil {
			return err
		}
	}
	if id := req.PrimaryEmailAddressID; id != nil {
		if ea, ok := s.emails[*id]; !ok || ea.userID != u.id {
			return errParamValue("primary_email_address_id", "primary_email_address_id must be one of the user's email addresses")
		}
	}
	if id := req.PrimaryPhoneNumberID; id != nil {
		if pn, ok := s.phones[*id]; !ok || pn.userID != u.id {
			return errParamValue("primary_phone_number_id", "primary_phone_number_id must be one of the user's phone numbers")
		}
	}
	return nil
}

// apply changes u; req has been validated.
func (req *updateUserRequest) apply(u *user) {
	setIf(&u.externalID, req.ExternalID)
	setIf(&u.firstName, req.FirstName)
	setIf(&u.lastName, req.LastName)
	setIf(&u.username, req.Username)
	setIf(&u.primaryEmailID, req.PrimaryEmailAddressID)
	setIf(&u.primaryPhoneID, req.PrimaryPhoneNumberID)
	if req.Password != nil {
		u.setPassword(*req.Password)
	}
	if req.TOTPSecret != nil {
		u.totpEnabled = true
	}
	if req.BackupCodes != nil {
		u.backupCodes = len(req.BackupCodes) > 0
	}
	if req.PublicMetadata != nil {
		u.publicMeta = req.PublicMetadata
	}
	if req.PrivateMetadata != nil {
		u.privateMeta = req.PrivateMetadata
	}
	if req.UnsafeMetadata != nil {
		u.unsafeMeta = req.UnsafeMetadata
	}
}

func setIf(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

func (e *Emulator) updateUser(r *http.Request) (int, any, error) {
	var req updateUserRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	if err := req.validate(e.st, u); err != nil {
		return 0, nil, err
	}
	req.apply(u)
	u.updatedAt = e.nowMillis()
	return http.StatusOK, e.st.userView(u), nil
}

// metadataRequest is the body of the .../metadata merge endpoints.
type metadataRequest struct {
	PublicMetadata  map[string]any `json:"public_metadata"`
	PrivateMetadata map[string]any `json:"private_metadata"`
	UnsafeMetadata  map[string]any `json:"unsafe_metadata"`
}

func (e *Emulator) updateUserMetadata(r *http.Request) (int, any, error) {
	var req metadataRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	u.publicMeta = mergeMetadata(u.publicMeta, req.PublicMetadata)
	u.privateMeta = mergeMetadata(u.privateMeta, req.PrivateMetadata)
	u.unsafeMeta = mergeMetadata(u.unsafeMeta, req.UnsafeMetadata)
	u.updatedAt = e.nowMillis()
	return http.StatusOK, e.st.userView(u), nil
}

// setBanned bans (ending the user's sessions) or unbans a user.
func (e *Emulator) setBanned(banned bool) apiFunc {
	return func(r *http.Request) (int, any, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		u, err := e.lookupUser(r)
		if err != nil {
			return 0, nil, err
		}
		now := e.nowMillis()
		u.banned = banned
		u.updatedAt = now
		if banned {
			e.st.endUserSessions(u.id, "revoked", now)
		}
		return http.StatusOK, e.st.userView(u), nil
	}
}

func (e *Emulator) verifyPassword(r *http.Request) (int, any, error) {
	var req struct {
		Password *string `json:"password"`
	}
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Password == nil {
		return 0, nil, errParamMissing("password")
	}
	// Copy the hash under the lock (setPassword replaces, never mutates, the
	// slices) so the slow PBKDF2 runs without holding it.
	e.mu.Lock()
	u, err := e.lookupUser(r)
	var salt, hash []byte
	if err == nil {
		salt, hash = u.pwSalt, u.pwHash
	}
	e.mu.Unlock()
	if err != nil {
		return 0, nil, err
	}
	if hash == nil {
		return 0, nil, &apiError{status: http.StatusUnprocessableEntity, code: "no_password_set",
			message: "no password set", long: "the user has no password"}
	}
	if !passwordMatches(*req.Password, salt, hash) {
		return 0, nil, &apiError{status: http.StatusUnprocessableEntity, code: "form_password_incorrect",
			message: "Password is incorrect. Try again, or use another method.",
			long:    "Password is incorrect. Try again, or use another method.",
			meta:    map[string]any{"param_name": "password"}}
	}
	return http.StatusOK, map[string]bool{"verified": true}, nil
}

func (e *Emulator) disableMFA(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	u.totpEnabled, u.backupCodes = false, false
	u.updatedAt = e.nowMillis()
	return http.StatusOK, map[string]string{"user_id": u.id}, nil
}

func (e *Emulator) listUserOAuthTokens(r *http.Request) (int, any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.lookupUser(r); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, []any{}, nil
}
