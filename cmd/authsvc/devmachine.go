package main

import (
	"fmt"
	"io"

	"github.com/authsvc/authsvc/emulator"
)

// devMachine are the machine tokens dev mode mints at start-up for the
// banner: an opaque M2M token and an API key for the demo user.
type devMachine struct {
	m2m, apiKey string
}

func newDevMachine(em *emulator.Emulator) (devMachine, error) {
	m2m, err := em.MintM2MToken(devTokenTTL, false)
	if err != nil {
		return devMachine{}, err
	}
	key, _, err := em.CreateAPIKey("dev", devUser)
	if err != nil {
		return devMachine{}, err
	}
	return devMachine{m2m: m2m, apiKey: key}, nil
}

// printDevMachine adds the VerifyToken commands to the dev banner.
func printDevMachine(w io.Writer, at listening, m devMachine) {
	fmt.Fprintf(w, `Machine callers: an M2M token (for %[2]s) and an API key (for %[3]s). Verify them:

  grpcurl -plaintext -d '{"token":"%[4]s","accepts":["TOKEN_TYPE_M2M"]}' %[1]s authsvc.v1.AuthService/VerifyToken
  grpcurl -plaintext -d '{"token":"%[5]s","accepts":["TOKEN_TYPE_API_KEY"]}' %[1]s authsvc.v1.AuthService/VerifyToken

`, at.GRPCAddr, emulator.EmulatorMachineID, devUser, m.m2m, m.apiKey)
}
