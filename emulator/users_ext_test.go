package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

var userKeys = []string{"backup_code_enabled", "banned", "birthday", "created_at", "email_addresses",
	"external_accounts", "external_id", "first_name", "gender", "has_image", "image_url", "last_name",
	"last_active_at", "last_sign_in_at", "locked", "object", "password_enabled", "phone_numbers", "primary_email_address_id",
	"primary_phone_number_id", "primary_web3_wallet_id", "private_metadata", "profile_image_url",
	"public_metadata", "totp_enabled", "two_factor_enabled", "unsafe_metadata", "updated_at", "username",
	"web3_wallets"}

func TestCreateUserShape(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	u := f.object(http.MethodPost, "/v1/users", map[string]any{
		"email_address": []string{"dana@example.com"}, "phone_number": []string{"+15555550123"},
		"username": "dana", "password": "correct horse", "first_name": "Dana", "last_name": "Diaz",
		"external_id": "ext-1", "public_metadata": map[string]any{"plan": "pro", "big": 12345678901234567},
	}, http.StatusOK)
	if diff := cmp.Diff(append([]string{"id"}, userKeys...), keys(u), sortStrings()); diff != "" {
		t.Fatalf("user keys (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(u["id"].(string), "user_") || u["object"] != "user" || u["password_enabled"] != true {
		t.Fatalf("user %v", u)
	}
	if u["created_at"] != float64(t0.UnixMilli()) || u["last_sign_in_at"] != nil {
		t.Fatalf("timestamps: created_at %v last_sign_in_at %v", u["created_at"], u["last_sign_in_at"])
	}
	emails := u["email_addresses"].([]any)
	ea := emails[0].(map[string]any)
	wantEmail := map[string]any{"id": ea["id"], "object": "email_address", "email_address": "dana@example.com",
		"reserved": false, "linked_to": []any{}, "created_at": float64(t0.UnixMilli()),
		"updated_at": float64(t0.UnixMilli()),
		"verification": map[string]any{"status": "verified", "strategy": "admin", "attempts": nil, "expire_at": nil,
			"external_verification_redirect_url": nil, "nonce": nil}}
	if diff := cmp.Diff(wantEmail, ea); diff != "" {
		t.Fatalf("email address (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(ea["id"].(string), "idn_") || u["primary_email_address_id"] != ea["id"] {
		t.Fatalf("primary email %v vs %v", u["primary_email_address_id"], ea["id"])
	}
	ph := u["phone_numbers"].([]any)[0].(map[string]any)
	if ph["phone_number"] != "+15555550123" || u["primary_phone_number_id"] != ph["id"] {
		t.Fatalf("phone %v", ph)
	}
	// Large integers in metadata survive the round trip.
	if _, raw := f.request(http.MethodGet, "/v1/users/"+u["id"].(string), nil); !strings.Contains(string(raw), "12345678901234567") {
		t.Fatalf("metadata number lost precision: %s", raw)
	}
}

func sortStrings() cmp.Option {
	return cmp.Transformer("sort", func(in []string) []string {
		out := append([]string(nil), in...)
		for i := range out {
			for j := i + 1; j < len(out); j++ {
				if out[j] < out[i] {
					out[i], out[j] = out[j], out[i]
				}
			}
		}
		return out
	})
}

func TestCreateUserRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	tests := []struct {
		name      string
		body      map[string]any
		wantCode  string
		wantParam string
	}{
		{name: "email taken (case-insensitive)", body: map[string]any{"email_address": []string{"ALICE@example.com"}},
			wantCode: "form_identifier_exists", wantParam: "email_address"},
		{name: "email twice in one request", body: map[string]any{"email_address": []string{"x@example.com", "X@example.com"}},
			wantCode: "form_identifier_exists", wantParam: "email_address"},
		{name: "bad email", body: map[string]any{"email_address": []string{"not-an-email"}},
			wantCode: "form_param_format_invalid", wantParam: "email_address"},
		{name: "display-name email", body: map[string]any{"email_address": []string{"Eve <eve@example.com>"}},
			wantCode: "form_param_format_invalid", wantParam: "email_address"},
		{name: "bad phone", body: map[string]any{"phone_number": []string{"555-0100"}},
			wantCode: "form_param_format_invalid", wantParam: "phone_number"},
		{name: "username taken", body: map[string]any{"username": "Alice"},
			wantCode: "form_identifier_exists", wantParam: "username"},
		{name: "bad username", body: map[string]any{"username": "a b"},
			wantCode: "form_param_format_invalid", wantParam: "username"},
		{name: "short password", body: map[string]any{"password": "short"},
			wantCode: "form_password_length_too_short", wantParam: "password"},
		{name: "long password", body: map[string]any{"password": strings.Repeat("p", 73)},
			wantCode: "form_password_length_too_long", wantParam: "password"},
	}
	// The group returns once its parallel rows are done, so the checks
	// below see their effect (or lack of it).
	t.Run("rejects", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				f := f.with(t)
				ce := f.apiError(http.MethodPost, "/v1/users", tt.body, http.StatusUnprocessableEntity, tt.wantCode)
				if got := ce.Errors[0].Meta["param_name"]; got != tt.wantParam {
					t.Fatalf("param_name %v, want %s", got, tt.wantParam)
				}
			})
		}
	})
	if n := f.object(http.MethodGet, "/v1/users/count", nil, 200)["total_count"]; n != float64(3) {
		t.Fatalf("rejected creates changed the store: %v users", n)
	}
	// skip_password_checks lets a short password through.
	f.createUser(map[string]any{"password": "short", "skip_password_checks": true})
}

func TestListUsersFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	dana := f.createUser(map[string]any{"email_address": []string{"dana@corp.test"}, "phone_number": []string{"+15555550199"},
		"first_name": "Dana", "external_id": "crm-42"})
	alice, bob, carol := emulator.SeedUserAlice, emulator.SeedUserBob, emulator.SeedUserCarol
	tests := []struct {
		name  string
		query url.Values
		want  []string
	}{
		{name: "default order is -created_at", query: nil, want: []string{dana, carol, bob, alice}},
		{name: "+created_at", query: url.Values{"order_by": {"+created_at"}}, want: []string{alice, bob, carol, dana}},
		{name: "created_at without sign ascends", query: url.Values{"order_by": {"created_at"}}, want: []string{alice, bob, carol, dana}},
		{name: "email filter, repeated values OR", query: url.Values{"email_address": {"alice@example.com", "CAROL@example.com"}},
			want: []string{carol, alice}},
		{name: "phone filter", query: url.Values{"phone_number": {"+15555550199"}}, want: []string{dana}},
		{name: "username filter", query: url.Values{"username": {"bob"}}, want: []string{bob}},
		{name: "user_id filter", query: url.Values{"user_id": {alice, "user_nope"}}, want: []string{alice}},
		{name: "filters AND", query: url.Values{"username": {"bob"}, "user_id": {alice}}, want: []string{}},
		{name: "query matches name", query: url.Values{"query": {"dAn"}}, want: []string{dana}},
		{name: "query matches email domain", query: url.Values{"query": {"example.com"}}, want: []string{carol, bob, alice}},
		{name: "query matches external id", query: url.Values{"query": {"crm-4"}}, want: []string{dana}},
		{name: "limit", query: url.Values{"limit": {"2"}}, want: []string{dana, carol}},
		{name: "limit and offset", query: url.Values{"limit": {"2"}, "offset": {"3"}}, want: []string{alice}},
		{name: "offset past end", query: url.Values{"offset": {"10"}}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.with(t)
			got := ids(f.array("/v1/users?" + tt.query.Encode()))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("ids (-want +got):\n%s", diff)
			}
			count := f.object(http.MethodGet, "/v1/users/count?"+tt.query.Encode(), nil, 200)
			if count["object"] != "total_count" {
				t.Fatalf("count object %v", count["object"])
			}
		})
	}
}

