package emulator_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/emulator"
)

func TestSeedData(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	type person struct{ ID, Username, Email, First string }
	var got []person
	for _, u := range f.array("/v1/users?order_by=%2Bcreated_at") {
		m := u.(map[string]any)
		email := m["email_addresses"].([]any)[0].(map[string]any)["email_address"].(string)
		got = append(got, person{m["id"].(string), m["username"].(string), email, m["first_name"].(string)})
	}
	want := []person{
		{emulator.SeedUserAlice, "alice", "alice@example.com", "Alice"},
		{emulator.SeedUserBob, "bob", "bob@example.com", "Bob"},
		{emulator.SeedUserCarol, "carol", "carol@example.com", "Carol"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("seeded users (-want +got):\n%s", diff)
	}
	roles := map[string]string{}
	for _, m := range f.object(http.MethodGet, "/v1/organizations/"+emulator.SeedOrgAcme+"/memberships", nil, 200)["data"].([]any) {
		mm := m.(map[string]any)
		roles[mm["public_user_data"].(map[string]any)["user_id"].(string)] = mm["role"].(string)
	}
	if diff := cmp.Diff(map[string]string{emulator.SeedUserAlice: "org:admin", emulator.SeedUserBob: "org:member"}, roles); diff != "" {
		t.Fatalf("seeded memberships (-want +got):\n%s", diff)
	}
	for _, id := range []string{emulator.SeedUserAlice, emulator.SeedUserBob, emulator.SeedUserCarol} {
		f.object(http.MethodPost, "/v1/users/"+id+"/verify_password", map[string]any{"password": emulator.SeedPassword}, 200)
	}
}

func TestNoSeedMeansEmpty(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	if n := f.object(http.MethodGet, "/v1/users/count", nil, 200)["total_count"]; n != float64(0) {
		t.Fatalf("%v users", n)
	}
	if n := f.object(http.MethodGet, "/v1/organizations", nil, 200)["total_count"]; n != float64(0) {
		t.Fatalf("%v organizations", n)
	}
}

func TestOptionsReachTokens(t *testing.T) {
	t.Parallel()
	clock := t0
	emu, err := emulator.New(emulator.Options{Seed: true, Issuer: "https://clerk.example.test", TokenTTL: 5 * time.Minute,
		Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, emu: emu}
	sid, err := emu.CreateSession(emulator.SeedUserAlice)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		ttl     time.Duration
		wantExp int64
	}{
		{name: "zero ttl takes Options.TokenTTL", ttl: 0, wantExp: t0.Unix() + 300},
		{name: "explicit ttl", ttl: 90 * time.Second, wantExp: t0.Unix() + 90},
		{name: "sub-second ttl rounds up", ttl: 300 * time.Millisecond, wantExp: t0.Unix() + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := emu.MintSessionToken(sid, tt.ttl)
			if err != nil {
				t.Fatal(err)
			}
			_, claims := verifyRS256(t, tok, pemKey(t, f.emu.PublicKeyPEM()))
			if claims["iss"] != "https://clerk.example.test" || claims["exp"] != float64(tt.wantExp) || claims["iat"] != float64(t0.Unix()) {
				t.Fatalf("claims %v", claims)
			}
		})
	}
}
