package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrInvalid is wrapped by every error of [Parse] and [Load] that is about
// the policy's content (as opposed to reading the file).
var ErrInvalid = errors.New("policy: invalid policy")

// maxFileBytes bounds what [Load] reads: a policy is a few kilobytes.
const maxFileBytes = 1 << 20

// maxBackendRate bounds a caller's backend_rate: far above any Clerk
// instance's budget (1000 requests per 10 s), low enough to stay an int
// everywhere.
const maxBackendRate = 1_000_000

// Policy is a parsed caller policy. It is immutable after [Parse], [Load] or
// [DevPolicy] and safe for concurrent use. A nil *Policy grants nothing: every
// protected method is denied, and the open methods stay open.
type Policy struct {
	callers []caller
	protect []string
}

// caller is one entry of the callers list, validated.
type caller struct {
	name       string
	keySHA256  []byte // 32 bytes, or nil
	tlsSubject string
	tlsSAN     string
	allow      []string
	// backendRate is the caller's own Backend API budget in requests per
	// 10 s; 0 when the policy sets none.
	backendRate int
}

// file is the YAML shape of a policy file.
type file struct {
	Protect []string     `yaml:"protect"`
	Callers []callerFile `yaml:"callers"`
}

type callerFile struct {
	Name       string   `yaml:"name"`
	KeySHA256  string   `yaml:"key_sha256"`
	TLSSubject string   `yaml:"tls_subject"`
	TLSSAN     string   `yaml:"tls_san"`
	Allow      []string `yaml:"allow"`
	// BackendRate is kept as written so that buildCaller can check it and
	// word the error itself: the YAML decoder's message names Go types.
	BackendRate rawNode `yaml:"backend_rate"`
}

// rawNode is a YAML value decoded later.
type rawNode struct{ node *yaml.Node }

// UnmarshalYAML keeps n.
func (r *rawNode) UnmarshalYAML(n *yaml.Node) error {
	r.node = n
	return nil
}

// Load reads and parses the policy file at path. Errors name the path and
// the problem in one line and never quote a key.
func Load(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("policy: read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("policy: read %s: %w", path, err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrInvalid, path, maxFileBytes)
	}
	p, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Parse parses a policy from YAML or JSON. Unknown keys, a second YAML
// document, a caller without a name, credential or grant, a malformed hash
// or glob, and duplicate names or credentials are errors wrapping
// [ErrInvalid].
func Parse(data []byte) (*Policy, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: empty policy: no callers", ErrInvalid)
		}
		return nil, fmt.Errorf("%w: %s", ErrInvalid, yamlMessage(err))
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: more than one YAML document", ErrInvalid)
	}
	return build(f)
}

// build validates the decoded file and turns it into a Policy.
func build(f file) (*Policy, error) {
	if len(f.Callers) == 0 {
		return nil, fmt.Errorf("%w: no callers", ErrInvalid)
	}
	p := &Policy{}
	for i, g := range f.Protect {
		if err := checkGlob(g); err != nil {
			return nil, fmt.Errorf("%w: protect[%d]: %w", ErrInvalid, i, err)
		}
		p.protect = append(p.protect, strings.TrimPrefix(g, "/"))
	}
	seen := map[string]string{}
	for i, cf := range f.Callers {
		c, err := buildCaller(cf)
		if err != nil {
			return nil, fmt.Errorf("%w: callers[%d] %q: %w", ErrInvalid, i, cf.Name, err)
		}
		if err := claim(seen, c); err != nil {
			return nil, fmt.Errorf("%w: callers[%d] %q: %w", ErrInvalid, i, c.name, err)
		}
		p.callers = append(p.callers, c)
	}
	return p, nil
}

// buildCaller validates one caller entry.
func buildCaller(cf callerFile) (caller, error) {
	c := caller{name: cf.Name, tlsSubject: cf.TLSSubject, tlsSAN: cf.TLSSAN}
	if strings.TrimSpace(cf.Name) == "" {
		return c, errors.New("name is required")
	}
	if cf.KeySHA256 != "" {
		sum, err := hex.DecodeString(cf.KeySHA256)
		if err != nil || len(sum) != sha256.Size {
			return c, fmt.Errorf("key_sha256 must be %d hex digits (the output of sha256sum)", 2*sha256.Size)
		}
		c.keySHA256 = sum
	}
	if c.keySHA256 == nil && c.tlsSubject == "" && c.tlsSAN == "" {
		return c, errors.New("no credential: set key_sha256, tls_subject or tls_san")
	}
	if len(cf.Allow) == 0 {
		return c, errors.New("allow is empty: it would grant nothing")
	}
	for j, g := range cf.Allow {
		if err := checkGlob(g); err != nil {
			return c, fmt.Errorf("allow[%d]: %w", j, err)
		}
		c.allow = append(c.allow, strings.TrimPrefix(g, "/"))
	}
	rate, err := backendRate(cf.BackendRate.node)
	if err != nil {
		return c, err
	}
	c.backendRate = rate
	return c, nil
}

