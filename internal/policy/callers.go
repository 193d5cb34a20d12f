package policy

// Caller is one caller entry given in code rather than read from a file
// (dev mode builds one): the fields of a policy file's callers entry.
type Caller struct {
	Name       string
	KeySHA256  string // hex SHA-256 of the API key
	TLSSubject string
	TLSSAN     string
	Allow      []string
}

// FromCallers builds a policy from callers with the rules of [Parse]: a
// caller without a name, credential or grant, a malformed hash or glob,
// duplicate names or credentials, and an empty list are errors wrapping
// [ErrInvalid].
func FromCallers(callers []Caller) (*Policy, error) {
	f := file{Callers: make([]callerFile, 0, len(callers))}
	for _, c := range callers {
		f.Callers = append(f.Callers, callerFile{
			Name:       c.Name,
			KeySHA256:  c.KeySHA256,
			TLSSubject: c.TLSSubject,
			TLSSAN:     c.TLSSAN,
			Allow:      append([]string(nil), c.Allow...),
		})
	}
	return build(f)
}
