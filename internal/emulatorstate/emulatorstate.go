package emulatorstate

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/authsvc/authsvc/emulator"
)

// Record returns the state file that an emulator with DataDir dir has
// written, to be resumed by Resume.
func Record(t testing.TB, dir string) []byte {
	t.Helper()
	state, err := os.ReadFile(filepath.Join(dir, emulator.StateFileName))
	if err != nil {
		t.Fatalf("emulatorstate: %v", err)
	}
	return state
}

// Resume starts an emulator from state in a directory of t's own and
// serves it over loopback HTTP until t's cleanup.
func Resume(t testing.TB, state []byte) (*emulator.Emulator, *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, emulator.StateFileName), state, 0o600); err != nil {
		t.Fatalf("emulatorstate: %v", err)
	}
	emu, err := emulator.New(emulator.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("emulatorstate: emulator.New: %v", err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	return emu, srv
}

// SwapIDs replaces every whole-token occurrence of a key of m in s (not
// inside a longer id: "user_1" is not replaced in "user_1oBN") with its
// value, longer keys first.
func SwapIDs(s string, m map[string]string) string {
	if s == "" {
		return s
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		re := regexp.MustCompile(`(^|[^A-Za-z0-9_])` + regexp.QuoteMeta(k) + `($|[^A-Za-z0-9_])`)
		s = re.ReplaceAllString(s, "${1}"+strings.ReplaceAll(m[k], "$", "$$")+"${2}")
	}
	return s
}
