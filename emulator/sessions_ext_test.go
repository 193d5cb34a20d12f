package emulator_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

var sessionKeys = []string{"abandon_at", "actor", "client_id", "created_at", "expire_at", "id",
	"last_active_at", "last_active_organization_id", "object", "status", "updated_at", "user_id"}

func TestCreateAndGetSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	s := f.object(http.MethodPost, "/v1/sessions", map[string]any{"user_id": emulator.SeedUserAlice}, 200)
	if diff := cmp.Diff(sessionKeys, keys(s)); diff != "" {
		t.Fatalf("session keys (-want +got):\n%s", diff)
	}
	ms := float64(t0.UnixMilli())
	want := map[string]any{"object": "session", "id": s["id"], "client_id": s["client_id"], "actor": nil,
		"user_id": emulator.SeedUserAlice, "status": "active", "last_active_at": ms,
		"last_active_organization_id": emulator.SeedOrgAcme,
		"expire_at":                   ms + 7*24*3600*1000, "abandon_at": ms + 30*24*3600*1000, "created_at": ms, "updated_at": ms}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Fatalf("session (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(s["id"].(string), "sess_") || !strings.HasPrefix(s["client_id"].(string), "client_") {
		t.Fatalf("id prefixes: %v %v", s["id"], s["client_id"])
	}
	if diff := cmp.Diff(s, f.object(http.MethodGet, "/v1/sessions/"+s["id"].(string), nil, 200)); diff != "" {
		t.Fatalf("GET differs from POST (-post +get):\n%s", diff)
	}
	if u := f.object(http.MethodGet, "/v1/users/"+emulator.SeedUserAlice, nil, 200); u["last_sign_in_at"] != ms {
		t.Fatalf("last_sign_in_at %v", u["last_sign_in_at"])
	}
}

func TestCreateSessionRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	tests := []struct {
		name       string
		body       any
		wantStatus int
		wantCode   string
	}{
		{name: "missing user_id", body: map[string]any{}, wantStatus: 422, wantCode: "form_param_missing"},
		{name: "empty user_id", body: map[string]any{"user_id": ""}, wantStatus: 422, wantCode: "form_param_missing"},
		{name: "unknown user", body: map[string]any{"user_id": "user_nope"}, wantStatus: 404, wantCode: "resource_not_found"},
		{name: "unknown field", body: map[string]any{"user_id": emulator.SeedUserAlice, "azp": "x"}, wantStatus: 422,
			wantCode: "form_param_unknown"},
	}
	// The group returns once its parallel rows are done, so the checks
	// below see their effect (or lack of it).
	t.Run("rejects", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				f := f.with(t)
				f.apiError(http.MethodPost, "/v1/sessions", tt.body, tt.wantStatus, tt.wantCode)
			})
		}
	})
	if n := len(f.array("/v1/sessions")); n != 0 {
		t.Fatalf("rejected creates left %d sessions", n)
	}
}

func TestListSessionsFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	a1, _ := f.emu.CreateSession(emulator.SeedUserAlice)
	a2, _ := f.emu.CreateSession(emulator.SeedUserAlice)
	b1, _ := f.emu.CreateSession(emulator.SeedUserBob)
	f.object(http.MethodPost, "/v1/sessions/"+a2+"/revoke", nil, 200)
	client := f.object(http.MethodGet, "/v1/sessions/"+b1, nil, 200)["client_id"].(string)
	tests := []struct {
		name, query string
		want        []string
	}{
		{name: "all, in creation order", query: "", want: []string{a1, a2, b1}},
		{name: "user_id", query: "user_id=" + emulator.SeedUserAlice, want: []string{a1, a2}},
		{name: "client_id", query: "client_id=" + client, want: []string{b1}},
		{name: "status", query: "status=revoked", want: []string{a2}},
		{name: "no match", query: "user_id=user_nope", want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.with(t)
			if diff := cmp.Diff(tt.want, ids(f.array("/v1/sessions?"+tt.query))); diff != "" {
				t.Fatalf("ids (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVerifySession(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	sid, _ := f.emu.CreateSession(emulator.SeedUserAlice)
	other, _ := f.emu.CreateSession(emulator.SeedUserBob)
	tok, err := f.emu.MintSessionToken(sid, 0)
	if err != nil {
		t.Fatal(err)
	}
	otherTok, _ := f.emu.MintSessionToken(other, 0)
	foreign := newFixture(t, true)
	fsid, _ := foreign.emu.CreateSession(emulator.SeedUserAlice)
	foreignTok, _ := foreign.emu.MintSessionToken(fsid, 0)

	if got := f.object(http.MethodPost, "/v1/sessions/"+sid+"/verify", map[string]any{"token": tok}, 200); got["id"] != sid {
		t.Fatalf("verify returned %v", got["id"])
	}
	path := "/v1/sessions/" + sid + "/verify"
	tests := []struct {
		name       string
		path       string
		body       any
		wantStatus int
		wantCode   string
	}{
		{name: "missing token", path: path, body: map[string]any{}, wantStatus: 422, wantCode: "form_param_missing"},
		{name: "garbage token", path: path, body: map[string]any{"token": "a.b.c"}, wantStatus: 400, wantCode: "token_invalid"},
		{name: "token of another session", path: path, body: map[string]any{"token": otherTok}, wantStatus: 400, wantCode: "token_invalid"},
		{name: "token of another emulator", path: path, body: map[string]any{"token": foreignTok}, wantStatus: 400, wantCode: "token_invalid"},
		{name: "unknown session", path: "/v1/sessions/sess_nope/verify", body: map[string]any{"token": tok}, wantStatus: 404, wantCode: "resource_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.with(t)
			ce := f.apiError(http.MethodPost, tt.path, tt.body, tt.wantStatus, tt.wantCode)
			if strings.Contains(ce.Errors[0].LongMessage, tok) {
				t.Fatal("error echoes the token")
			}
		})
	}
}

func TestVerifySessionExpiredToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	sid, _ := f.emu.CreateSession(emulator.SeedUserAlice)
	tok, _ := f.emu.MintSessionToken(sid, 0)
	f.advance(61 * time.Second)
	f.apiError(http.MethodPost, "/v1/sessions/"+sid+"/verify", map[string]any{"token": tok}, 400, "token_invalid")
}

// TestConcurrentSessionTraffic mixes session creation, minting, revocation
// and listing from many goroutines; run with -race it checks the locking,
// and afterwards every revoked session refuses to mint.
func TestConcurrentSessionTraffic(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	const workers = 8
	var wg sync.WaitGroup
	sids := make([]string, workers)
	for i := range workers {
		wg.Go(func() {
			sid, err := f.emu.CreateSession(emulator.SeedUserAlice)
			if err != nil {
				t.Errorf("create: %v", err)
				return
			}
			sids[i] = sid
			if _, err := f.emu.MintSessionToken(sid, 0); err != nil {
				t.Errorf("mint: %v", err)
			}
			if status, _ := f.request(http.MethodGet, "/v1/sessions?user_id="+emulator.SeedUserAlice, nil); status != 200 {
				t.Errorf("list: %d", status)
			}
			if i%2 == 0 {
				if status, raw := f.request(http.MethodPost, "/v1/sessions/"+sid+"/revoke", nil); status != 200 {
					t.Errorf("revoke: %d %s", status, raw)
				}
			}
		})
	}
	wg.Wait()
	for i, sid := range sids {
		_, err := f.emu.MintSessionToken(sid, 0)
		if revoked := i%2 == 0; revoked != errors.Is(err, emulator.ErrRejected) {
			t.Fatalf("session %d (revoked %v): mint error %v", i, revoked, err)
		}
	}
}
