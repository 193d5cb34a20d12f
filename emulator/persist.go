package emulator

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Persistence: with [Options.DataDir] the whole state (the store, the
// machine tokens and the signing key with its kid) is one JSON file,
// rewritten atomically after every change and read back by [New].

// StateFileName is the name of the state file inside [Options.DataDir].
const StateFileName = "emulator-state.json"

// stateVersion is the state file format this package writes and reads. A
// file with another version is refused, never guessed at.
const stateVersion = 1

// maxStateBytes bounds the state file [New] reads (64 MiB).
const maxStateBytes = 64 << 20

// stateFile is the state file's JSON document.
type stateFile struct {
	Version       int             `json:"version"`
	KeyID         string          `json:"kid"`
	SigningKey    string          `json:"signing_key"` // PKCS#8 "PRIVATE KEY" PEM
	Store         *store          `json:"store"`
	MachineTokens []machineRecord `json:"machine_tokens"`
}

// machineRecord is one opaque machine token with its secret.
type machineRecord struct {
	Token  *machineToken `json:"token"`
	Secret string        `json:"secret"`
}

// loadedState is what a valid state file holds.
type loadedState struct {
	key  *rsa.PrivateKey
	kid  string
	st   *store
	mach machineStore
}

// loadState reads dir's state file. found is false, with no error, when
// dir holds no state file yet; any other failure is an error that names
// the file and what is wrong with it.
func loadState(dir string) (ls *loadedState, found bool, err error) {
	path := filepath.Join(dir, StateFileName)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, fmt.Errorf("emulator: state file %s: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	raw, err := io.ReadAll(io.LimitReader(f, maxStateBytes+1))
	if err != nil {
		return nil, true, fmt.Errorf("emulator: state file %s: %w", path, err)
	}
	if len(raw) > maxStateBytes {
		return nil, true, fmt.Errorf("emulator: state file %s: larger than %d bytes", path, maxStateBytes)
	}
	ls, err = decodeState(raw)
	if err != nil {
		return nil, true, fmt.Errorf("emulator: state file %s: %w", path, err)
	}
	return ls, true, nil
}

// decodeState parses and checks a state file: one JSON object of a known
// version, no unknown keys, a usable RSA key, and records that reference
// each other consistently (so that no later request can trip over a
// dangling id). Its errors say what is wrong, never what a secret is.
func decodeState(raw []byte) (*loadedState, error) {
	var sf stateFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&sf); err != nil {
		return nil, fmt.Errorf("not a valid state document: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("not a valid state document: data after the JSON object")
	}
	if sf.Version != stateVersion {
		return nil, fmt.Errorf("unsupported version %d (this build reads version %d)", sf.Version, stateVersion)
	}
	if sf.KeyID == "" {
		return nil, errors.New("kid is missing")
	}
	key, err := parseSigningKey(sf.SigningKey)
	if err != nil {
		return nil, err
	}
	if sf.Store == nil {
		return nil, errors.New("store is missing")
	}
	if err := sf.Store.check(); err != nil {
		return nil, err
	}
	ls := &loadedState{key: key, kid: sf.KeyID, st: sf.Store}
	for i, m := range sf.MachineTokens {
		if m.Token == nil || m.Token.ID == "" || m.Secret == "" {
			return nil, fmt.Errorf("machine token %d: id or secret missing", i)
		}
		if ls.mach.bySecret[m.Secret] != nil || ls.mach.byID[m.Token.ID] != nil {
			return nil, fmt.Errorf("machine token %s: duplicate id or secret", m.Token.ID)
		}
		m.Token.secret = m.Secret
		ls.mach.add(m.Token)
	}
	return ls, nil
}

// parseSigningKey reads the PKCS#8 PEM of an RSA key of at least 2048 bits.
func parseSigningKey(s string) (*rsa.PrivateKey, error) {
	block, rest := pem.Decode([]byte(s))
	if block == nil || block.Type != "PRIVATE KEY" || len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("signing_key is not one PKCS#8 PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("signing_key does not parse as PKCS#8")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok || rk.N.BitLen() < 2048 {
		return nil, errors.New("signing_key is not an RSA key of at least 2048 bits")
	}
	return rk, nil
}

// check verifies that a decoded store is whole: no nil records, each
// record filed under its own id, the creation counter ahead of every
// record's, and every reference that a view or a token follows pointing at
// a record that exists. It reports the first problem and how many more.
func (s *store) check() error {
	s.fillMaps()
	c := &storeCheck{maxSeq: s.Seq}
	keyed(c, "user", s.Users, func(u *user) string { return u.ID })
	keyed(c, "email address", s.Emails, func(e *emailAddress) string { return e.ID })
	keyed(c, "phone number", s.Phones, func(p *phoneNumber) string { return p.ID })
	keyed(c, "session", s.Sessions, func(x *session) string { return x.ID })
	keyed(c, "client", s.Clients, func(x *client) string { return x.ID })
	keyed(c, "organization", s.Orgs, func(o *organization) string { return o.ID })
	keyed(c, "membership", s.Memberships, func(m *membership) string { return m.ID })
	keyed(c, "organization invitation", s.OrgInvitations, func(i *orgInvitation) string { return i.ID })
	keyed(c, "invitation", s.Invitations, func(i *invitation) string { return i.ID })
	keyed(c, "allowlist identifier", s.Allowlist, func(a *allowlistIdentifier) string { return a.ID })
	keyed(c, "redirect url", s.RedirectURLs, func(u *redirectURL) string { return u.ID })
	keyed(c, "sign-in token", s.SignInTokens, func(t *signInToken) string { return t.ID })
	keyed(c, "email", s.SentEmails, func(m *email) string { return m.ID })
	keyed(c, "sms message", s.SentSMS, func(m *smsMessage) string { return m.ID })
	if len(c.errs) == 0 { // references are only followed between sound records
		s.checkReferences(c)
	}
	switch len(c.errs) {
	case 0:
		return nil
	case 1:
		return c.errs[0]
	default:
		return fmt.Errorf("%w (and %d more problems)", c.errs[0], len(c.errs)-1)
	}
}

// storeCheck collects the problems store.check finds.
type storeCheck struct {
	maxSeq int64
	errs   []error
}

func (c *storeCheck) bad(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

// keyed checks one collection: no nil record, key = id, seq within the
// store's counter.
func keyed[R any, P interface {
	*R
	stamped
}](c *storeCheck, kind string, m map[string]P, id func(P) string) {
	for k, v := range m {
		switch {
		case v == nil:
			c.bad("%s %q is null", kind, k)
		case id(v) != k:
			c.bad("%s filed under %q has id %q", kind, k, id(v))
		case v.stampOf().Seq > c.maxSeq:
			c.bad("%s %q has seq %d beyond the store's %d", kind, k, v.stampOf().Seq, c.maxSeq)
		}
	}
}

// checkReferences checks the ids that views and tokens follow: a user's
// identifications are its own, identifications and memberships belong to
// existing users (and organizations), organization invitations to existing
// organizations, sessions to existing clients.
func (s *store) checkReferences(c *storeCheck) {
	for _, u := range s.Users {
		for _, id := range u.EmailIDs {
			if e := s.Emails[id]; e == nil || e.UserID != u.ID {
				c.bad("user %q lists email address %q that is not its own", u.ID, id)
			}
		}
		for _, id := range u.PhoneIDs {
			if p := s.Phones[id]; p == nil || p.UserID != u.ID {
				c.bad("user %q lists phone number %q that is not its own", u.ID, id)
			}
		}
	}
	for _, e := range s.Emails {
		if s.Users[e.UserID] == nil {
			c.bad("email address %q belongs to unknown user %q", e.ID, e.UserID)
		}
	}
	for _, p := range s.Phones {
		if s.Users[p.UserID] == nil {
			c.bad("phone number %q belongs to unknown user %q", p.ID, p.UserID)
		}
	}
	for _, m := range s.Memberships {
		if s.Orgs[m.OrgID] == nil || s.Users[m.UserID] == nil {
			c.bad("membership %q joins unknown organization %q or user %q", m.ID, m.OrgID, m.UserID)
		}
	}
	for _, inv := range s.OrgInvitations {
		if s.Orgs[inv.OrgID] == nil {
			c.bad("organization invitation %q is for unknown organization %q", inv.ID, inv.OrgID)
		}
	}
	for _, sess := range s.Sessions {
		if s.Clients[sess.ClientID] == nil {
			c.bad("session %q is in unknown client %q", sess.ID, sess.ClientID)
		}
	}
}

// fillMaps gives a decoded store an empty map for every collection the
// file left out.
func (s *store) fillMaps() {
	fresh := newStore()
	fill(&s.Users, fresh.Users)
	fill(&s.Emails, fresh.Emails)
	fill(&s.Phones, fresh.Phones)
	fill(&s.Sessions, fresh.Sessions)
	fill(&s.Clients, fresh.Clients)
	fill(&s.Orgs, fresh.Orgs)
	fill(&s.Memberships, fresh.Memberships)
	fill(&s.OrgInvitations, fresh.OrgInvitations)
	fill(&s.Invitations, fresh.Invitations)
	fill(&s.Allowlist, fresh.Allowlist)
	fill(&s.RedirectURLs, fresh.RedirectURLs)
	fill(&s.SignInTokens, fresh.SignInTokens)
	fill(&s.SentEmails, fresh.SentEmails)
	fill(&s.SentSMS, fresh.SentSMS)
}

func fill[M ~map[string]V, V any](dst *M, empty M) {
	if *dst == nil {
		*dst = empty
	}
}

// encodeState renders the state file. The caller holds e.mu.
func (e *Emulator) encodeState() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(e.key)
	if err != nil {
		return nil, fmt.Errorf("emulator: encode signing key: %w", err)
	}
	sf := stateFile{
		Version: stateVersion, KeyID: e.kid, Store: e.st, MachineTokens: []machineRecord{},
		SigningKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
	}
	for _, id := range slices.Sorted(maps.Keys(e.mach.byID)) { // sorted: the same state, the same bytes
		t := e.mach.byID[id]
		sf.MachineTokens = append(sf.MachineTokens, machineRecord{Token: t, Secret: t.secret})
	}
	b, err := json.MarshalIndent(sf, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("emulator: encode state: %w", err)
	}
	return append(b, '\n'), nil
}

// saveLocked writes the state to the data directory, if there is one:
// a temporary file in the same directory, fsynced, then renamed over the
// state file (0600), then the directory fsynced, so that a crash leaves
// either the old or the new state, never a torn file. The caller holds
// e.mu.
func (e *Emulator) saveLocked() error {
	if e.dataDir == "" {
		return nil
	}
	b, err := e.encodeState()
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(e.dataDir, StateFileName), b)
}

func writeFileAtomic(path string, b []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return fmt.Errorf("emulator: save state: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("emulator: save state: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		return fmt.Errorf("emulator: save state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("emulator: save state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("emulator: save state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("emulator: save state: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		_ = d.Close()
	}
	return nil
}
