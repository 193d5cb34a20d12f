//go:build unix

package main

import (
	"io/fs"
	"os"
	"syscall"
)

// checkModes: Unix permission bits say who may read a file.
const checkModes = true

// ownedByMe reports whether the effective user owns fi.
func ownedByMe(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// openNoFollow opens path for reading, refusing a symlink.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
}
