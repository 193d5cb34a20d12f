package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authsvc/authsvc/internal/hostcheck"
	"github.com/authsvc/authsvc/verifier"
)

var (
	emulatorURLLine = regexp.MustCompile(`authsvc emulator: Clerk Backend API on (http://\S+) `)
	emulatorSecret  = regexp.MustCompile(`CLERK_SECRET_KEY=(sk_\S+)`)
	emulatorFile    = regexp.MustCompile(`also in (\S+), which`)
	emulatorJWKS    = regexp.MustCompile(`JWKS: (http://\S+) \(open\)`)
	emulatorIssuer  = regexp.MustCompile(`Token issuer: (\S+)`)
	listUsersCurl   = regexp.MustCompile(`(?m)^  (curl -H 'Authorization: Bearer \S+' http://\S+/v1/users)$`)
	createSessCurl  = regexp.MustCompile(`(?m)^  (curl -H 'Authorization: Bearer \S+' -H 'Content-Type: application/json' -d '[^']+' http://\S+/v1/sessions)$`)
	createTokenCurl = regexp.MustCompile(`(?m)^  (curl -X POST -H 'Authorization: Bearer \S+' http://\S+/v1/sessions/<id>/tokens)$`)
	emulatorOneStep = regexp.MustCompile(`or in one step: authsvc dev token --user (\S+) --dev-backend-addr (\S+)`)
	theOldConstant  = "sk_test_authsvc_dev"
)

// emulatorRun is an `authsvc emulator` run in-process, with what its
// banner printed.
type emulatorRun struct {
	banner, url, addr, secret, secretFile string
	env                                   map[string]string
	log                                   *syncBuffer
	stop                                  func(t *testing.T) // cancel and wait; also run at cleanup
}

// startEmulatorCmd runs `authsvc emulator` on a free loopback port (unless
// args set --addr) with env (startInProcess) and reads its URL, secret and
// secret file from the banner.
func startEmulatorCmd(t *testing.T, env map[string]string, args ...string) *emulatorRun {
	t.Helper()
	// The banner is one write: once the curl line is there, all of it is.
	p := startInProcess(t, env, append([]string{"emulator", "--addr", "127.0.0.1:0"}, args...), listUsersCurl.MatchString)
	r := &emulatorRun{env: p.env, log: p.log, stop: p.stop}
	r.banner = p.out.String()
	um, sm, fm := emulatorURLLine.FindStringSubmatch(r.banner), emulatorSecret.FindStringSubmatch(r.banner), emulatorFile.FindStringSubmatch(r.banner)
	if um == nil || sm == nil || fm == nil {
		t.Fatalf("banner lacks the URL, the secret or its file:\n%s", r.banner)
	}
	r.url, r.secret, r.secretFile = um[1], sm[1], fm[1]
	r.addr = strings.TrimPrefix(r.url, "http://")
	return r
}

// curlWords splits a printed curl command into words the way a POSIX shell
// does for the subset the banners print: bare words and '…' quoting.
var curlWords = regexp.MustCompile(`'[^']*'|[^\s']+`)

