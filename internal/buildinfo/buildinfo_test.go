package buildinfo

import (
	"strings"
	"testing"
)

func TestReadFieldsNonEmpty(t *testing.T) {
	t.Parallel()
	in := Read()
	for name, v := range map[string]string{"Version": in.Version, "Revision": in.Revision, "GoVersion": in.GoVersion, "Crypto": in.Crypto} {
		if v == "" {
			t.Errorf("%s is empty", name)
		}
	}
	if !strings.HasPrefix(in.GoVersion, "go") {
		t.Errorf("GoVersion = %q", in.GoVersion)
	}
	if s := in.String(); !strings.Contains(s, in.Version) || !strings.Contains(s, "crypto "+in.Crypto) {
		t.Errorf("String() = %q", s)
	}
}