func TestListUsersBadParams(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	tests := []struct{ name, query, wantCode, wantParam string }{
		{name: "limit not a number", query: "limit=ten", wantCode: "form_param_format_invalid", wantParam: "limit"},
		{name: "limit zero", query: "limit=0", wantCode: "form_param_value_invalid", wantParam: "limit"},
		{name: "limit over 500", query: "limit=501", wantCode: "form_param_value_invalid", wantParam: "limit"},
		{name: "negative offset", query: "offset=-1", wantCode: "form_param_value_invalid", wantParam: "offset"},
		{name: "bad order_by", query: "order_by=-name", wantCode: "form_param_value_invalid", wantParam: "order_by"},
		{name: "bare sign order_by", query: "order_by=-", wantCode: "form_param_value_invalid", wantParam: "order_by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.with(t)
			ce := f.apiError(http.MethodGet, "/v1/users?"+tt.query, nil, 422, tt.wantCode)
			if ce.Errors[0].Meta["param_name"] != tt.wantParam {
				t.Fatalf("param_name %v", ce.Errors[0].Meta["param_name"])
			}
		})
	}
}

func TestCountUsers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	got := f.object(http.MethodGet, "/v1/users/count?query=example", nil, 200)
	if diff := cmp.Diff(map[string]any{"object": "total_count", "total_count": float64(3)}, got); diff != "" {
		t.Fatalf("count (-want +got):\n%s", diff)
	}
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	id := f.createUser(map[string]any{"email_address": []string{"e1@example.com", "e2@example.com"},
		"public_metadata": map[string]any{"a": 1, "b": 2}})
	f.advance(time.Second)
	u := f.object(http.MethodGet, "/v1/users/"+id, nil, 200)
	second := u["email_addresses"].([]any)[1].(map[string]any)["id"]
	got := f.object(http.MethodPatch, "/v1/users/"+id, map[string]any{"first_name": "Eve", "username": "eve_1",
		"primary_email_address_id": second, "public_metadata": map[string]any{"c": 3}}, 200)
	if got["first_name"] != "Eve" || got["username"] != "eve_1" || got["primary_email_address_id"] != second {
		t.Fatalf("update not applied: %v", got)
	}
	if diff := cmp.Diff(map[string]any{"c": float64(3)}, got["public_metadata"]); diff != "" {
		t.Fatalf("PATCH replaces public_metadata (-want +got):\n%s", diff)
	}
	if got["updated_at"] != float64(t0.Add(time.Second).UnixMilli()) || got["created_at"] != float64(t0.UnixMilli()) {
		t.Fatalf("timestamps %v %v", got["created_at"], got["updated_at"])
	}
	aliceEmail := f.object(http.MethodGet, "/v1/users/"+emulator.SeedUserAlice, nil, 200)["primary_email_address_id"]
	tests := []struct {
		name      string
		body      map[string]any
		wantCode  string
		wantParam string
	}{
		{name: "someone else's email as primary", body: map[string]any{"primary_email_address_id": aliceEmail},
			wantCode: "form_param_value_invalid", wantParam: "primary_email_address_id"},
		{name: "taken username", body: map[string]any{"username": "bob"}, wantCode: "form_identifier_exists", wantParam: "username"},
		{name: "short password", body: map[string]any{"password": "x"}, wantCode: "form_password_length_too_short", wantParam: "password"},
		{name: "unknown param", body: map[string]any{"email_address": "x@example.com"}, wantCode: "form_param_unknown", wantParam: "email_address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.with(t)
			ce := f.apiError(http.MethodPatch, "/v1/users/"+id, tt.body, 422, tt.wantCode)
			if ce.Errors[0].Meta["param_name"] != tt.wantParam {
				t.Fatalf("param_name %v", ce.Errors[0].Meta["param_name"])
			}
		})
	}
	f.apiError(http.MethodPatch, "/v1/users/user_nope", map[string]any{"first_name": "x"}, 404, "resource_not_found")
}

