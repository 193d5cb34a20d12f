// Package emulatortest starts the Backend API emulator for tests, with a
// backendapi client and a verifier pointed at it: the wiring that the
// machine-token tests of server and interceptor both need before they put
// authsvc in front.
//
// It is for tests only; nothing in the service uses it.
package emulatortest
