// Package emulatorstate is for tests that run a table of Backend API calls
// against the emulator, each row on a fresh emulator: it resumes a recorded
// emulator state in a row's own directory, and swaps the table's
// placeholder ids for the real ids of that state.
//
// It is for tests only; nothing in the service uses it. It imports only the
// emulator, so backendapi's own tests can use it.
package emulatorstate