// replayCurl sends the request a printed curl command describes (-X, -H,
// -d and the URL), as a user pasting it would, and returns the answer.
func replayCurl(t *testing.T, line string, host string) (int, []byte) {
	t.Helper()
	words := curlWords.FindAllString(line, -1)
	if len(words) == 0 || words[0] != "curl" {
		t.Fatalf("not a curl command: %q", line)
	}
	method, url, body, hdr := "", "", []byte(nil), http.Header{}
	for i := 1; i < len(words); i++ {
		w := strings.Trim(words[i], "'")
		switch w {
		case "-X", "-H", "-d":
			if i+1 == len(words) {
				t.Fatalf("%s without a value in %q", w, line)
			}
			i++
			v := strings.Trim(words[i], "'")
			switch w {
			case "-X":
				method = v
			case "-H":
				k, val, _ := strings.Cut(v, ": ")
				hdr.Add(k, val)
			case "-d":
				body = []byte(v)
			}
		default:
			if url != "" {
				t.Fatalf("two URLs in %q", line)
			}
			url = w
		}
	}
	if method == "" {
		method = http.MethodGet
		if body != nil {
			method = http.MethodPost
		}
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = hdr
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestEmulatorCommand: DESIGN Modes, authsvc emulator. The banner's
// commands work as printed: its curl lists the demo users, its two curl
// lines mint a session token that authsvc's verifier accepts through the
// printed JWKS and issuer; the secret is random, not the old published
// constant, and sits in a 0600 file that `emulator secret` reads and the
// stop removes.
func TestEmulatorCommand(t *testing.T) {
	t.Parallel()
	r := startEmulatorCmd(t, nil)
	if r.secret == theOldConstant || !strings.HasPrefix(r.secret, "sk_test_") {
		t.Errorf("secret key %.12s…, want a random sk_test_ key", r.secret)
	}
	if fi, err := os.Stat(r.secretFile); err != nil || fi.Mode().Perm() != 0o600 || readFile(t, r.secretFile) != r.secret {
		t.Errorf("secret file %s: %v, mode %v; want 0600 holding the printed key", r.secretFile, err, fi.Mode())
	}
	if fi, err := os.Stat(filepath.Dir(r.secretFile)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("secret file's directory: %v, want mode 0700", err)
	}
	var secretOut bytes.Buffer
	if err := run(context.Background(), []string{"emulator", "secret", "--addr", r.addr}, envFrom(r.env), &secretOut, io.Discard); err != nil || strings.TrimSpace(secretOut.String()) != r.secret {
		t.Errorf("emulator secret: %v, printed the banner's key: %v", err, strings.TrimSpace(secretOut.String()) == r.secret)
	}

	m := listUsersCurl.FindStringSubmatch(r.banner)
	code, body := replayCurl(t, m[1], "")
	var users []struct{ ID string }
	if code != http.StatusOK || json.Unmarshal(body, &users) != nil || len(users) != 3 || !strings.Contains(string(body), `"user_demo_alice"`) {
		t.Errorf("the printed list-users curl: %d %.200s, want 200 with the 3 demo users", code, body)
	}

	sm, tm := createSessCurl.FindStringSubmatch(r.banner), createTokenCurl.FindStringSubmatch(r.banner)
	if sm == nil || tm == nil {
		t.Fatalf("banner lacks the mint commands:\n%s", r.banner)
	}
	code, body = replayCurl(t, sm[1], "")
	var sess struct{ ID string }
	if code != http.StatusOK || json.Unmarshal(body, &sess) != nil || sess.ID == "" {
		t.Fatalf("the printed create-session curl: %d %s", code, body)
	}
	code, body = replayCurl(t, strings.Replace(tm[1], "<id>", sess.ID, 1), "")
	var tok struct{ JWT string }
	if code != http.StatusOK || json.Unmarshal(body, &tok) != nil || tok.JWT == "" {
		t.Fatalf("the printed create-token curl: %d %s", code, body)
	}
	jwks, iss := emulatorJWKS.FindStringSubmatch(r.banner), emulatorIssuer.FindStringSubmatch(r.banner)
	if jwks == nil || iss == nil {
		t.Fatalf("banner lacks the JWKS URL or the issuer:\n%s", r.banner)
	}
	if code, body := replayCurl(t, "curl "+jwks[1], ""); code != http.StatusOK || !strings.Contains(string(body), `"keys"`) {
		t.Errorf("GET %s: %d %s, want the key set", jwks[1], code, body)
	}
	v, err := verifier.New(verifier.Config{SecretKey: r.secret, APIURL: r.url, Issuers: []string{iss[1]}})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if claims, err := v.Verify(context.Background(), tok.JWT); err != nil || claims.UserID != devUser {
		t.Errorf("the minted token: %v, %v; want it verified for %s", claims, err, devUser)
	}
	if one := emulatorOneStep.FindStringSubmatch(r.banner); one == nil {
		t.Errorf("banner lacks the dev token line")
	} else {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"dev", "token", "--user", one[1], "--dev-backend-addr", one[2]}, envFrom(r.env), &out, io.Discard); err != nil {
			t.Errorf("the printed dev token command: %v", err)
		} else if _, err := v.Verify(context.Background(), strings.TrimSpace(out.String())); err != nil {
			t.Errorf("dev token's token: %v", err)
		}
	}

	r.stop(t)
	if _, err := os.Stat(r.secretFile); !os.IsNotExist(err) {
		t.Errorf("secret file after the stop: %v, want it removed", err)
	}
	if strings.Contains(r.log.String(), r.secret) {
		t.Errorf("the log holds the secret key")
	}
}