func TestUpdateUserMetadataMerges(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	id := f.createUser(map[string]any{"public_metadata": map[string]any{"keep": "k", "replace": map[string]any{"x": 1}, "drop": true},
		"private_metadata": map[string]any{"secret": "s"}})
	got := f.object(http.MethodPatch, "/v1/users/"+id+"/metadata", map[string]any{
		"public_metadata": map[string]any{"replace": map[string]any{"y": 2}, "drop": nil, "new": "n"},
		"unsafe_metadata": map[string]any{"u": 1},
	}, 200)
	want := map[string]any{
		"public_metadata":  map[string]any{"keep": "k", "replace": map[string]any{"y": float64(2)}, "new": "n"},
		"private_metadata": map[string]any{"secret": "s"},
		"unsafe_metadata":  map[string]any{"u": float64(1)},
	}
	for k, w := range want {
		if diff := cmp.Diff(w, got[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	sid, err := f.emu.CreateSession(emulator.SeedUserBob)
	if err != nil {
		t.Fatal(err)
	}
	got := f.object(http.MethodDelete, "/v1/users/"+emulator.SeedUserBob, nil, 200)
	if diff := cmp.Diff(map[string]any{"object": "user", "id": emulator.SeedUserBob, "deleted": true}, got); diff != "" {
		t.Fatalf("deleted object (-want +got):\n%s", diff)
	}
	f.apiError(http.MethodGet, "/v1/users/"+emulator.SeedUserBob, nil, 404, "resource_not_found")
	f.apiError(http.MethodDelete, "/v1/users/"+emulator.SeedUserBob, nil, 404, "resource_not_found")
	if st := f.object(http.MethodGet, "/v1/sessions/"+sid, nil, 200)["status"]; st != "removed" {
		t.Fatalf("session of a deleted user is %v", st)
	}
	members := f.object(http.MethodGet, "/v1/organizations/acme/memberships", nil, 200)
	if members["total_count"] != float64(1) {
		t.Fatalf("membership of a deleted user survived: %v", members["total_count"])
	}
	// The email is free again.
	f.createUser(map[string]any{"email_address": []string{"bob@example.com"}})
}

func TestBanUnban(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	sid, err := f.emu.CreateSession(emulator.SeedUserCarol)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.object(http.MethodPost, "/v1/users/"+emulator.SeedUserCarol+"/ban", nil, 200)["banned"]; got != true {
		t.Fatalf("banned = %v", got)
	}
	if st := f.object(http.MethodGet, "/v1/sessions/"+sid, nil, 200)["status"]; st != "revoked" {
		t.Fatalf("ban left the session %v", st)
	}
	f.apiError(http.MethodPost, "/v1/sessions", map[string]any{"user_id": emulator.SeedUserCarol}, 400, "user_banned")
	if got := f.object(http.MethodPost, "/v1/users/"+emulator.SeedUserCarol+"/unban", nil, 200)["banned"]; got != false {
		t.Fatalf("banned after unban = %v", got)
	}
	f.object(http.MethodPost, "/v1/sessions", map[string]any{"user_id": emulator.SeedUserCarol}, 200)
	f.apiError(http.MethodPost, "/v1/users/user_nope/ban", nil, 404, "resource_not_found")
}

func TestVerifyPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	nopw := f.createUser(map[string]any{"username": "nopass"})
	path := "/v1/users/" + emulator.SeedUserAlice + "/verify_password"
	got := f.object(http.MethodPost, path, map[string]any{"password": emulator.SeedPassword}, 200)
	if diff := cmp.Diff(map[string]any{"verified": true}, got); diff != "" {
		t.Fatalf("verify (-want +got):\n%s", diff)
	}
	tests := []struct {
		name       string
		path       string
		body       any
		wantStatus int
		wantCode   string
	}{
		{name: "wrong password", path: path, body: map[string]any{"password": "wrong-password"}, wantStatus: 422, wantCode: "form_password_incorrect"},
		{name: "missing password", path: path, body: map[string]any{}, wantStatus: 422, wantCode: "form_param_missing"},
		{name: "no password set", path: "/v1/users/" + nopw + "/verify_password", body: map[string]any{"password": "x"}, wantStatus: 422, wantCode: "no_password_set"},
		{name: "unknown user", path: "/v1/users/user_nope/verify_password", body: map[string]any{"password": "x"}, wantStatus: 404, wantCode: "resource_not_found"},
	}
	// The group returns once its parallel rows are done, so the checks
	// below see their effect (or lack of it).
	t.Run("rejects", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				f := f.with(t)
				f.apiError(http.MethodPost, tt.path, tt.body, tt.wantStatus, tt.wantCode)
			})
		}
	})
	// A password change takes effect.
	f.object(http.MethodPatch, "/v1/users/"+emulator.SeedUserAlice, map[string]any{"password": "a-new-password"}, 200)
	f.apiError(http.MethodPost, path, map[string]any{"password": emulator.SeedPassword}, 422, "form_password_incorrect")
	f.object(http.MethodPost, path, map[string]any{"password": "a-new-password"}, 200)
}