// backendRate reads a caller's backend_rate: absent (or null, which the
// decoder does not hand over) is 0, no budget of its own; otherwise a YAML
// or JSON integer from 1 to maxBackendRate. Quoted numbers, fractions and
// anything else are refused. The error does not quote the value.
func backendRate(n *yaml.Node) (int, error) {
	if n == nil {
		return 0, nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	var v int64
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil || v < 1 || v > maxBackendRate {
		return 0, fmt.Errorf("backend_rate must be a whole number of requests per 10 s, from 1 to %d", maxBackendRate)
	}
	return int(v), nil
}

// claim records c's name and credentials in seen and fails on a duplicate:
// two callers sharing a credential would make the grant ambiguous.
func claim(seen map[string]string, c caller) error {
	keys := []string{"name:" + c.name}
	if c.keySHA256 != nil {
		keys = append(keys, "key:"+hex.EncodeToString(c.keySHA256))
	}
	if c.tlsSubject != "" {
		keys = append(keys, "tls_subject:"+c.tlsSubject)
	}
	if c.tlsSAN != "" {
		keys = append(keys, "tls_san:"+c.tlsSAN)
	}
	for _, k := range keys {
		if other, dup := seen[k]; dup {
			what, _, _ := strings.Cut(k, ":")
			return fmt.Errorf("duplicate %s (also used by %q)", what, other)
		}
		seen[k] = c.name
	}
	return nil
}

// DevPolicy returns a policy with one caller, "dev", identified by key and
// allowed every method ("*"). It is for `authsvc dev`; key is hashed and
// not kept. An empty key yields a policy that grants nothing.
func DevPolicy(key string) *Policy {
	if key == "" {
		return &Policy{}
	}
	sum := sha256.Sum256([]byte(key))
	return &Policy{callers: []caller{{name: "dev", keySHA256: sum[:], allow: []string{"*"}}}}
}

// quoted matches the values the YAML parser quotes in its messages.
var quoted = regexp.MustCompile("`[^`]*`")

// oneLine folds a multi-line parser message into one line and drops the
// values it quotes: a key pasted into the wrong field must not reach a log.
func oneLine(s string) string {
	return quoted.ReplaceAllString(strings.Join(strings.Fields(s), " "), "<value>")
}

// yamlMessage is the decoder's error as one line in the file's own terms:
// YAML shapes and key names instead of the Go types behind them
// ("cannot unmarshal !!str into []policy.callerFile" becomes "expected a
// list of callers, found a string").
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(oneLine(err.Error()), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors: ")
	msg = unmarshalErr.ReplaceAllStringFunc(msg, func(m string) string {
		sub := unmarshalErr.FindStringSubmatch(m)
		return "expected " + goTypeName(sub[2]) + ", found " + yamlTagName(sub[1])
	})
	msg = unknownField.ReplaceAllStringFunc(msg, func(m string) string {
		sub := unknownField.FindStringSubmatch(m)
		name := sub[1]
		if !plainKey.MatchString(name) {
			name = "<key>" // not a policy key name: it could be anything pasted
		}
		return "unknown key " + name + " " + fieldsOf(sub[2])
	})
	// Whatever the translations missed, no Go type name stays.
	return goType.ReplaceAllString(msg, "a value")
}

var (
	unmarshalErr = regexp.MustCompile(`cannot unmarshal (!!\w+)(?: <value>)? into (\S+)`)
	unknownField = regexp.MustCompile(`field (\S+) not found in type (\S+)`)
	plainKey     = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	goType       = regexp.MustCompile(`(\[\])*\bpolicy\.\w+`)
)

func goTypeName(t string) string {
	switch t {
	case "policy.file":
		return "a mapping with the keys callers and protect"
	case "[]policy.callerFile":
		return "a list of callers"
	case "policy.callerFile":
		return "a caller (a mapping with name, key_sha256, tls_subject, tls_san, allow)"
	case "[]string":
		return "a list of strings"
	case "string":
		return "a string"
	}
	return "another kind of value"
}

func yamlTagName(tag string) string {
	switch tag {
	case "!!str":
		return "a string"
	case "!!seq":
		return "a list"
	case "!!map":
		return "a mapping"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "null"
	}
	return "another kind of value"
}

func fieldsOf(t string) string {
	switch t {
	case "policy.file":
		return "at the top level (known: callers, protect)"
	case "policy.callerFile":
		return "in a caller (known: name, key_sha256, tls_subject, tls_san, allow)"
	}
	return "here"
}

// BackendRate returns the backend_rate of the caller named name: its own
// Backend API budget in requests per 10 s, or 0 when it has none, when no
// caller has that name, or for a nil policy.
func (p *Policy) BackendRate(name string) int {
	if p == nil {
		return 0
	}
	for i := range p.callers {
		if p.callers[i].name == name {
			return p.callers[i].backendRate
		}
	}
	return 0
}

// CallerNames returns the callers' names in file order, for a start-up
// log line. It returns nil for a nil policy and never returns credentials.
func (p *Policy) CallerNames() []string {
	if p == nil {
		return nil
	}
	names := make([]string, 0, len(p.callers))
	for _, c := range p.callers {
		names = append(names, c.name)
	}
	return names
}
