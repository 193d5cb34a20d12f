package main

import (
	"fmt"
	"io"

	"github.com/authsvc/authsvc/internal/buildinfo"
)

// runVersion prints the one line `authsvc version` (and `--version`)
// answers: version, VCS revision, Go version and crypto implementation.
func runVersion(stdout io.Writer) error {
	_, err := fmt.Fprintln(stdout, buildinfo.Read().String())
	return err
}
