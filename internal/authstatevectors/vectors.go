package authstatevectors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/authsvc/authsvc/verifier"
)

// Vector is one row of the vectors file; the file's "doc" explains the
// symbols. A nil field is absent from the request; a pointer to "" is
// present and empty.
type Vector struct {
	// Name names the row (and its subtests); unique within the file.
	Name string `json:"name"`
	// Base picks the default host and user agent: "2.9" or "3.1".
	Base string `json:"base"`
	// Key is "" or "inline" (the issuer's key inline) or "none" (no key).
	Key string `json:"key"`
	// ExplicitOnly, when set, says why the headers form would parse the row
	// differently; such a row runs only with explicit fields.
	ExplicitOnly string `json:"explicitOnly"`
	// Cookie and Header are token symbols or literal tokens; UAT is a
	// __client_uat symbol or literal.
	Cookie *string `json:"cookie"`
	UAT    *string `json:"uat"`
	Header *string `json:"header"`
	// Origin, Host, FwdHost, FwdPort, FwdProto, Referrer and UA are literal
	// header values; Host and UA override the base's.
	Origin   *string `json:"origin"`
	Host     *string `json:"host"`
	FwdHost  *string `json:"fwdHost"`
	FwdPort  *string `json:"fwdPort"`
	FwdProto *string `json:"fwdProto"`
	Referrer *string `json:"referrer"`
	UA       *string `json:"ua"`
	// Parties are the request's authorized parties.
	Parties []string `json:"parties"`
	// Dev and Prod are the expected [status, reason] in each mode; nil when
	// the row cannot be built in that mode.
	Dev  []string `json:"dev"`
	Prod []string `json:"prod"`
}

// ErrInvalid is wrapped by every error [Parse] returns: the file is not a
// well-formed vectors file.
var ErrInvalid = errors.New("authstatevectors: invalid vectors file")

// statusNames maps the file's status words to verifier statuses.
var statusNames = map[string]verifier.Status{
	"signed-in":    verifier.StatusSignedIn,
	"signed-out":   verifier.StatusSignedOut,
	"interstitial": verifier.StatusInterstitial,
}

// Load reads and checks the vectors file at path (see [Parse]). A file that
// cannot be read gives the [os.ReadFile] error, wrapped.
func Load(path string) ([]Vector, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authstatevectors: %w", err)
	}
	return Parse(raw)
}

// Parse decodes a vectors file and checks every row: a unique non-empty
// name, a known base and key, known token and __client_uat symbols, and at
// least one expectation, each a known status with a reason that goes with
// it. Unknown fields and trailing data are errors. Every error wraps
// [ErrInvalid]. It never panics.
func Parse(data []byte) ([]Vector, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc struct {
		Doc     []string `json:"doc"`
		Vectors []Vector `json:"vectors"`
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: trailing data after the vectors", ErrInvalid)
	}
	if len(doc.Vectors) == 0 {
		return nil, fmt.Errorf("%w: no vectors", ErrInvalid)
	}
	seen := make(map[string]bool, len(doc.Vectors))
	for i, v := range doc.Vectors {
		if err := v.check(); err != nil {
			return nil, fmt.Errorf("%w: vector %d %q: %w", ErrInvalid, i, v.Name, err)
		}
		if seen[v.Name] {
			return nil, fmt.Errorf("%w: vector %d: duplicate name %q", ErrInvalid, i, v.Name)
		}
		seen[v.Name] = true
	}
	return doc.Vectors, nil
}

func (v Vector) check() error {
	switch {
	case strings.TrimSpace(v.Name) == "":
		return errors.New("no name")
	case v.Base != "2.9" && v.Base != "3.1":
		return fmt.Errorf("unknown base %q", v.Base)
	case v.Key != "" && v.Key != "inline" && v.Key != "none":
		return fmt.Errorf("unknown key %q", v.Key)
	case v.Dev == nil && v.Prod == nil:
		return errors.New("no expectation")
	}
	for _, sym := range []*string{v.Cookie, v.Header} {
		if sym != nil && strings.HasPrefix(*sym, "$") && !knownToken(*sym) {
			return fmt.Errorf("unknown token symbol %q", *sym)
		}
	}
	if v.UAT != nil && strings.HasPrefix(*v.UAT, "$") && !knownUAT(*v.UAT) {
		return fmt.Errorf("unknown uat symbol %q", *v.UAT)
	}
	for _, want := range [][]string{v.Dev, v.Prod} {
		if want == nil {
			continue
		}
		if _, _, err := expectation(want); err != nil {
			return err
		}
	}
	return nil
}

// expectation turns a [status, reason] pair into its verifier values.
func expectation(w []string) (verifier.Status, verifier.AuthReason, error) {
	if len(w) != 2 {
		return 0, "", fmt.Errorf("expectation %q is not [status, reason]", w)
	}
	status, ok := statusNames[w[0]]
	if !ok {
		return 0, "", fmt.Errorf("unknown status %q", w[0])
	}
	reason := verifier.AuthReason(w[1])
	if s, ok := reason.Status(); !ok || s != status {
		return 0, "", fmt.Errorf("reason %q does not go with status %q", w[1], w[0])
	}
	return status, reason, nil
}

// Case is one vector in one mode.
type Case struct {
	// Vector is the row.
	Vector Vector
	// Mode is the column: "dev" or "prod".
	Mode string
	// Config names the verifier configuration that decides the case (a key
	// of [Fixture.Configs]): Mode, or "none" for a row without a key.
	Config string
	// Status and Reason are the expected decision.
	Status verifier.Status
	Reason verifier.AuthReason
}

// Name is the case's subtest name: the mode, a space and the vector's name.
func (c Case) Name() string { return c.Mode + " " + c.Vector.Name }

// Cases expands vectors (as [Parse] returns them) into one case per vector
// and expectation, in file order, dev before prod. A vector Parse would
// reject may yield a case with a zero Status.
func Cases(vectors []Vector) []Case {
	var out []Case
	for _, v := range vectors {
		for _, col := range []struct {
			mode string
			want []string
		}{{"dev", v.Dev}, {"prod", v.Prod}} {
			if col.want == nil {
				continue
			}
			status, reason, _ := expectation(col.want)
			c := Case{Vector: v, Mode: col.mode, Config: col.mode, Status: status, Reason: reason}
			if v.Key == "none" {
				c.Config = "none"
			}
			out = append(out, c)
		}
	}
	return out
}