// TestEmulatorRunsApart: two emulators at once, one started empty, have
// different secrets and files, and each reader finds its own.
func TestEmulatorRunsApart(t *testing.T) {
	t.Parallel()
	runtime := t.TempDir()
	env := map[string]string{"XDG_RUNTIME_DIR": runtime}
	a, b := startEmulatorCmd(t, env), startEmulatorCmd(t, env, "--empty")
	if a.secret == b.secret || a.secretFile == b.secretFile {
		t.Fatalf("two runs share a secret or a file (%s)", a.secretFile)
	}
	for _, r := range []*emulatorRun{a, b} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"emulator", "secret", "--addr", r.addr}, envFrom(env), &out, io.Discard); err != nil || strings.TrimSpace(out.String()) != r.secret {
			t.Errorf("emulator secret --addr %s: %v, or another run's key", r.addr, err)
		}
	}
	code, body := replayCurl(t, listUsersCurl.FindStringSubmatch(b.banner)[1], "")
	if code != http.StatusOK || strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("--empty lists %d %s, want []", code, body)
	}
	if createSessCurl.MatchString(b.banner) {
		t.Errorf("--empty banner offers to mint for a demo user who is not there")
	}
}

// TestEmulatorHostCheck: the emulator answers only loopback Host values;
// another gets a 403 Clerk error, even with the right secret.
func TestEmulatorHostCheck(t *testing.T) {
	t.Parallel()
	r := startEmulatorCmd(t, nil)
	list := listUsersCurl.FindStringSubmatch(r.banner)[1]
	tests := []struct {
		name     string
		host     string
		wantCode int
	}{
		{"as printed", "", http.StatusOK},
		{"localhost with port", "localhost:" + portOf(r.addr), http.StatusOK},
		{"name under .localhost", "app.localhost", http.StatusOK},
		{"rebinding name", "attacker.example:" + portOf(r.addr), http.StatusForbidden},
		{"LAN IP", "192.168.1.5", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, body := replayCurl(t, list, tt.host)
			if code != tt.wantCode {
				t.Fatalf("Host %q: %d %s, want %d", tt.host, code, body, tt.wantCode)
			}
			if code == http.StatusForbidden {
				wantClerkError(t, body, "host_not_allowed")
			}
		})
	}
}

// wantClerkError checks body is a Clerk error body with one error of code.
func wantClerkError(t *testing.T, body []byte, code string) {
	t.Helper()
	var e struct {
		Errors []struct {
			Code        string
			LongMessage string `json:"long_message"`
		}
		ClerkTraceID string `json:"clerk_trace_id"`
	}
	if err := json.Unmarshal(body, &e); err != nil || len(e.Errors) != 1 || e.ClerkTraceID == "" {
		t.Fatalf("not a Clerk error body: %s", body)
	}
	if e.Errors[0].Code != code || !strings.Contains(e.Errors[0].LongMessage, "loopback") {
		t.Errorf("error %+v, want code %s explaining the loopback rule", e.Errors[0], code)
	}
}

func portOf(addr string) string { return addr[strings.LastIndexByte(addr, ':')+1:] }

