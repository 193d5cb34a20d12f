package emulator

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
	CreatedAt             int64              `json:"created_at"`
	UpdatedAt             int64              `json:"updated_at"`
}

// verificationJSON is the nested Verification object.
type verificationJSON struct {
	Status   string `json:"status"`
	Strategy string `json:"strategy"`
	Attempts *int   `json:"attempts"`
	ExpireAt *int64 `json:"expire_at"`
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

func verification(verified bool, strategy string) verificationJSON {
	if verified {
		return verificationJSON{Status: "verified", Strategy: strategy}
	}
	return verificationJSON{Status: "unverified", Strategy: strategy}
}

func emailView(e *emailAddress) emailAddressJSON {
	return emailAddressJSON{
		ID: e.id, Object: "email_address", EmailAddress: e.address,
		Verification: verification(e.verified, "admin"), LinkedTo: []any{},
		CreatedAt: e.createdAt, UpdatedAt: e.updatedAt,
	}
}

func phoneView(p *phoneNumber, isDefault2FA bool) phoneNumberJSON {
	return phoneNumberJSON{
		ID: p.id, Object: "phone_number", PhoneNumber: p.number,
		ReservedForSecondFactor: p.reservedFor2FA, DefaultSecondFactor: isDefault2FA,
		Verification: verification(p.verified, "admin"), LinkedTo: []any{},
		CreatedAt: p.createdAt, UpdatedAt: p.updatedAt,
	}
}

// userView renders u. The caller holds e.mu.
func (s *store) userView(u *user) userJSON {
	v := userJSON{
		Object: "user", ID: u.id,
		ExternalID:            strOrNil(u.externalID),
		PrimaryEmailAddressID: strOrNil(u.primaryEmailID),
		PrimaryPhoneNumberID:  strOrNil(u.primaryPhoneID),
		Username:              strOrNil(u.username),
		FirstName:             strOrNil(u.firstName),
		LastName:              strOrNil(u.lastName),
		ProfileImageURL:       "https://img.clerk.com/authsvc-emulator/default.png",
		ImageURL:              "https://img.clerk.com/authsvc-emulator/default.png",
		PasswordEnabled:       u.pwHash != nil,
		TOTPEnabled:           u.totpEnabled,
		BackupCodeEnabled:     u.backupCodes,
		TwoFactorEnabled:      u.totpEnabled || u.backupCodes,
		Banned:                u.banned,
		Locked:                false,
		EmailAddresses:        make([]emailAddressJSON, 0, len(u.emailIDs)),
		PhoneNumbers:          make([]phoneNumberJSON, 0, len(u.phoneIDs)),
		Web3Wallets:           []any{},
		ExternalAccounts:      []any{},
		PublicMetadata:        orEmpty(u.publicMeta),
		PrivateMetadata:       orEmpty(u.privateMeta),
		UnsafeMetadata:        orEmpty(u.unsafeMeta),
		LastSignInAt:          int64OrNil(u.lastSignInAt),
		CreatedAt:             u.createdAt,
		UpdatedAt:             u.updatedAt,
	}
	for _, id := range u.emailIDs {
		v.EmailAddresses = append(v.EmailAddresses, emailView(s.emails[id]))
	}
	for _, id := range u.phoneIDs {
		v.PhoneNumbers = append(v.PhoneNumbers, s.phoneJSON(s.phones[id]))
	}
	return v
}
