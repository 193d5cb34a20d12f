package emulator

// SeedPassword is the password of every seeded demo user.
const SeedPassword = "authsvc-demo-password"

// Stable ids of the seeded demo data (see the package documentation).
const (
	SeedUserAlice = "user_demo_alice"
	SeedUserBob   = "user_demo_bob"
	SeedUserCarol = "user_demo_carol"
	SeedOrgAcme   = "org_demo_acme"
)

// seedLocked adds the demo users and organization. It runs once, from New;
// the caller holds e.mu.
func (e *Emulator) seedLocked() {
	now := e.nowMillis()
	people := []struct{ id, name, first, last string }{
		{SeedUserAlice, "alice", "Alice", "Anders"},
		{SeedUserBob, "bob", "Bob", "Brown"},
		{SeedUserCarol, "carol", "Carol", "Chen"},
	}
	pw := SeedPassword
	for _, p := range people {
		username, first, last := p.name, p.first, p.last
		e.st.addUser(p.id, now, &createUserRequest{
			EmailAddress: []string{p.name + "@example.com"}, Username: &username,
			FirstName: &first, LastName: &last, Password: &pw,
			PublicMetadata: map[string]any{"demo": true},
		})
	}
	name, creator := "Acme", SeedUserAlice
	o := e.st.addOrg(SeedOrgAcme, name, "acme", now, &createOrgRequest{Name: &name, CreatedBy: &creator})
	e.st.addMembership(o, SeedUserBob, "org:member", now)
}