func TestDisableMFA(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	id := f.createUser(map[string]any{"totp_secret": "JBSWY3DPEHPK3PXP", "backup_codes": []string{"a", "b"}})
	if u := f.object(http.MethodGet, "/v1/users/"+id, nil, 200); u["two_factor_enabled"] != true || u["totp_enabled"] != true {
		t.Fatalf("2FA not enabled: %v", u)
	}
	got := f.object(http.MethodDelete, "/v1/users/"+id+"/mfa", nil, 200)
	if diff := cmp.Diff(map[string]any{"user_id": id}, got); diff != "" {
		t.Fatalf("mfa (-want +got):\n%s", diff)
	}
	u := f.object(http.MethodGet, "/v1/users/"+id, nil, 200)
	if u["two_factor_enabled"] != false || u["totp_enabled"] != false || u["backup_code_enabled"] != false {
		t.Fatalf("2FA still enabled: %v", u)
	}
}

func TestUserMembershipsAndOAuthTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	got := f.object(http.MethodGet, "/v1/users/"+emulator.SeedUserAlice+"/organization_memberships", nil, 200)
	if got["total_count"] != float64(1) {
		t.Fatalf("alice memberships: %v", got)
	}
	m := got["data"].([]any)[0].(map[string]any)
	if m["object"] != "organization_membership" || m["role"] != "org:admin" ||
		m["organization"].(map[string]any)["id"] != emulator.SeedOrgAcme {
		t.Fatalf("membership %v", m)
	}
	empty := f.object(http.MethodGet, "/v1/users/"+emulator.SeedUserCarol+"/organization_memberships", nil, 200)
	if diff := cmp.Diff(map[string]any{"data": []any{}, "total_count": float64(0)}, empty); diff != "" {
		t.Fatalf("carol memberships (-want +got):\n%s", diff)
	}
	if got := f.array("/v1/users/" + emulator.SeedUserAlice + "/oauth_access_tokens/oauth_google"); len(got) != 0 {
		t.Fatalf("oauth tokens %v", got)
	}
	f.apiError(http.MethodGet, "/v1/users/user_nope/oauth_access_tokens/oauth_google", nil, 404, "resource_not_found")
	f.apiError(http.MethodGet, "/v1/users/user_nope/organization_memberships", nil, 404, "resource_not_found")
}

func TestConcurrentCreatesKeepEmailsUnique(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	const n = 16
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			statuses[i], _ = f.request(http.MethodPost, "/v1/users", map[string]any{"email_address": []string{"race@example.com"}})
		})
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		if s == http.StatusOK {
			ok++
		}
	}
	if ok != 1 || len(f.array("/v1/users")) != 1 {
		t.Fatalf("%d of %d concurrent creates of one email succeeded", ok, n)
	}
}
