package verifier_test

import (
	"context"
	"strings"
	"testing"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// FuzzTokenKind feeds arbitrary strings to the VerifyToken dispatch with
// every kind accepted and an opaque verifier that accepts whatever it is
// asked about: an opaque result must have the kind its prefix names and
// reach the opaque verifier with that kind; anything else must fail with a
// reason (no JWT here is signed), never panic, never quote the token.
//
//	go test -run '^$' -fuzz FuzzTokenKind -fuzztime 30s ./verifier
func FuzzTokenKind(f *testing.F) {
	iss := verifiertest.NewIssuer(f)
	cfg := iss.Config()
	cfg.OpaqueCacheTTL = -1 // every opaque token reaches the opaque verifier
	v, err := verifier.New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(v.Close)
	for _, s := range []string{"mt_x", "ak_x", "oat_x", "", "a.b.c"} {
		f.Add(s)
	}
	all := []verifier.TokenKind{verifier.KindSession, verifier.KindM2M, verifier.KindAPIKey, verifier.KindOAuth}
	f.Fuzz(func(t *testing.T, tok string) {
		var asked verifier.TokenKind
		ov := opaqueFunc(func(kind verifier.TokenKind, token string) (*verifier.Machine, error) {
			asked = kind
			return &verifier.Machine{ID: "x", Subject: "mch_x"}, nil
		})
		res, err := v.VerifyToken(context.Background(), tok, verifier.VerifyTokenOptions{Accepts: all, Opaque: ov})
		_ = verifier.PeekKind(tok) // must not panic on anything
		want := verifier.OpaqueKind(tok)
		if want != verifier.KindUnknown {
			if err != nil || res.Kind != want || asked != want {
				t.Fatalf("opaque %v: result %+v, err %v, asked %v", want, res, err, asked)
			}
			return
		}
		if err == nil {
			t.Fatalf("unsigned token verified: %+v", res)
		}
		if verifier.ReasonOf(err) == "" {
			t.Fatalf("error without a reason: %v", err)
		}
		if len(tok) >= 8 && strings.Contains(err.Error(), tok) {
			t.Fatalf("error quotes the token: %v", err)
		}
	})
}

type opaqueFunc func(verifier.TokenKind, string) (*verifier.Machine, error)

func (f opaqueFunc) VerifyOpaque(_ context.Context, kind verifier.TokenKind, token string) (*verifier.Machine, error) {
	return f(kind, token)
}
