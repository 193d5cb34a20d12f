package backendapi

// Conventions of the resource types in this package:
//   - JSON tags are Clerk's wire names; marshalling a decoded resource gives
//     back Clerk's keys, so the types convert to protobuf through JSON.
//   - Timestamps are int64 Unix milliseconds, as Clerk sends them.
//   - Fields Clerk documents as nullable are pointers (*string, *int64) so
//     that null survives a round trip; nil means null.
//   - Metadata is map[string]any, passed through untouched in both directions.
//   - Fields Clerk omits when empty carry omitempty; no others do.
//   - Resources are plain data: safe to share once decoded, not safe to
//     mutate concurrently.

// Verification is the verification state of an email address, phone number,
// Web3 wallet or external account.
type Verification struct {
	Status                          string  `json:"status"`
	Strategy                        string  `json:"strategy"`
	ExternalVerificationRedirectURL *string `json:"external_verification_redirect_url"`
	Attempts                        *int64  `json:"attempts"`
	ExpireAt                        *int64  `json:"expire_at"`
	Nonce                           *string `json:"nonce"`
}

// IdentificationLink links an identification (email, phone) to another one,
// such as the OAuth account it came from.
type IdentificationLink struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// DeletedObject is what Clerk returns for a deletion. ID and Slug are empty
// when Clerk did not send them; Deleted is false when Clerk answered with
// something other than a deletion marker (for example "{}").
type DeletedObject struct {
	Object  string `json:"object"`
	ID      string `json:"id,omitempty"`
	Slug    string `json:"slug,omitempty"`
	Deleted bool   `json:"deleted"`
}

// TotalCount is the answer of a count endpoint: {"object":"total_count",
// "total_count": n}.
type TotalCount struct {
	Object     string `json:"object"`
	TotalCount int64  `json:"total_count"`
}
