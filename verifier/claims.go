package verifier

// Claims are the verified claims of a Clerk session token. Both claim-set
// versions decode into the same fields: v1's org_id/org_slug/org_role/
// org_permissions and v2's compact "o" object (role reported as "org:"+rol).
type Claims struct {
	SessionID       string         // sid
	UserID          string         // sub
	AuthorizedParty string         // azp
	Issuer          string         // iss
	IssuedAt        int64          // iat, Unix seconds; 0 when absent
	NotBefore       int64          // nbf, Unix seconds; 0 when absent
	ExpiresAt       int64          // exp, Unix seconds
	HasIssuedAt     bool           // whether iat was present
	OrgID           string         // org_id or o.id
	OrgSlug         string         // org_slug or o.slg
	OrgRole         string         // org_role or "org:"+o.rol
	OrgPermissions  []string       // org_permissions, or rebuilt from o.per and o.fpm
	Actor           map[string]any // act, nil when absent
	Version         int            // 1, or 2 when "v": 2
	// Raw holds every claim as decoded from JSON (numbers as float64). Treat
	// it as read-only: it may be shared between callers through the cache.
	Raw map[string]any
}
