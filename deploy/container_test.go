package deploy

import (
	"bytes"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// repo is the service module's root, where the Dockerfiles live.
const repo = ".."

func readDockerfile(t *testing.T, name string) *dockerfile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, name))
	if err != nil {
		t.Fatal(err)
	}
	df, err := parseDockerfile(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return df
}

// image describes what each Dockerfile must build.
type image struct {
	dockerfile string
	build      string // the build stage's RUN command
	binary     string // where it writes the binary, relative to WORKDIR
	base       string // the final stage's base image
	crypto     string // what `authsvc version` must say
}

var images = []image{
	{"Dockerfile", "scripts/build.sh bin/authsvc", "bin/authsvc", "gcr.io/distroless/static-debian12:nonroot", "crypto go"},
	{"Dockerfile.fips", "scripts/build.sh --fips bin/authsvc-fips", "bin/authsvc-fips", "gcr.io/distroless/base-debian12:nonroot", "crypto boringcrypto"},
}

// TestDockerfiles: each Dockerfile parses strictly and says what DESIGN's
// "Deployment" asks: a Go builder of the toolchain go.mod names running
// scripts/build.sh (the command `make build` runs), a distroless nonroot
// final stage holding only that binary, both listeners on 0.0.0.0 on the
// exposed ports, a HEALTHCHECK through `authsvc healthcheck`, and an
// exec-form entrypoint (there is no shell).
func TestDockerfiles(t *testing.T) {
	t.Parallel()
	toolchain := goToolchain(t)
	for _, im := range images {
		t.Run(im.dockerfile, func(t *testing.T) {
			t.Parallel()
			df := readDockerfile(t, im.dockerfile)
			if len(df.stages) != 2 {
				t.Fatalf("%d stages, want a builder and the final image", len(df.stages))
			}
			build, final := &df.stages[0], &df.stages[1]
			if want := "golang:" + strings.TrimPrefix(toolchain, "go") + "-bookworm"; build.base != want {
				t.Errorf("builder is %q, want %q (go.mod's toolchain, Debian 12 like the final image)", build.base, want)
			}
			var runs []string
			for _, in := range build.all("RUN") {
				runs = append(runs, in.args[0])
			}
			if len(runs) == 0 || runs[len(runs)-1] != im.build {
				t.Errorf("builder's last RUN is %q, want %q", runs, im.build)
			}
			if final.base != im.base {
				t.Errorf("final image is %q, want %q", final.base, im.base)
			}
			copies := final.all("COPY")
			if len(copies) != 1 || copies[0].flags["from"] != build.name || cmp.Diff([]string{"/src/" + im.binary, "/authsvc"}, copies[0].args) != "" {
				t.Errorf("final stage COPY = %+v, want only /src/%s from %s to /authsvc", copies, im.binary, build.name)
			}
			if wd := build.all("WORKDIR"); len(wd) != 1 || wd[0].args[0] != "/src" {
				t.Errorf("builder WORKDIR = %+v, want /src", wd)
			}
			if u := final.all("USER"); len(u) != 1 || !strings.HasPrefix(u[0].args[0], "nonroot") {
				t.Errorf("final USER = %+v, want nonroot", u)
			}
			env := final.env()
			var exposed []string
			for _, in := range final.all("EXPOSE") {
				exposed = append(exposed, in.args...)
			}
			for _, v := range []string{"AUTHSVC_GRPC_ADDR", "AUTHSVC_HTTP_ADDR"} {
				host, port, _ := strings.Cut(env[v], ":")
				if host != "0.0.0.0" || !slices.Contains(exposed, port) {
					t.Errorf("%s = %q: want 0.0.0.0 on an EXPOSEd port (%v)", v, env[v], exposed)
				}
			}
			if hc := final.all("HEALTHCHECK"); len(hc) != 1 || cmp.Diff([]string{"/authsvc", "healthcheck"}, hc[0].exec) != "" {
				t.Errorf("HEALTHCHECK = %+v, want CMD [\"/authsvc\", \"healthcheck\"]", hc)
			}
			if ep := final.all("ENTRYPOINT"); len(ep) != 1 || cmp.Diff([]string{"/authsvc"}, ep[0].exec) != "" {
				t.Errorf("ENTRYPOINT = %+v, want [\"/authsvc\"]", ep)
			}
		})
	}
}

// goToolchain is go.mod's toolchain line (go1.26.8).
func goToolchain(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^toolchain (go\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod has no toolchain line")
	}
	return string(m[1])
}

func TestParseDockerfileRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, src string }{
		{"empty", "# nothing\n"},
		{"instruction before FROM", "RUN true\nFROM scratch\n"},
		{"lower-case keyword", "from scratch\n"},
		{"unknown instruction", "FROM scratch\nONBUILD RUN true\n"},
		{"shell-form entrypoint", "FROM scratch\nENTRYPOINT /authsvc\n"},
		{"shell-form healthcheck", "FROM scratch\nHEALTHCHECK CMD /authsvc healthcheck\n"},
		{"COPY from a later stage", "FROM scratch\nCOPY --from=build /a /b\nFROM golang AS build\n"},
		{"unknown COPY flag", "FROM scratch\nCOPY --link=true a b\n"},
		{"EXPOSE not a port", "FROM scratch\nEXPOSE grpc\n"},
		{"ENV without =", "FROM scratch\nENV AUTHSVC_GRPC_ADDR 0.0.0.0:50051\n"},
		{"continuation at end", "FROM scratch\nRUN true \\\n"},
		{"FROM with junk", "FROM a b c d\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := parseDockerfile(tt.src); !errors.Is(err, errDockerfile) {
				t.Errorf("parseDockerfile = %v, want an errDockerfile", err)
			}
		})
	}
}

// FuzzParseDockerfile: any input is parsed or refused, never a panic.
// Run: go test -run '^$' -fuzz '^FuzzParseDockerfile$' -fuzztime 30s ./ (in deploy/).
func FuzzParseDockerfile(f *testing.F) {
	for _, im := range images {
		if b, err := os.ReadFile(filepath.Join(repo, im.dockerfile)); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		df, err := parseDockerfile(src)
		if err == nil && len(df.stages) == 0 {
			t.Error("parsed with no stage")
		}
	})
}

// dockerignore reads .dockerignore, refusing the syntax buildContext does
// not implement (negation, **), so the test's context is Docker's.
func dockerignore(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var pats []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") || strings.Contains(line, "**") {
			t.Fatalf(".dockerignore: %q: negation and ** are not implemented by this test", line)
		}
		if _, err := path.Match(line, ""); err != nil {
			t.Fatalf(".dockerignore: %q: %v", line, err)
		}
		pats = append(pats, path.Clean(strings.TrimPrefix(line, "/")))
	}
	return pats
}

// ignored applies Docker's rule for plain patterns: a path is left out when
// it or one of its parent folders matches.
func ignored(pats []string, rel string) bool {
	for p := rel; p != "." && p != "/"; p = path.Dir(p) {
		for _, pat := range pats {
			if ok, _ := path.Match(pat, p); ok {
				return true
			}
		}
	}
	return false
}

