package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/authsvc/authsvc/emulator"
)

// Example starts a seeded emulator behind an HTTP server, reads a demo user
// through the Backend API, and mints a session token for her.
func Example() {
	emu, err := emulator.New(emulator.Options{Seed: true})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(emu.Handler())
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/users/"+emulator.SeedUserAlice, nil)
	req.Header.Set("Authorization", "Bearer "+emu.SecretKey())
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var user struct {
		Username string `json:"username"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&user); err != nil {
		panic(err)
	}

	sid, err := emu.CreateSession(emulator.SeedUserAlice)
	if err != nil {
		panic(err)
	}
	token, err := emu.MintSessionToken(sid, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, user.Username)
	fmt.Println("token parts:", strings.Count(token, ".")+1)
	// Output:
	// 200 alice
	// token parts: 3
}
