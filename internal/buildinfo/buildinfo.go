// Package buildinfo says which build of authsvc is running: its version,
// VCS revision, Go version and crypto implementation. It is read by
// `authsvc version`, the authsvc_build_info metric and the logs at start.
//
// It is not a place for configuration: nothing here changes behaviour.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"sync"
)

// version is stamped by the release build:
//
//	go build -ldflags "-X github.com/authsvc/authsvc/internal/buildinfo.version=v0.1.0"
//
// Unstamped, the module version from the build info is used (set by
// `go install …@v0.1.0`), else "devel".
var version string

// revision is stamped by builds that have no VCS information in the build
// info (a source archive, a container build without .git):
//
//	go build -ldflags "-X github.com/authsvc/authsvc/internal/buildinfo.revision=8147ba6…"
//
// Unstamped, vcs.revision from the build info is used (with "-dirty" when
// vcs.modified), else "unknown".
var revision string

// Info is one build's identity. Every field is non-empty.
type Info struct {
	Version   string // v0.1.0, or "devel"
	Revision  string // VCS commit (with "-dirty" when modified), or "unknown"
	GoVersion string // go1.26.8
	Crypto    string // "boringcrypto" in a GOEXPERIMENT=boringcrypto build, else "go"
}

var read = sync.OnceValue(func() Info {
	bi, _ := debug.ReadBuildInfo()
	return from(version, revision, bi)
})

// from combines the stamped values with the build info (nil when absent):
// a stamp wins, then the build info, then "devel" and "unknown".
func from(version, revision string, bi *debug.BuildInfo) Info {
	in := Info{Version: version, Revision: "unknown", GoVersion: runtime.Version(), Crypto: cryptoName()}
	if bi != nil {
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = bi.Main.Version
		}
		var dirty bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Revision = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && in.Revision != "unknown" {
			in.Revision += "-dirty"
		}
	}
	if revision != "" {
		in.Revision = revision
	}
	if in.Version == "" {
		in.Version = "devel"
	}
	return in
}

// Read returns this binary's build identity. It is computed once and safe
// for concurrent use.
func Read() Info { return read() }

// String is the one line `authsvc version` prints.
func (in Info) String() string {
	return "authsvc " + in.Version + " (revision " + in.Revision + ", " + in.GoVersion + ", crypto " + in.Crypto + ")"
}
