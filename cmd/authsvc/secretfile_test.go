package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretFileRoundTrip: what writeSecretFile writes, 0600 in a 0700
// directory it creates, readSecretFile reads back, by port.
func TestSecretFileRoundTrip(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "authsvc")
	secret, err := newEmulatorSecret()
	if err != nil {
		t.Fatal(err)
	}
	path, err := writeSecretFile(dir, "127.0.0.1:50099", secret)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode: %v %v, want 0600", fi.Mode(), err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode: %v %v, want 0700", fi.Mode(), err)
	}
	for _, addr := range []string{"127.0.0.1:50099", "localhost:50099", "[::1]:50099"} {
		if got, err := readSecretFile(dir, addr); err != nil || got != secret {
			t.Errorf("read for %s: %v (same key: %v)", addr, err, got == secret)
		}
	}
	if _, err := readSecretFile(dir, "127.0.0.1:50098"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("another port: %v, want not found", err)
	}
}

// TestSecretFileRefuses: a file or directory that another user could read,
// replace or own is refused, and no error quotes the file's content.
func TestSecretFileRefuses(t *testing.T) {
	t.Parallel()
	const addr, content = "127.0.0.1:50100", "sk_test_planted_0123456789"
	tests := []struct {
		name    string
		root    bool // needs root (chown)
		setup   func(t *testing.T, dir, file string)
		wantErr string
	}{
		{"missing file", false, func(t *testing.T, dir, file string) { must(t, os.Remove(file)) }, "no such file"},
		{"file open to others", false, func(t *testing.T, dir, file string) { must(t, os.Chmod(file, 0o644)) }, "chmod 600"},
		{"file open to the group", false, func(t *testing.T, dir, file string) { must(t, os.Chmod(file, 0o640)) }, "chmod 600"},
		{"directory open to others", false, func(t *testing.T, dir, file string) { must(t, os.Chmod(dir, 0o755)) }, "chmod 700"},
		{"file is a symlink", false, func(t *testing.T, dir, file string) {
			other := filepath.Join(dir, "other")
			must(t, os.Rename(file, other))
			must(t, os.Symlink(other, file))
		}, "symbolic link"},
		{"file is a directory", false, func(t *testing.T, dir, file string) {
			must(t, os.Remove(file))
			must(t, os.Mkdir(file, 0o700))
		}, "not a regular file"},
		{"not a secret key", false, func(t *testing.T, dir, file string) {
			must(t, os.WriteFile(file, []byte("hello "+content[:8]+" world"), 0o600))
		}, "does not hold"},
		{"file owned by another user", true, func(t *testing.T, dir, file string) { must(t, os.Chown(file, 65534, 65534)) }, "not owned"},
		{"directory owned by another user", true, func(t *testing.T, dir, file string) { must(t, os.Chown(dir, 65534, 65534)) }, "not owned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.root && os.Geteuid() != 0 {
				t.Skip("chown to another user needs root")
			}
			dir := filepath.Join(t.TempDir(), "authsvc")
			file, err := writeSecretFile(dir, addr, content)
			if err != nil {
				t.Fatal(err)
			}
			tt.setup(t, dir, file)
			got, err := readSecretFile(dir, addr)
			if err == nil || !strings.Contains(errNoSecretFile(err, addr).Error(), tt.wantErr) {
				t.Fatalf("read = %q, %v; want an error saying %q", got, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), content[8:]) {
				t.Errorf("the error quotes the file: %v", err)
			}
		})
	}
}

// TestSecretFileWriteRefuses: writing refuses a directory open to others
// or one that is a symlink, rather than fixing or following it.
func TestSecretFileWriteRefuses(t *testing.T) {
	t.Parallel()
	open := filepath.Join(t.TempDir(), "open")
	must(t, os.Mkdir(open, 0o700))
	must(t, os.Chmod(open, 0o777))
	link := filepath.Join(t.TempDir(), "link")
	must(t, os.Symlink(t.TempDir(), link))
	for dir, want := range map[string]string{open: "chmod 700", link: "not a directory"} {
		if _, err := writeSecretFile(dir, "127.0.0.1:1", "sk_test_x"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("write into %s: %v, want %q", filepath.Base(dir), err, want)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
