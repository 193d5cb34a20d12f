package buildinfo

import (
	"runtime/debug"
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

func TestFrom(t *testing.T) {
	t.Parallel()
	vcs := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	tests := []struct {
		name              string
		version, revision string
		bi                *debug.BuildInfo
		wantVer, wantRev  string
	}{
		{"nothing known", "", "", nil, "devel", "unknown"},
		{"go install of a tag", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}}, "v0.1.0", "unknown"},
		{"build info vcs, clean", "", "", vcs("abc123", "false"), "devel", "abc123"},
		{"build info vcs, modified", "", "", vcs("abc123", "true"), "devel", "abc123-dirty"},
		{"stamps win over build info", "v0.2.0", "def456", vcs("abc123", "true"), "v0.2.0", "def456"},
		{"stamped version, vcs revision", "v0.2.0", "", vcs("abc123", "false"), "v0.2.0", "abc123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := from(tt.version, tt.revision, tt.bi)
			if got.Version != tt.wantVer || got.Revision != tt.wantRev {
				t.Errorf("from() = %q, %q; want %q, %q", got.Version, got.Revision, tt.wantVer, tt.wantRev)
			}
		})
	}
}
