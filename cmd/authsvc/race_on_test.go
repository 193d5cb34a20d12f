//go:build race

package main

// raceFlags are the go build flags of a binary built by a test: the test
// binary's own -race, so that the build reuses the packages the test
// build compiled instead of compiling all of them again without it (on a
// cold cache that was a minute of make test).
var raceFlags = []string{"-race"}
