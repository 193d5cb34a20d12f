package authstatevectors_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/internal/authstatevectors"
	"github.com/authsvc/authsvc/verifier"
)

func str(s string) *string { return &s }

// TestFactsDefaultsAndLiterals covers the base defaults, literal overrides,
// and absent versus present-but-empty fields.
func TestFactsDefaultsAndLiterals(t *testing.T) {
	t.Parallel()
	f := authstatevectors.NewFixture(t)
	tests := []struct {
		name string
		v    authstatevectors.Vector
		want authstatevectors.Facts
	}{
		{"base 2.9 defaults, everything else absent", authstatevectors.Vector{Base: "2.9"},
			authstatevectors.Facts{Host: str("app.example.com"), UserAgent: str("Mozilla/5.0")}},
		{"base 3.1 defaults", authstatevectors.Vector{Base: "3.1"},
			authstatevectors.Facts{Host: str("clerk.dev"), UserAgent: str("Mozilla/")}},
		{"literals override and empty stays present", authstatevectors.Vector{Base: "2.9", Host: str("h"), UA: str(""),
			Origin: str(""), FwdHost: str("fh"), FwdPort: str("81"), FwdProto: str("http"), Referrer: str("r"),
			Cookie: str("a.b.c"), Header: str(""), UAT: str(" 12 "), Parties: []string{"https://a.com"}},
			authstatevectors.Facts{Host: str("h"), UserAgent: str(""), Origin: str(""), ForwardedHost: str("fh"),
				ForwardedPort: str("81"), ForwardedProto: str("http"), Referrer: str("r"), CookieToken: str("a.b.c"),
				HeaderToken: str(""), ClientUAT: str(" 12 "), AuthorizedParties: []string{"https://a.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, f.Facts(t, tt.v)); diff != "" {
				t.Errorf("Facts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFactsRequest checks that absent and empty both become "".
func TestFactsRequest(t *testing.T) {
	t.Parallel()
	fa := authstatevectors.Facts{Host: str("h"), Origin: str(""), ClientUAT: str("7"), AuthorizedParties: []string{"p"}}
	want := verifier.Request{Host: "h", ClientUAT: "7", AuthorizedParties: []string{"p"}}
	if diff := cmp.Diff(want, fa.Request()); diff != "" {
		t.Errorf("Request (-want +got):\n%s", diff)
	}
}

// TestFactsUATSymbols checks the __client_uat symbols against Now.
func TestFactsUATSymbols(t *testing.T) {
	t.Parallel()
	f := authstatevectors.NewFixture(t)
	tests := []struct {
		sym  string
		want int64
	}{{"$now-100", f.Now - 100}, {"$iat", f.Now - 10}, {"$iat-1", f.Now - 11}, {"$iat+1", f.Now - 9}}
	for _, tt := range tests {
		t.Run(tt.sym, func(t *testing.T) {
			t.Parallel()
			got := f.Facts(t, authstatevectors.Vector{Base: "2.9", UAT: str(tt.sym)}).ClientUAT
			if got == nil || *got != strconv.FormatInt(tt.want, 10) {
				t.Errorf("uat %s = %v, want %d", tt.sym, got, tt.want)
			}
		})
	}
}

// TestFactsTokenSymbols verifies each minted token with the fixture's own
// production configuration, so the symbols mean what the file's doc says.
func TestFactsTokenSymbols(t *testing.T) {
	t.Parallel()
	f := authstatevectors.NewFixture(t)
	v, err := verifier.New(f.Configs()["prod"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	tests := []struct {
		sym, prefix string
		wantErr     error
		wantIAT     int64 // checked when wantErr is nil
		noIAT       bool  // the token verifies without iat
	}{
		{sym: "$no-iat", noIAT: true},
		{sym: "$valid", wantIAT: f.Now - 10},
		{sym: "$bearer-valid", prefix: "Bearer ", wantIAT: f.Now - 10},
		{sym: "$bearer-lower-valid", prefix: "bearer ", wantIAT: f.Now - 10},
		{sym: "$azp-a", wantIAT: f.Now - 10},
		{sym: "$expired", wantErr: verifier.ErrExpired},
		{sym: "$early", wantErr: verifier.ErrNotActiveYet},
		{sym: "$iat-future", wantErr: verifier.ErrNotActiveYet},
		{sym: "$bad-iss", wantErr: verifier.ErrInvalidIssuer},
		{sym: "$other-key", wantErr: verifier.ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.sym, func(t *testing.T) {
			t.Parallel()
			tok := *f.Facts(t, authstatevectors.Vector{Base: "2.9", Header: str(tt.sym)}).HeaderToken
			if again := *f.Facts(t, authstatevectors.Vector{Base: "2.9", Cookie: str(tt.sym)}).CookieToken; again != tok {
				t.Error("a symbol minted twice gave two tokens")
			}
			raw, ok := strings.CutPrefix(tok, tt.prefix)
			if !ok {
				t.Fatalf("token lacks prefix %q", tt.prefix)
			}
			c, err := v.Verify(context.Background(), raw)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (c.HasIssuedAt == tt.noIAT || c.IssuedAt != tt.wantIAT) {
				t.Errorf("iat = %d (present %v), want %d", c.IssuedAt, c.HasIssuedAt, tt.wantIAT)
			}
		})
	}
}
