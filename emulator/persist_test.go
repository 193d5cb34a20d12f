package emulator

import (
	"bytes"
	"testing"
	"time"
)

// FuzzDecodeState feeds arbitrary bytes to the state-file decoder. It must
// never panic; whatever it accepts must be safe to serve (every view and
// every session's token claims render) and must survive another round
// trip through the encoder unchanged. Seeds: testdata/fuzz/FuzzDecodeState
// (a seeded state with a session and an API key, and broken variants of
// it). Run with:
//
//	go test -run '^$' -fuzz '^FuzzDecodeState$' -fuzztime 60s ./emulator
func FuzzDecodeState(f *testing.F) {
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"version":1,"kid":"ins_x","signing_key":"","store":{}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ls, err := decodeState(raw)
		if err != nil {
			return
		}
		e := &Emulator{issuer: DefaultIssuer, tokenTTL: DefaultTokenTTL, now: func() time.Time { return time.Unix(1767323045, 0) },
			key: ls.key, kid: ls.kid, st: ls.st, mach: ls.mach}
		renderAll(t, e)
		again, err := e.encodeState()
		if err != nil {
			t.Fatalf("accepted state does not encode: %v", err)
		}
		ls2, err := decodeState(again)
		if err != nil {
			t.Fatalf("re-encoded state is refused: %v", err)
		}
		e.st, e.mach = ls2.st, ls2.mach
		if third, _ := e.encodeState(); !bytes.Equal(third, again) {
			t.Fatal("state changes across a second round trip")
		}
	})
}

// renderAll renders every record the way the handlers do.
func renderAll(t *testing.T, e *Emulator) {
	t.Helper()
	s := e.st
	for _, u := range s.Users {
		_ = s.userView(u)
	}
	for _, p := range s.Phones {
		_ = s.phoneJSON(p)
	}
	for _, o := range s.Orgs {
		_ = s.orgView(o)
	}
	for _, m := range s.Memberships {
		_ = s.membershipView(m)
	}
	for _, c := range s.Clients {
		_ = s.clientView(c)
	}
	for _, inv := range s.OrgInvitations {
		_ = orgInvitationView(inv)
	}
	for _, sess := range s.Sessions {
		_ = sessionView(sess)
		if _, err := e.sign(e.header("JWT"), e.sessionClaims(sess, time.Minute)); err != nil {
			t.Fatalf("session %s: %v", sess.ID, err)
		}
	}
	for _, tok := range s.SignInTokens {
		_ = e.signInTokenView(tok)
	}
}
