package authstatevectors_test

import (
	"errors"
	"testing"

	"github.com/authsvc/authsvc/internal/authstatevectors"
)

// FuzzParse checks that Parse never panics, that every error wraps
// ErrInvalid, and that a file it accepts expands to cases with a known
// status and unique subtest names.
func FuzzParse(f *testing.F) {
	f.Add([]byte(file(okRow)))
	f.Add([]byte(file(`{"name": "n", "base": "3.1", "key": "none", "uat": "$now-100", "cookie": "$other-key", "origin": "", "parties": ["a"], "dev": ["interstitial", "unknown"], "prod": ["signed-out", "pk-fetch-error"]}`)))
	f.Add([]byte(file(okRow, okRow)))
	f.Add([]byte(`{"vectors": [{"name": "x", "base": "2.9", "dev": ["signed-in"]}]}`))
	f.Add([]byte(`{"vectors": null} []`))
	f.Fuzz(func(t *testing.T, data []byte) {
		vs, err := authstatevectors.Parse(data)
		if err != nil {
			if !errors.Is(err, authstatevectors.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		names := map[string]bool{}
		for _, c := range authstatevectors.Cases(vs) {
			if s, ok := c.Reason.Status(); !ok || s != c.Status {
				t.Fatalf("case %q: status %v with reason %q", c.Name(), c.Status, c.Reason)
			}
			if c.Config != c.Mode && c.Config != "none" {
				t.Fatalf("case %q: config %q for mode %q", c.Name(), c.Config, c.Mode)
			}
			if names[c.Name()] {
				t.Fatalf("duplicate case name %q", c.Name())
			}
			names[c.Name()] = true
		}
		if len(names) == 0 {
			t.Fatal("accepted a file without cases")
		}
	})
}
