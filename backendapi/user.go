package backendapi

// User is a Clerk user. Nullable strings and last_sign_in_at are nil when
// Clerk sent null. The identification slices are empty, not nil, after
// decoding a user that has none.
type User struct {
	Object                string             `json:"object"`
	ID                    string             `json:"id"`
	ExternalID            *string            `json:"external_id"`
	Username              *string            `json:"username"`
	FirstName             *string            `json:"first_name"`
	LastName              *string            `json:"last_name"`
	ProfileImageURL       string             `json:"profile_image_url"`
	ImageURL              string             `json:"image_url"`
	HasImage              bool               `json:"has_image"`
	Gender                string             `json:"gender"`
	Birthday              string             `json:"birthday"`
	PrimaryEmailAddressID *string            `json:"primary_email_address_id"`
	PrimaryPhoneNumberID  *string            `json:"primary_phone_number_id"`
	PrimaryWeb3WalletID   *string            `json:"primary_web3_wallet_id"`
	PasswordEnabled       bool               `json:"password_enabled"`
	TOTPEnabled           bool               `json:"totp_enabled"`
	BackupCodeEnabled     bool               `json:"backup_code_enabled"`
	TwoFactorEnabled      bool               `json:"two_factor_enabled"`
	Banned                bool               `json:"banned"`
	Locked                bool               `json:"locked"`
	PublicMetadata        map[string]any     `json:"public_metadata"`
	PrivateMetadata       map[string]any     `json:"private_metadata"`
	UnsafeMetadata        map[string]any     `json:"unsafe_metadata"`
	EmailAddresses        []*EmailAddress    `json:"email_addresses"`
	PhoneNumbers          []*PhoneNumber     `json:"phone_numbers"`
	Web3Wallets           []*Web3Wallet      `json:"web3_wallets"`
	ExternalAccounts      []*ExternalAccount `json:"external_accounts"`
	LastSignInAt          *int64             `json:"last_sign_in_at"`
	LastActiveAt          *int64             `json:"last_active_at"`
	CreatedAt             int64              `json:"created_at"`
	UpdatedAt             int64              `json:"updated_at"`
}

// ExternalAccount is a user's account at an OAuth provider. The fields keep
// Clerk's wire names: ProviderUserID is provider_user_id (the original
// called it externalId) and AvatarURL is avatar_url (the original's picture).
// ApprovedScopes is one space-separated string.
type ExternalAccount struct {
	Object           string         `json:"object"`
	ID               string         `json:"id"`
	Provider         string         `json:"provider"`
	IdentificationID string         `json:"identification_id"`
	ProviderUserID   string         `json:"provider_user_id"`
	ApprovedScopes   string         `json:"approved_scopes"`
	EmailAddress     string         `json:"email_address"`
	FirstName        string         `json:"first_name"`
	LastName         string         `json:"last_name"`
	AvatarURL        string         `json:"avatar_url"`
	ImageURL         *string        `json:"image_url"`
	Username         *string        `json:"username"`
	PublicMetadata   map[string]any `json:"public_metadata"`
	Label            *string        `json:"label"`
	Verification     *Verification  `json:"verification"`
	CreatedAt        int64          `json:"created_at"`
	UpdatedAt        int64          `json:"updated_at"`
}

// Web3Wallet is a user's Web3 wallet identification.
type Web3Wallet struct {
	Object       string        `json:"object"`
	ID           string        `json:"id"`
	Web3Wallet   string        `json:"web3_wallet"`
	Verification *Verification `json:"verification"`
}

// OAuthAccessToken is a user's access token at an OAuth provider. Token
// and TokenSecret are credentials: do not log them. Scopes is set for
// OAuth 2.0 providers, TokenSecret for OAuth 1.0 ones.
type OAuthAccessToken struct {
	Object            string         `json:"object"`
	ExternalAccountID string         `json:"external_account_id"`
	Provider          string         `json:"provider"`
	Token             string         `json:"token"`
	PublicMetadata    map[string]any `json:"public_metadata"`
	Label             *string        `json:"label"`
	Scopes            []string       `json:"scopes,omitzero"`
	TokenSecret       string         `json:"token_secret,omitempty"`
	ExpiresAt         *int64         `json:"expires_at"`
}

// PasswordVerification is the answer of [UsersService.VerifyPassword] for a
// matching password; a wrong password is an *APIError (422).
type PasswordVerification struct {
	Verified bool `json:"verified"`
}

// DisabledMFA is the answer of [UsersService.DisableMFA].
type DisabledMFA struct {
	UserID string `json:"user_id"`
}

// UserList is a page of users; see [List].
type UserList = List[User]

// OAuthAccessTokenList is the list of a user's OAuth access tokens; see [List].
type OAuthAccessTokenList = List[OAuthAccessToken]