// TestDevHostCheck: dev mode's HTTP listener and its embedded emulator
// refuse a non-loopback Host, the first with the plain-text message.
func TestDevHostCheck(t *testing.T) {
	t.Parallel()
	d := startDev(t, nil)
	tests := []struct {
		name, url, host string
		wantCode        int
	}{
		{"service, loopback", "http://" + d.httpAddr + "/healthz", "localhost", http.StatusOK},
		{"service, rebinding name", "http://" + d.httpAddr + "/healthz", "attacker.example", http.StatusForbidden},
		{"emulator, loopback", "http://" + d.backendAddr + "/.well-known/jwks.json", "127.0.0.1", http.StatusOK},
		{"emulator, rebinding name", "http://" + d.backendAddr + "/.well-known/jwks.json", "attacker.example", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, body := replayCurl(t, "curl "+tt.url, tt.host)
			if code != tt.wantCode {
				t.Fatalf("Host %q: %d %s, want %d", tt.host, code, body, tt.wantCode)
			}
			switch {
			case code != http.StatusForbidden:
			case strings.Contains(tt.name, "emulator"):
				wantClerkError(t, body, "host_not_allowed")
			case strings.TrimSpace(string(body)) != hostcheck.Message:
				t.Errorf("refusal %q, want %q", body, hostcheck.Message)
			}
		})
	}
}

// TestLoopbackGate: DESIGN Modes. A non-loopback listen address stops dev
// mode and the emulator with one line naming the setting and
// --dev-allow-remote, before anything listens.
func TestLoopbackGate(t *testing.T) {
	t.Parallel()
	dev := []string{"dev", "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--dev-backend-addr", "127.0.0.1:0"}
	tests := []struct {
		name        string
		args        []string
		env         map[string]string
		wantSetting string
	}{
		{"dev gRPC on every interface", append(dev, "--grpc-addr", "0.0.0.0:0"), nil, "AUTHSVC_GRPC_ADDR (--grpc-addr)"},
		{"dev HTTP on IPv6 any", append(dev, "--http-addr", "[::]:0"), nil, "AUTHSVC_HTTP_ADDR (--http-addr)"},
		{"dev emulator on a name", append(dev, "--dev-backend-addr", "example.com:0"), nil, "AUTHSVC_DEV_BACKEND_ADDR (--dev-backend-addr)"},
		{"dev emulator, empty host", append(dev, "--dev-backend-addr", ":0"), nil, "AUTHSVC_DEV_BACKEND_ADDR (--dev-backend-addr)"},
		{"dev, allow-remote false", append(dev, "--grpc-addr", "0.0.0.0:0", "--dev-allow-remote=false"), nil, "AUTHSVC_GRPC_ADDR"},
		{"emulator on every interface", []string{"emulator", "--addr", "0.0.0.0:0"}, nil, "AUTHSVC_EMULATOR_ADDR (--addr)"},
		{"emulator from the environment", []string{"emulator"}, map[string]string{"AUTHSVC_EMULATOR_ADDR": "192.0.2.1:0"}, "AUTHSVC_EMULATOR_ADDR (--addr)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // should it start after all, it stops at once
			env := map[string]string{"XDG_RUNTIME_DIR": t.TempDir()}
			for k, v := range tt.env {
				env[k] = v
			}
			err := run(ctx, tt.args, envFrom(env), io.Discard, io.Discard)
			if err == nil {
				t.Fatal("started; want the loopback gate's error")
			}
			if msg := err.Error(); !strings.Contains(msg, tt.wantSetting) || !strings.Contains(msg, "--dev-allow-remote") || strings.ContainsAny(msg, "\r\n") {
				t.Errorf("error %q, want one line naming %s and --dev-allow-remote", msg, tt.wantSetting)
			}
		})
	}
}

// TestEmulatorAllowRemote: with --dev-allow-remote (or its variable) the
// emulator binds every interface and the Host check also accepts IP
// literals, but still refuses other names (devremote.go says why).
func TestEmulatorAllowRemote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"flag alone", nil, []string{"--addr", "0.0.0.0:0", "--dev-allow-remote"}},
		{"environment", map[string]string{"AUTHSVC_DEV_ALLOW_REMOTE": "true", "AUTHSVC_EMULATOR_ADDR": "0.0.0.0:0"}, []string{"--addr", "0.0.0.0:0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := startEmulatorCmd(t, tt.env, tt.args...)
			if !strings.HasPrefix(r.addr, "127.0.0.1:") {
				t.Errorf("printed address %s, want the loopback one to dial", r.addr)
			}
			list := listUsersCurl.FindStringSubmatch(r.banner)[1]
			for host, want := range map[string]int{"10.9.8.7:" + portOf(r.addr): http.StatusOK, "[fe80::1]": http.StatusOK, "localhost": http.StatusOK, "attacker.example": http.StatusForbidden} {
				if code, body := replayCurl(t, list, host); code != want {
					t.Errorf("Host %q: %d %s, want %d", host, code, body, want)
				}
			}
		})
	}
}

