package emulator

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"net/mail"
	"regexp"
)

// user is a stored user. Identifications live in store.emails/store.phones
// and are referenced by id in creation order.
type user struct {
	stamp
	id             string
	externalID     string
	username       string
	firstName      string
	lastName       string
	pwSalt, pwHash []byte
	emailIDs       []string
	phoneIDs       []string
	primaryEmailID string
	primaryPhoneID string
	publicMeta     map[string]any
	privateMeta    map[string]any
	unsafeMeta     map[string]any
	totpEnabled    bool
	backupCodes    bool
	banned         bool
	lastSignInAt   int64
}

type emailAddress struct {
	stamp
	id, userID, address string
	verified            bool
}

type phoneNumber struct {
	stamp
	id, userID, number string
	verified           bool
	reservedFor2FA     bool
}

// pbkdf2Iter is deliberately modest: the emulator keeps passwords only so
// that verify_password works in development and tests.
const pbkdf2Iter = 4096

func (u *user) setPassword(pw string) {
	u.pwSalt = make([]byte, 16)
	_, _ = rand.Read(u.pwSalt)
	u.pwHash = hashPassword(pw, u.pwSalt)
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

// validEmail accepts a bare addr-spec ("a@b.c"), not a display-name form.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && len(s) <= 320
}

func validPhone(s string) bool    { return phoneRE.MatchString(s) }
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

// mergeMetadata returns a fresh map: old with patch applied, where each
// top-level key of patch replaces the old value and a null value deletes it.
func mergeMetadata(old, patch map[string]any) map[string]any {
	out := make(map[string]any, len(old)+len(patch))
	for k, v := range old {
		out[k] = v
	}
	for k, v := range patch {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// orEmpty returns m, or a fresh empty map when m is nil, so that metadata
// always encodes as an object.
func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// strOrNil encodes "" as JSON null.
func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// int64OrNil encodes 0 as JSON null.
func int64OrNil(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}
