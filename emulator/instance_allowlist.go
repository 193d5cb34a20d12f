package emulator

import (
	"net/http"
	"strings"
)

type allowlistIdentifier struct {
	stamp
	ID         string `json:"id"`
	Identifier string `json:"identifier"`
	Kind       string `json:"kind"`
}

// allowlistJSON is Clerk's AllowlistIdentifier resource.
type allowlistJSON struct {
	Object         string  `json:"object"`
	ID             string  `json:"id"`
	Identifier     string  `json:"identifier"`
	IdentifierType string  `json:"identifier_type"`
	InvitationID   *string `json:"invitation_id"`
	CreatedAt      int64   `json:"created_at"`
	UpdatedAt      int64   `json:"updated_at"`
}

func allowlistView(a *allowlistIdentifier) allowlistJSON {
	return allowlistJSON{Object: "allowlist_identifier", ID: a.ID, Identifier: a.Identifier,
		IdentifierType: a.Kind, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// identifierKind classifies an allowlist identifier, or returns "".
func identifierKind(s string) string {
	switch {
	case strings.HasPrefix(s, "*@") && validEmail("x"+s[1:]):
		return "email_address"
	case validEmail(s):
		return "email_address"
	case validPhone(s):
		return "phone_number"
	case strings.HasPrefix(s, "0x") && len(s) == 42:
		return "web3_wallet"
	}
	return ""
}

func (e *Emulator) listAllowlist(*http.Request, *noBody) (int, any, error) {
	out := []allowlistJSON{}
	for _, a := range sorted(e.st.Allowlist) {
		out = append(out, allowlistView(a))
	}
	return http.StatusOK, out, nil
}

// createAllowlistRequest is the body of POST /v1/allowlist_identifiers.
type createAllowlistRequest struct {
	Identifier *string `json:"identifier"`
	Notify     *bool   `json:"notify"`
}

func (e *Emulator) createAllowlist(r *http.Request, req *createAllowlistRequest) (int, any, error) {
	if req.Identifier == nil || *req.Identifier == "" {
		return 0, nil, errParamMissing("identifier")
	}
	kind := identifierKind(*req.Identifier)
	if kind == "" {
		return 0, nil, errParamInvalid("identifier", "identifier must be an email address, *@domain, phone number or web3 wallet")
	}
	for _, a := range e.st.Allowlist {
		if strings.EqualFold(a.Identifier, *req.Identifier) {
			return 0, nil, errDuplicate("the identifier is already on the allowlist")
		}
	}
	a := &allowlistIdentifier{stamp: e.st.newStamp(e.nowMillis()), ID: newID("alid_"),
		Identifier: *req.Identifier, Kind: kind}
	e.st.Allowlist[a.ID] = a
	return http.StatusOK, allowlistView(a), nil
}

func (e *Emulator) deleteAllowlist(r *http.Request, _ *noBody) (int, any, error) {
	id := r.PathValue("id")
	if _, ok := e.st.Allowlist[id]; !ok {
		return 0, nil, errNotFound("allowlist identifier")
	}
	delete(e.st.Allowlist, id)
	return http.StatusOK, deletedObject{Object: "allowlist_identifier", ID: id, Deleted: true}, nil
}
