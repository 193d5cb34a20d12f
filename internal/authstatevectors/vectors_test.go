package authstatevectors_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/internal/authstatevectors"
	"github.com/authsvc/authsvc/verifier"
)

// file wraps vector rows (JSON objects) in a vectors file.
func file(rows ...string) string {
	return `{"doc": ["test"], "vectors": [` + strings.Join(rows, ",") + `]}`
}

const okRow = `{"name": "ok", "base": "2.9", "cookie": "$valid", "uat": "$iat", "prod": ["signed-in", "standard-signed-in"]}`

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		data    string
		wantErr error
	}{
		{"minimal valid file", file(okRow), nil},
		{"every field and symbol", file(`{"name": "all", "base": "3.1", "key": "none", "explicitOnly": "why",
			"cookie": "$no-iat", "header": "$bearer-lower-valid", "uat": "$iat+1", "origin": "", "host": "h",
			"fwdHost": "f", "fwdPort": "1", "fwdProto": "http", "referrer": "r", "ua": "u", "parties": ["p"],
			"dev": ["interstitial", "unknown"]}`), nil},
		{"literal tokens and uat", file(`{"name": "lit", "base": "2.9", "header": "a.b", "uat": "0x10", "dev": ["signed-out", "header-invalid"]}`), nil},
		{"not JSON", "{", authstatevectors.ErrInvalid},
		{"trailing data", file(okRow) + " {}", authstatevectors.ErrInvalid},
		{"unknown top-level field", `{"vectorz": []}`, authstatevectors.ErrInvalid},
		{"unknown row field (typo fwd_host)", file(`{"name": "x", "base": "2.9", "fwd_host": "a", "dev": ["signed-in", "standard-signed-in"]}`), authstatevectors.ErrInvalid},
		{"no vectors", file(), authstatevectors.ErrInvalid},
		{"no name", file(`{"name": " ", "base": "2.9", "dev": ["signed-in", "standard-signed-in"]}`), authstatevectors.ErrInvalid},
		{"duplicate name", file(okRow, okRow), authstatevectors.ErrInvalid},
		{"unknown base", file(`{"name": "x", "base": "2.8", "dev": ["signed-in", "standard-signed-in"]}`), authstatevectors.ErrInvalid},
		{"unknown key", file(`{"name": "x", "base": "2.9", "key": "remote", "dev": ["signed-in", "standard-signed-in"]}`), authstatevectors.ErrInvalid},
		{"no expectation", file(`{"name": "x", "base": "2.9"}`), authstatevectors.ErrInvalid},
		{"empty expectation", file(`{"name": "x", "base": "2.9", "dev": []}`), authstatevectors.ErrInvalid},
		{"expectation of three", file(`{"name": "x", "base": "2.9", "dev": ["signed-in", "standard-signed-in", "x"]}`), authstatevectors.ErrInvalid},
		{"unknown status", file(`{"name": "x", "base": "2.9", "dev": ["signed in", "standard-signed-in"]}`), authstatevectors.ErrInvalid},
		{"unknown reason", file(`{"name": "x", "base": "2.9", "prod": ["signed-out", "header-bogus"]}`), authstatevectors.ErrInvalid},
		{"reason of another status", file(`{"name": "x", "base": "2.9", "prod": ["signed-out", "cookie-missing"]}`), authstatevectors.ErrInvalid},
		{"unknown cookie symbol", file(`{"name": "x", "base": "2.9", "cookie": "$vaild", "dev": ["signed-in", "standard-signed-in"]}`), authstatevectors.ErrInvalid},
		{"unknown header symbol", file(`{"name": "x", "base": "2.9", "header": "$", "dev": ["signed-in", "standard-signed-in"]}`), authstatevectors.ErrInvalid},
		{"unknown uat symbol", file(`{"name": "x", "base": "2.9", "uat": "$iat+2", "dev": ["signed-in", "standard-signed-in"]}`), authstatevectors.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vs, err := authstatevectors.Parse([]byte(tt.data))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Parse error = %v, want %v", err, tt.wantErr)
			}
			if err != nil && vs != nil {
				t.Errorf("Parse returned %d vectors with an error", len(vs))
			}
			if err == nil && len(vs) == 0 {
				t.Error("Parse returned no vectors and no error")
			}
		})
	}
}

// TestLoadRepoVectors checks the file both test suites run: it parses, and
// every row expands to at least one case.
func TestLoadRepoVectors(t *testing.T) {
	t.Parallel()
	vs, err := authstatevectors.Load("../../verifier/testdata/authstate_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	perName := map[string]int{}
	for _, c := range authstatevectors.Cases(vs) {
		perName[c.Vector.Name]++
	}
	for _, v := range vs {
		if perName[v.Name] == 0 {
			t.Errorf("vector %q yields no case", v.Name)
		}
	}
	if _, err := authstatevectors.Load("testdata/missing.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) error = %v, want fs.ErrNotExist", err)
	}
}

func TestCases(t *testing.T) {
	t.Parallel()
	vs, err := authstatevectors.Parse([]byte(file(
		`{"name": "both", "base": "2.9", "dev": ["interstitial", "uat-missing"], "prod": ["signed-out", "cookie-and-uat-missing"]}`,
		`{"name": "no key", "base": "2.9", "key": "none", "header": "$valid", "prod": ["signed-out", "inline-key-missing"]}`,
	)))
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Name, Mode, Config string
		Status             verifier.Status
		Reason             verifier.AuthReason
	}
	var gots []got
	for _, c := range authstatevectors.Cases(vs) {
		gots = append(gots, got{c.Name(), c.Mode, c.Config, c.Status, c.Reason})
	}
	want := []got{
		{"dev both", "dev", "dev", verifier.StatusInterstitial, verifier.AuthReasonUATMissing},
		{"prod both", "prod", "prod", verifier.StatusSignedOut, verifier.AuthReasonCookieAndUATMissing},
		{"prod no key", "prod", "none", verifier.StatusSignedOut, verifier.AuthReasonInlineKeyMissing},
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("Cases (-want +got):\n%s", diff)
	}
}
