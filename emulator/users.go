package emulator

import (
	"cmp"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// user is a stored user. Identifications live in store.emails/store.phones
// and are referenced by id in creation order.
type user struct {
	stamp
	ID             string         `json:"id"`
	ExternalID     string         `json:"external_id"`
	Username       string         `json:"username"`
	FirstName      string         `json:"first_name"`
	LastName       string         `json:"last_name"`
	PwSalt         []byte         `json:"pw_salt"`
	PwHash         []byte         `json:"pw_hash"`
	EmailIDs       []string       `json:"email_ids"`
	PhoneIDs       []string       `json:"phone_ids"`
	PrimaryEmailID string         `json:"primary_email_id"`
	PrimaryPhoneID string         `json:"primary_phone_id"`
	PublicMeta     map[string]any `json:"public_meta"`
	PrivateMeta    map[string]any `json:"private_meta"`
	UnsafeMeta     map[string]any `json:"unsafe_meta"`
	TotpEnabled    bool           `json:"totp_enabled"`
	BackupCodes    bool           `json:"backup_codes"`
	Banned         bool           `json:"banned"`
	LastSignInAt   int64          `json:"last_sign_in_at"`
	LastActiveAt   int64          `json:"last_active_at"` // the latest session start: the emulator sees no other activity
}

// pbkdf2Iter is deliberately modest: the emulator keeps passwords only so
// that verify_password works in development and tests.
const pbkdf2Iter = 4096

func (u *user) setPassword(pw string) {
	u.PwSalt = make([]byte, 16)
	_, _ = rand.Read(u.PwSalt)
	u.PwHash = hashPassword(pw, u.PwSalt)
}

// passwordMatches compares pw with a stored salted hash in constant time.
func passwordMatches(pw string, salt, hash []byte) bool {
	return hash != nil && subtle.ConstantTimeCompare(hashPassword(pw, salt), hash) == 1
}

func hashPassword(pw string, salt []byte) []byte {
	k, err := pbkdf2.Key(sha256.New, pw, salt, pbkdf2Iter, 32)
	if err != nil { // only for an invalid key length, which 32 is not
		return nil
	}
	return k
}

var (
	phoneRE    = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	usernameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{3,64}$`)
)

func validUsername(s string) bool { return usernameRE.MatchString(s) }

// checkNewPassword validates a new password unless the caller skips the checks.
func checkNewPassword(pw string, skipChecks bool) error {
	if skipChecks {
		if pw == "" || len(pw) > 1024 {
			return errParamValue("password", "password must be between 1 and 1024 characters")
		}
		return nil
	}
	if len(pw) < 8 {
		return &apiError{status: 422, code: "form_password_length_too_short",
			message: "Passwords must be 8 characters or more.", long: "Passwords must be 8 characters or more.",
			meta: map[string]any{"param_name": "password"}}
	}
	if len(pw) > 72 {
		return &apiError{status: 422, code: "form_password_length_too_long",
			message: "Passwords must be less than 72 characters.", long: "Passwords must be less than 72 characters.",
			meta: map[string]any{"param_name": "password"}}
	}
	return nil
}

// userJSON is Clerk's User resource (object "user").
type userJSON struct {
	Object                string             `json:"object"`
	ID                    string             `json:"id"`
	ExternalID            *string            `json:"external_id"`
	PrimaryEmailAddressID *string            `json:"primary_email_address_id"`
	PrimaryPhoneNumberID  *string            `json:"primary_phone_number_id"`
	PrimaryWeb3WalletID   *string            `json:"primary_web3_wallet_id"`
	Username              *string            `json:"username"`
	FirstName             *string            `json:"first_name"`
	LastName              *string            `json:"last_name"`
	ProfileImageURL       string             `json:"profile_image_url"`
	ImageURL              string             `json:"image_url"`
	HasImage              bool               `json:"has_image"`
	Gender                string             `json:"gender"`
	Birthday              string             `json:"birthday"`
	PasswordEnabled       bool               `json:"password_enabled"`
	TOTPEnabled           bool               `json:"totp_enabled"`
	BackupCodeEnabled     bool               `json:"backup_code_enabled"`
	TwoFactorEnabled      bool               `json:"two_factor_enabled"`
	Banned                bool               `json:"banned"`
	Locked                bool               `json:"locked"`
	EmailAddresses        []emailAddressJSON `json:"email_addresses"`
	PhoneNumbers          []phoneNumberJSON  `json:"phone_numbers"`
	Web3Wallets           []any              `json:"web3_wallets"`
	ExternalAccounts      []any              `json:"external_accounts"`
	PublicMetadata        map[string]any     `json:"public_metadata"`
	PrivateMetadata       map[string]any     `json:"private_metadata"`
	UnsafeMetadata        map[string]any     `json:"unsafe_metadata"`
	LastSignInAt          *int64             `json:"last_sign_in_at"`
	LastActiveAt          *int64             `json:"last_active_at"`
	CreatedAt             int64              `json:"created_at"`
	UpdatedAt             int64              `json:"updated_at"`
}

// userView renders u. The caller holds e.mu.
func (s *store) userView(u *user) userJSON {
	v := userJSON{
		Object: "user", ID: u.ID,
		ExternalID:            strOrNil(u.ExternalID),
		PrimaryEmailAddressID: strOrNil(u.PrimaryEmailID),
		PrimaryPhoneNumberID:  strOrNil(u.PrimaryPhoneID),
		Username:              strOrNil(u.Username),
		FirstName:             strOrNil(u.FirstName),
		LastName:              strOrNil(u.LastName),
		ProfileImageURL:       "https://img.clerk.com/authsvc-emulator/default.png",
		ImageURL:              "https://img.clerk.com/authsvc-emulator/default.png",
		PasswordEnabled:       u.PwHash != nil,
		TOTPEnabled:           u.TotpEnabled,
		BackupCodeEnabled:     u.BackupCodes,
		TwoFactorEnabled:      u.TotpEnabled || u.BackupCodes,
		Banned:                u.Banned,
		Locked:                false,
		EmailAddresses:        make([]emailAddressJSON, 0, len(u.EmailIDs)),
		PhoneNumbers:          make([]phoneNumberJSON, 0, len(u.PhoneIDs)),
		Web3Wallets:           []any{},
		ExternalAccounts:      []any{},
		PublicMetadata:        orEmpty(u.PublicMeta),
		PrivateMetadata:       orEmpty(u.PrivateMeta),
		UnsafeMetadata:        orEmpty(u.UnsafeMeta),
		LastSignInAt:          int64OrNil(u.LastSignInAt),
		LastActiveAt:          int64OrNil(u.LastActiveAt),
		CreatedAt:             u.CreatedAt,
		UpdatedAt:             u.UpdatedAt,
	}
	for _, id := range u.EmailIDs {
		v.EmailAddresses = append(v.EmailAddresses, emailView(s.Emails[id]))
	}
	for _, id := range u.PhoneIDs {
		v.PhoneNumbers = append(v.PhoneNumbers, s.phoneJSON(s.Phones[id]))
	}
	return v
}

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
			return errEmailInvalid()
		}
		if seen[strings.ToLower(a)] || s.emailTaken(a) {
			return errIdentifierExists("email_address")
		}
		seen[strings.ToLower(a)] = true
	}
	for _, p := range req.PhoneNumber {
		if !validPhone(p) {
			return errPhoneInvalid()
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

func (e *Emulator) createUser(r *http.Request, req *createUserRequest) (int, any, error) {
	if err := req.validate(e.st); err != nil {
		return 0, nil, err
	}
	u := e.st.addUser(newID("user_"), e.nowMillis(), req)
	return http.StatusOK, e.st.userView(u), nil
}

// addUser stores a user built from a validated request. The caller holds e.mu.
func (s *store) addUser(id string, now int64, req *createUserRequest) *user {
	u := &user{
		stamp: s.newStamp(now), ID: id,
		ExternalID: deref(req.ExternalID), Username: deref(req.Username),
		FirstName: deref(req.FirstName), LastName: deref(req.LastName),
		PublicMeta: orEmpty(req.PublicMetadata), PrivateMeta: orEmpty(req.PrivateMetadata),
		UnsafeMeta:  orEmpty(req.UnsafeMetadata),
		TotpEnabled: req.TOTPSecret != nil, BackupCodes: len(req.BackupCodes) > 0,
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
	s.Users[u.ID] = u
	return u
}

// owner returns the user named by a user_id body field. The caller holds e.mu.
func (s *store) owner(userID *string) (*user, error) {
	if userID == nil || *userID == "" {
		return nil, errParamMissing("user_id")
	}
	u, ok := s.Users[*userID]
	if !ok {
		return nil, errNotFound("user")
	}
	return u, nil
}

// lookupUser returns the user with the path's {id}. The caller holds e.mu.
func (e *Emulator) lookupUser(r *http.Request) (*user, error) {
	u, ok := e.st.Users[r.PathValue("id")]
	if !ok {
		return nil, errNotFound("user")
	}
	return u, nil
}

// usernameTaken reports whether name is some user's username (other than exceptID).
func (s *store) usernameTaken(name, exceptID string) bool {
	for _, u := range s.Users {
		if u.ID != exceptID && u.Username != "" && strings.EqualFold(u.Username, name) {
			return true
		}
	}
	return false
}

func (e *Emulator) getUser(r *http.Request, _ *noBody) (int, any, error) {
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, e.st.userView(u), nil
}

func (e *Emulator) deleteUser(r *http.Request, _ *noBody) (int, any, error) {
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	e.st.removeUser(u, e.nowMillis())
	return http.StatusOK, deletedObject{Object: "user", ID: u.ID, Deleted: true}, nil
}

// removeUser deletes u with its identifications and memberships, and ends
// its sessions. The caller holds e.mu.
func (s *store) removeUser(u *user, now int64) {
	for _, id := range u.EmailIDs {
		delete(s.Emails, id)
	}
	for _, id := range u.PhoneIDs {
		delete(s.Phones, id)
	}
	for id, m := range s.Memberships {
		if m.UserID == u.ID {
			delete(s.Memberships, id)
		}
	}
	s.endUserSessions(u.ID, "removed", now)
	delete(s.Users, u.ID)
}

// userFilter is the query of GET /v1/users and /v1/users/count: repeated
// values of one filter are ORed, different filters are ANDed.
type userFilter struct {
	emails, phones, usernames, ids, externalIDs []string
	query                                       string
}

func parseUserFilter(q url.Values) userFilter {
	return userFilter{
		emails: q["email_address"], phones: q["phone_number"], usernames: q["username"],
		ids: q["user_id"], externalIDs: q["external_id"], query: strings.ToLower(q.Get("query")),
	}
}

// matches reports whether u passes f. The caller holds e.mu.
func (f userFilter) matches(s *store, u *user) bool {
	emails, phones := s.userIdentifiers(u)
	switch {
	case len(f.ids) > 0 && !slices.Contains(f.ids, u.ID):
		return false
	case len(f.externalIDs) > 0 && !slices.Contains(f.externalIDs, u.ExternalID):
		return false
	case len(f.usernames) > 0 && !containsFold(f.usernames, u.Username):
		return false
	case len(f.emails) > 0 && !anyFold(f.emails, emails):
		return false
	case len(f.phones) > 0 && !anyFold(f.phones, phones):
		return false
	}
	if f.query == "" {
		return true
	}
	fields := append([]string{u.ID, u.ExternalID, u.Username, u.FirstName, u.LastName}, emails...)
	for _, v := range append(fields, phones...) {
		if strings.Contains(strings.ToLower(v), f.query) {
			return true
		}
	}
	return false
}

func (s *store) userIdentifiers(u *user) (emails, phones []string) {
	for _, id := range u.EmailIDs {
		emails = append(emails, s.Emails[id].Address)
	}
	for _, id := range u.PhoneIDs {
		phones = append(phones, s.Phones[id].Number)
	}
	return emails, phones
}

// orderUsers sorts users by order_by (±created_at, ±updated_at; default
// -created_at), breaking ties by creation order.
func orderUsers(users []*user, orderBy string) error {
	desc := orderBy == "" || strings.HasPrefix(orderBy, "-")
	field := orderBy
	if orderBy != "" && (orderBy[0] == '+' || orderBy[0] == '-') {
		field = orderBy[1:]
	}
	if orderBy == "" {
		field = "created_at"
	}
	var key func(u *user) int64
	switch field {
	case "created_at":
		key = func(u *user) int64 { return u.CreatedAt }
	case "updated_at":
		key = func(u *user) int64 { return u.UpdatedAt }
	default:
		return errParamValue("order_by", "order_by must be one of created_at, updated_at, with an optional + or - prefix")
	}
	slices.SortStableFunc(users, func(a, b *user) int {
		c := cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(a.Seq, b.Seq))
		if desc {
			return -c
		}
		return c
	})
	return nil
}

// filteredUsers returns the users matching the request's filters, ordered.
// The caller holds e.mu.
func (e *Emulator) filteredUsers(r *http.Request) ([]*user, error) {
	q := r.URL.Query()
	f := parseUserFilter(q)
	var out []*user
	for _, u := range sorted(e.st.Users) {
		if f.matches(e.st, u) {
			out = append(out, u)
		}
	}
	if err := orderUsers(out, q.Get("order_by")); err != nil {
		return nil, err
	}
	return out, nil
}

func (e *Emulator) listUsers(r *http.Request, _ *noBody) (int, any, error) {
	p, err := parsePage(r)
	if err != nil {
		return 0, nil, err
	}
	users, err := e.filteredUsers(r)
	if err != nil {
		return 0, nil, err
	}
	lo, hi := p.window(len(users))
	out := make([]userJSON, 0, hi-lo)
	for _, u := range users[lo:hi] {
		out = append(out, e.st.userView(u))
	}
	return http.StatusOK, out, nil // a bare array, as Clerk's GET /v1/users; the total is GET /v1/users/count
}

func (e *Emulator) countUsers(r *http.Request, _ *noBody) (int, any, error) {
	if _, err := parsePage(r); err != nil {
		return 0, nil, err
	}
	users, err := e.filteredUsers(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, totalCount{Object: "total_count", TotalCount: len(users)}, nil
}

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
		if s.usernameTaken(*req.Username, u.ID) {
			return errIdentifierExists("username")
		}
	}
	if req.Password != nil {
		if err := checkNewPassword(*req.Password, req.SkipPasswordChecks); err != nil {
			return err
		}
	}
	if id := req.PrimaryEmailAddressID; id != nil {
		if ea, ok := s.Emails[*id]; !ok || ea.UserID != u.ID {
			return errParamValue("primary_email_address_id", "primary_email_address_id must be one of the user's email addresses")
		}
	}
	if id := req.PrimaryPhoneNumberID; id != nil {
		if pn, ok := s.Phones[*id]; !ok || pn.UserID != u.ID {
			return errParamValue("primary_phone_number_id", "primary_phone_number_id must be one of the user's phone numbers")
		}
	}
	return nil
}

// apply changes u; req has been validated.
func (req *updateUserRequest) apply(u *user) {
	setIf(&u.ExternalID, req.ExternalID)
	setIf(&u.FirstName, req.FirstName)
	setIf(&u.LastName, req.LastName)
	setIf(&u.Username, req.Username)
	setIf(&u.PrimaryEmailID, req.PrimaryEmailAddressID)
	setIf(&u.PrimaryPhoneID, req.PrimaryPhoneNumberID)
	if req.Password != nil {
		u.setPassword(*req.Password)
	}
	if req.TOTPSecret != nil {
		u.TotpEnabled = true
	}
	if req.BackupCodes != nil {
		u.BackupCodes = len(req.BackupCodes) > 0
	}
	if req.PublicMetadata != nil {
		u.PublicMeta = req.PublicMetadata
	}
	if req.PrivateMetadata != nil {
		u.PrivateMeta = req.PrivateMetadata
	}
	if req.UnsafeMetadata != nil {
		u.UnsafeMeta = req.UnsafeMetadata
	}
}

func (e *Emulator) updateUser(r *http.Request, req *updateUserRequest) (int, any, error) {
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	if err := req.validate(e.st, u); err != nil {
		return 0, nil, err
	}
	req.apply(u)
	u.UpdatedAt = e.nowMillis()
	return http.StatusOK, e.st.userView(u), nil
}

func (e *Emulator) updateUserMetadata(r *http.Request, req *metadataRequest) (int, any, error) {
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	u.PublicMeta = mergeMetadata(u.PublicMeta, req.PublicMetadata)
	u.PrivateMeta = mergeMetadata(u.PrivateMeta, req.PrivateMetadata)
	u.UnsafeMeta = mergeMetadata(u.UnsafeMeta, req.UnsafeMetadata)
	u.UpdatedAt = e.nowMillis()
	return http.StatusOK, e.st.userView(u), nil
}

// setBanned bans (ending the user's sessions) or unbans a user.
func (e *Emulator) setBanned(banned bool) apiFunc {
	return handle(e, func(r *http.Request, _ *noBody) (int, any, error) {
		u, err := e.lookupUser(r)
		if err != nil {
			return 0, nil, err
		}
		now := e.nowMillis()
		u.Banned = banned
		u.UpdatedAt = now
		if banned {
			e.st.endUserSessions(u.ID, "revoked", now)
		}
		return http.StatusOK, e.st.userView(u), nil
	})
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
		salt, hash = u.PwSalt, u.PwHash
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

func (e *Emulator) disableMFA(r *http.Request, _ *noBody) (int, any, error) {
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	u.TotpEnabled, u.BackupCodes = false, false
	u.UpdatedAt = e.nowMillis()
	return http.StatusOK, map[string]string{"user_id": u.ID}, nil
}

func (e *Emulator) listUserOAuthTokens(r *http.Request, _ *noBody) (int, any, error) {
	if _, err := e.lookupUser(r); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, []any{}, nil
}

func (e *Emulator) listUserMemberships(r *http.Request, _ *noBody) (int, any, error) {
	p, err := parsePage(r)
	if err != nil {
		return 0, nil, err
	}
	u, err := e.lookupUser(r)
	if err != nil {
		return 0, nil, err
	}
	var all []membershipJSON
	for _, m := range e.st.userMemberships(u.ID) {
		all = append(all, e.st.membershipView(m))
	}
	return http.StatusOK, paginate(all, p), nil
}
