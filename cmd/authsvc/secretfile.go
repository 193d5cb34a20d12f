package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// The emulator's secret key is random per run (newEmulatorSecret) and is
// handed to `authsvc dev token` and `authsvc emulator secret` through a
// file only the user can read: <dir>/emulator-<port>.secret, where dir is
//
//   - the --data DIR, when given (it then holds the emulator's state too);
//   - else $XDG_RUNTIME_DIR/authsvc (a per-user tmpfs on most Linux desktops);
//   - else <os.UserCacheDir>/authsvc ($XDG_CACHE_HOME or ~/.cache on Linux,
//     ~/Library/Caches on macOS).
//
// The file is named after the emulator's port, so that emulators on
// different ports (tests, a dev service beside a standalone emulator) do
// not overwrite one another, and a reader that knows the address it will
// call finds the right key. The directory is created 0700 and the file
// 0600 (written to a temporary name and renamed, so a reader never sees
// half a key); a directory or file that is a symlink, not owned by the
// user, or open to the group or others is refused, on writing and on
// reading. The file is removed when the emulator stops.

// newEmulatorSecret returns a fresh Backend API secret for the emulator.
func newEmulatorSecret() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "sk_test_emulator_" + hex.EncodeToString(b), nil
}

// secretDir is the directory of the secret file (see above).
func secretDir(env lookupEnv, dataDir string) (string, error) {
	if dataDir != "" {
		return dataDir, nil
	}
	if rt, _ := env("XDG_RUNTIME_DIR"); strings.TrimSpace(rt) != "" {
		return filepath.Join(strings.TrimSpace(rt), "authsvc"), nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no directory for the emulator's secret key (set XDG_RUNTIME_DIR or use --data DIR): %w", err)
	}
	return filepath.Join(cache, "authsvc"), nil
}

// secretPath is the secret file of the emulator at addr (host:port) in dir.
func secretPath(dir, addr string) (string, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || strings.ContainsAny(port, `/\.`) {
		return "", fmt.Errorf("%q is not a host:port address", addr)
	}
	return filepath.Join(dir, "emulator-"+port+".secret"), nil
}

// ensurePrivateDir creates dir 0700 when missing and checks that it is
// the user's own directory, closed to everyone else.
func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return checkPrivateDir(dir)
}

func checkPrivateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory (a symlink is refused too)", dir)
	}
	return checkPrivate(dir, fi, "chmod 700")
}

// checkPrivate refuses what the user does not own or what the group or
// others may access; fix names the command that repairs the mode.
func checkPrivate(path string, fi fs.FileInfo, fix string) error {
	if !ownedByMe(fi) {
		return fmt.Errorf("%s is not owned by this user", path)
	}
	if checkModes && fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s is open to the group or others (mode %04o; %s %s)", path, fi.Mode().Perm(), fix, path)
	}
	return nil
}

// writeSecretFile writes secret to its file for the emulator at addr and
// returns the path.
func writeSecretFile(dir, addr, secret string) (string, error) {
	path, err := secretPath(dir, addr)
	if err != nil {
		return "", err
	}
	if err := ensurePrivateDir(dir); err != nil {
		return "", fmt.Errorf("emulator secret key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".emulator-secret-*") // 0600
	if err != nil {
		return "", fmt.Errorf("emulator secret key: %w", err)
	}
	_, werr := tmp.WriteString(secret + "\n")
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("emulator secret key: %w", werr)
	}
	return path, nil
}

// readSecretFile reads the secret of the emulator at addr from dir, with
// the same checks as writing it. Its errors name the file, never the key.
func readSecretFile(dir, addr string) (string, error) {
	path, err := secretPath(dir, addr)
	if err != nil {
		return "", err
	}
	if err := checkPrivateDir(dir); err != nil {
		return "", err
	}
	f, err := openNoFollow(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", path)
	}
	if err := checkPrivate(path, fi, "chmod 600"); err != nil {
		return "", err
	}
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return "", err
	}
	secret := strings.TrimSpace(string(b))
	if !strings.HasPrefix(secret, "sk_test_") || strings.ContainsFunc(secret, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", fmt.Errorf("%s does not hold an emulator secret key", path)
	}
	return secret, nil
}

// errNoSecretFile wraps a missing secret file with what to check.
func errNoSecretFile(err error, addr string) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no emulator secret key for %s (is `authsvc dev` or `authsvc emulator` running there? with --data, pass the same --data): %w", addr, err)
	}
	return fmt.Errorf("emulator secret key: %w", err)
}
