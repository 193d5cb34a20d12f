package verifier

import "encoding/json"

// Claims are the verified claims of a Clerk session token. Both claim-set
// versions decode into the same fields: v1's org_id/org_slug/org_role/
// org_permissions and v2's compact "o" object (role reported as "org:"+rol).
//
// A *Claims returned by the verifier may be shared with other callers through
// the decision cache: treat it, and its slices, as read-only.
type Claims struct {
	SessionID       string   // sid
	UserID          string   // sub
	AuthorizedParty string   // azp
	Issuer          string   // iss
	IssuedAt        int64    // iat, Unix seconds; 0 when absent
	HasIssuedAt     bool     // whether iat was present
	NotBefore       int64    // nbf, Unix seconds; 0 when absent
	ExpiresAt       int64    // exp, Unix seconds
	OrgID           string   // org_id or o.id
	OrgSlug         string   // org_slug or o.slg
	OrgRole         string   // org_role or "org:"+o.rol
	OrgPermissions  []string // org_permissions, or rebuilt from o.per and o.fpm
	Version         int      // 1, or 2 when "v": 2
	// SessionStatus is sts: "active", "pending" (tasks left, such as
	// choosing an organization; refused unless pending sessions are
	// accepted), or "" when the token has none.
	SessionStatus string
	// Audience is aud: a string claim becomes one entry; nil when absent
	// or an empty array.
	Audience []string
	// Features is fea and Plans is pla, each split at commas into its
	// "scope:name" entries (spaces trimmed, empty entries dropped); nil when
	// absent.
	Features, Plans []string
	// Reverification is fva, how long ago the factors were verified; nil
	// when the token has none.
	Reverification *FactorVerificationAge
	// Actor is the act claim's JSON, nil when absent.
	Actor json.RawMessage
	// Raw is the payload's JSON exactly as it was signed: every claim.
	Raw json.RawMessage
}

// FactorVerificationAge is the fva claim: the minutes since the session's
// user last verified a first and a second factor; -1 means never (or no
// second factor).
type FactorVerificationAge struct {
	FirstFactorMinutes  int64
	SecondFactorMinutes int64
}