// TestEmulatorDataSurvivesRestart: DESIGN Modes, --data. A user created
// before a restart on the same DIR is found after it; the secret is new
// each run and its file sits in DIR.
func TestEmulatorDataSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "emulator-data")
	first := startEmulatorCmd(t, nil, "--data", dir)
	wantSecretFileIn(t, first.secretFile, dir)
	create := `curl -H 'Authorization: Bearer ` + first.secret + `' -H 'Content-Type: application/json' -d '{"email_address":["restart@example.com"]}' ` + first.url + `/v1/users`
	code, body := replayCurl(t, create, "")
	var user struct{ ID string }
	if code != http.StatusOK || json.Unmarshal(body, &user) != nil || user.ID == "" {
		t.Fatalf("create a user: %d %s", code, body)
	}
	first.stop(t)

	second := startEmulatorCmd(t, nil, "--data", dir)
	if second.secret == first.secret {
		t.Errorf("the restart kept the secret key; want a new one per run")
	}
	code, body = replayCurl(t, "curl -H 'Authorization: Bearer "+second.secret+"' "+second.url+"/v1/users/"+user.ID, "")
	if code != http.StatusOK || !strings.Contains(string(body), "restart@example.com") {
		t.Errorf("after the restart, GET the user: %d %s, want 200 with restart@example.com", code, body)
	}
}

// TestDataDirRefused: a --data DIR open to the group or others stops the
// start with a line naming the setting and the fix.
func TestDataDirRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"emulator", "--addr", "127.0.0.1:0", "--data", dir},
		{"dev", "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--dev-backend-addr", "127.0.0.1:0", "--data", dir},
	} {
		err := run(ctx, args, envFrom(map[string]string{"XDG_RUNTIME_DIR": t.TempDir()}), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "AUTHSVC_DEV_DATA (--data)") || !strings.Contains(err.Error(), "chmod 700") {
			t.Errorf("%s with a 0755 --data: %v, want a refusal naming the setting and chmod 700", args[0], err)
		}
	}
}

// TestDevData: dev mode with --data keeps the emulator's secret file in
// DIR, and the banner's dev token command names DIR, so it works as
// printed.
func TestDevData(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "dev-data")
	d := startDev(t, nil, "--data", dir)
	wantSecretFileIn(t, d.secretFile, dir)
	mint := regexp.MustCompile(`go run \./cmd/authsvc (dev token .+)\n`).FindStringSubmatch(d.banner)
	if mint == nil || !strings.Contains(mint[1], "--data "+dir) {
		t.Fatalf("the banner's dev token command lacks --data %s:\n%s", dir, d.banner)
	}
	env := map[string]string{"XDG_RUNTIME_DIR": t.TempDir()} // not where the file is
	var out bytes.Buffer
	if err := run(context.Background(), strings.Fields(mint[1]), envFrom(env), &out, io.Discard); err != nil || strings.Count(out.String(), ".") != 2 {
		t.Errorf("the printed %q: %v, %q; want a token", mint[1], err, out.String())
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"plain path", "/tmp/dev-data_1", "/tmp/dev-data_1"},
		{"space", "/tmp/my data", "'/tmp/my data'"},
		{"quote", "it's", `'it'\''s'`},
		{"dollar", "$HOME/x", "'$HOME/x'"},
		{"empty", "", "''"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := shellQuote(tt.in); got != tt.want {
				t.Errorf("shellQuote(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// wantSecretFileIn checks the secret file is in the --data dir, which was
// created 0700.
func wantSecretFileIn(t *testing.T, file, dir string) {
	t.Helper()
	if filepath.Dir(file) != dir {
		t.Errorf("secret file %s, want it in --data %s", file, dir)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("--data dir: %v, want created 0700", err)
	}
}
