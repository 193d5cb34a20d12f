//go:build !unix

package main

import (
	"io/fs"
	"os"
)

// checkModes: Windows ignores Unix permission bits.
const checkModes = false

// ownedByMe cannot read an owner here (Windows keeps it in ACLs); the
// per-user cache directory's ACL is what protects the file.
func ownedByMe(fs.FileInfo) bool { return true }

func openNoFollow(path string) (*os.File, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrPermission}
	}
	return os.Open(path)
}