// buildContext copies the service's tree, less what .dockerignore leaves
// out, to a fresh folder: what `docker build .` sends.
func buildContext(t *testing.T) string {
	t.Helper()
	pats := dockerignore(t)
	dst := t.TempDir()
	err := filepath.WalkDir(repo, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(repo, p)
		if err != nil || rel == "." {
			return err
		}
		if ignored(pats, filepath.ToSlash(rel)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return copyFile(p, target)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func TestDockerignore(t *testing.T) {
	t.Parallel()
	pats := dockerignore(t)
	tests := []struct {
		path string
		want bool
	}{
		{".git", true},
		{".git/HEAD", true},
		{"bin/authsvc", true},
		{"deploy/go.mod", true},
		{"verifier.test", true},
		{"go.mod", false},
		{"scripts/build.sh", false},
		{"cmd/authsvc/main.go", false},
		{"gen/authsvc/v1/auth.pb.go", false},
	}
	for _, tt := range tests {
		if got := ignored(pats, tt.path); got != tt.want {
			t.Errorf("ignored(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

// TestImageBuild runs the build stage of each Dockerfile as Docker would
// (no Docker daemon runs here): its RUN commands in order, with /bin/sh, in
// a copy of the build context (no .git), with the version and revision
// build arguments unset. The binary must be what the final stage can run:
// fully static for distroless/static (no interpreter, no shared library),
// and for the FIPS image linked against glibc only. Both answer `version`
// with their crypto and fail `healthcheck` against a closed port with exit
// status 1.
//
// The FIPS build compiles the standard library again with cgo and
// BoringCrypto, which is slow; it runs when AUTHSVC_TEST_FIPS=1 (and cgo
// works), otherwise it is skipped and says so.
func TestImageBuild(t *testing.T) {
	t.Parallel()
	for _, im := range images {
		t.Run(im.dockerfile, func(t *testing.T) {
			t.Parallel()
			fips := strings.HasSuffix(im.dockerfile, ".fips")
			if fips && os.Getenv("AUTHSVC_TEST_FIPS") != "1" {
				t.Skip("the BoringCrypto build is slow: set AUTHSVC_TEST_FIPS=1 to run it")
			}
			if fips && !haveCgo() {
				t.Skip("skipped: no cgo (no C compiler)")
			}
			df := readDockerfile(t, im.dockerfile)
			ctx := buildContext(t)
			for _, in := range df.stages[0].all("RUN") {
				cmd := exec.Command("/bin/sh", "-c", in.args[0])
				cmd.Dir = ctx
				cmd.Env = withoutVars(os.Environ(), "VERSION", "REVISION", "CGO_ENABLED", "GOEXPERIMENT")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("RUN %s (line %d): %v\n%s", in.args[0], in.line, err, out)
				}
			}
			bin := filepath.Join(ctx, im.binary)
			checkLinking(t, bin, fips)
			out, err := exec.Command(bin, "version").Output()
			if err != nil {
				t.Fatalf("%s version: %v", im.binary, err)
			}
			if want := "authsvc devel (revision unknown, "; !strings.HasPrefix(string(out), want) || !strings.Contains(string(out), im.crypto+")") {
				t.Errorf("version = %q, want %q… and %q (no .git in the context, no build args)", out, want, im.crypto)
			}
			var stderr bytes.Buffer
			hc := exec.Command(bin, "healthcheck", "--addr", "127.0.0.1:1", "--timeout", "2s")
			hc.Stderr = &stderr
			var exit *exec.ExitError
			if err := hc.Run(); !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("healthcheck against a closed port: %v, want exit status 1", err)
			}
			if lines := strings.Count(strings.TrimSpace(stderr.String()), "\n") + 1; lines != 1 {
				t.Errorf("healthcheck failure printed %d lines, want 1:\n%s", lines, stderr.String())
			}
		})
	}
}

func withoutVars(env []string, names ...string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains(names, k)
	})
}

func haveCgo() bool {
	out, err := exec.Command("go", "env", "CGO_ENABLED", "CC").Output()
	if err != nil || !strings.HasPrefix(string(out), "1") {
		return false
	}
	_, err = exec.LookPath(strings.Fields(string(out))[1])
	return err == nil
}

// glibc is what distroless/base provides.
var glibc = []string{"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "libresolv.so.2"}

func checkLinking(t *testing.T, bin string, dynamicGlibc bool) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var interp bool
	for _, p := range f.Progs {
		interp = interp || p.Type == elf.PT_INTERP
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case !dynamicGlibc && (interp || len(libs) > 0):
		t.Errorf("not static: interpreter %v, shared libraries %v (distroless/static has no libc)", interp, libs)
	case dynamicGlibc:
		for _, l := range libs {
			if !slices.Contains(glibc, l) {
				t.Errorf("links %s, which distroless/base lacks (has %v)", l, glibc)
			}
		}
	}
}

// compose is the subset of the Compose file format compose.yaml may use;
// decoding it strictly fails on any other or misspelt key.
type compose struct {
	Services map[string]struct {
		Build struct {
			Context    string `json:"context"`
			Dockerfile string `json:"dockerfile"`
		} `json:"build"`
		Image       string            `json:"image"`
		Command     []string          `json:"command"`
		Environment map[string]string `json:"environment"`
		Ports       []string          `json:"ports"`
		ReadOnly    bool              `json:"read_only"`
		Tmpfs       []string          `json:"tmpfs"`
		CapDrop     []string          `json:"cap_drop"`
		SecurityOpt []string          `json:"security_opt"`
	} `json:"services"`
}

// TestCompose: compose.yaml decodes strictly, builds an image from a
// Dockerfile that exists, runs `authsvc dev` bound to 0.0.0.0 inside the
// container, and publishes its ports on the host's loopback only (dev
// mode hands out a caller key granted every method).
func TestCompose(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(repo, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.UnmarshalStrict(b, &c); err != nil {
		t.Fatal(err)
	}
	svc, ok := c.Services["authsvc"]
	if !ok || len(c.Services) != 1 {
		t.Fatalf("services = %v, want only authsvc", c.Services)
	}
	if _, err := os.Stat(filepath.Join(repo, svc.Build.Context, svc.Build.Dockerfile)); err != nil {
		t.Errorf("build: %v", err)
	}
	if cmp.Diff([]string{"dev"}, svc.Command) != "" {
		t.Errorf("command = %q, want [dev]", svc.Command)
	}
	for _, v := range []string{"AUTHSVC_GRPC_ADDR", "AUTHSVC_HTTP_ADDR", "AUTHSVC_DEV_BACKEND_ADDR"} {
		if !strings.HasPrefix(svc.Environment[v], "0.0.0.0:") {
			t.Errorf("%s = %q, want 0.0.0.0:<port>", v, svc.Environment[v])
		}
	}
	if svc.Environment["AUTHSVC_DEV_ALLOW_REMOTE"] != "true" {
		t.Error("dev mode binds 0.0.0.0 without AUTHSVC_DEV_ALLOW_REMOTE=true: it would refuse to start")
	}
	if dir := svc.Environment["XDG_RUNTIME_DIR"]; dir == "" || !slices.Contains(svc.Tmpfs, dir) {
		t.Errorf("XDG_RUNTIME_DIR %q is not a tmpfs (%q): the read-only container has nowhere for the emulator's secret key", dir, svc.Tmpfs)
	}
	if len(svc.Ports) != 3 {
		t.Errorf("ports = %q, want gRPC, HTTP and the emulator", svc.Ports)
	}
	for _, p := range svc.Ports {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("port %q is published beyond the host's loopback", p)
		}
	}
	if !svc.ReadOnly {
		t.Error("the container's filesystem is writable")
	}
}

func TestComposeRefusesUnknownKeys(t *testing.T) {
	t.Parallel()
	var c compose
	if err := yaml.UnmarshalStrict([]byte("services:\n  authsvc:\n    comand: [dev]\n"), &c); err == nil {
		t.Error("a misspelt key decoded without error")
	}
}
