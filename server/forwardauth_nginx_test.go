package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// nginxConf is the deployment example the test runs, as a template.
const nginxConf = "../deploy/nginx/nginx.conf"

// findNginx returns the nginx binary, or skips the test (locally) or fails
// it (with CI=true) when there is none.
func findNginx(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("nginx is not installed, and CI=true requires it (.ci/run installs nginx-light)")
	}
	t.Skip("nginx not installed (apt-get install nginx-light): skipping the nginx auth_request test")
	return ""
}

// upstreamSeen is what the application behind nginx received.
type upstreamSeen struct {
	UserIDs []string `json:"user_ids"` // every X-Clerk-User-Id value
	OrgIDs  []string `json:"org_ids"`
	Path    string   `json:"path"`
}

// startNginx renders deploy/nginx/nginx.conf for the two loopback servers,
// starts nginx with everything under a temporary prefix, and returns its
// base URL once it accepts connections. nginx is killed by t.Cleanup.
func startNginx(t *testing.T, bin, authsvcAddr, appAddr string) string {
	t.Helper()
	tmpl, err := os.ReadFile(nginxConf)
	if err != nil {
		t.Fatal(err)
	}
	listen := freeLoopbackAddr(t)
	conf := strings.NewReplacer("${LISTEN}", listen, "${AUTHSVC_HTTP}", authsvcAddr, "${APP}", appAddr).Replace(string(tmpl))
	if strings.Contains(conf, "${") {
		t.Fatalf("%s has a placeholder the test does not fill", nginxConf)
	}
	prefix := t.TempDir()
	if err := os.Mkdir(filepath.Join(prefix, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	global := "daemon off;"
	if os.Geteuid() == 0 {
		global += " user root;" // workers as the current user, who owns the prefix
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "-p", prefix+"/", "-c", confPath, "-e", "stderr", "-g", global)
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	// nginx's own process group, so that the workers go with the master.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			t.Logf("nginx output:\n%s", stderr.String())
		}
	})
	// nginx has no readiness signal: dial until it accepts, or it exits.
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("nginx exited at start:\n%s", stderr.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", listen, 100*time.Millisecond); err == nil {
			_ = c.Close()
			return "http://" + listen
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s within 10s:\n%s", listen, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freeLoopbackAddr returns a loopback address that was free a moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// TestNginxForwardAuth runs a real nginx with deploy/nginx/nginx.conf in
// front of an application that echoes the identity headers it gets, with
// auth_request pointed at a live /forward-auth.
func TestNginxForwardAuth(t *testing.T) {
	t.Parallel()
	bin := findNginx(t)
	f := newEdgeFixture(t)
	s := f.server(t, EdgeConfig{PublicPaths: []string{"/public/"}}, nil)
	mux := http.NewServeMux()
	mux.Handle("/forward-auth", s.ForwardAuthHandler())
	authsvc := httptest.NewServer(mux)
	t.Cleanup(authsvc.Close)
	var appHits atomic.Int64
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		appHits.Add(1)
		_ = json.NewEncoder(w).Encode(upstreamSeen{UserIDs: r.Header.Values("X-Clerk-User-Id"), OrgIDs: r.Header.Values("X-Clerk-Org-Id"), Path: r.URL.Path})
	}))
	t.Cleanup(app.Close)
	base := startNginx(t, bin, strings.TrimPrefix(authsvc.URL, "http://"), strings.TrimPrefix(app.URL, "http://"))

	tests := []struct {
		name       string
		path       string
		headers    map[string]string
		wantStatus int
		wantSeen   *upstreamSeen // nil: the application must not be reached
		wantReason string        // of a 401, from authsvc's JSON body
	}{
		{"signed-in browser reaches the app as its user", "/dashboard",
			map[string]string{"Cookie": f.cookie(f.plain), "Accept": "text/html"},
			200, &upstreamSeen{UserIDs: []string{"user_plain"}, Path: "/dashboard"}, ""},
		{"signed-in browser's spoofed identity is replaced", "/dashboard",
			map[string]string{"Cookie": f.cookie(f.plain), "X-Clerk-User-Id": "user_admin", "X-Clerk-Org-Id": "org_victim"},
			200, &upstreamSeen{UserIDs: []string{"user_plain"}, Path: "/dashboard"}, ""},
		{"no session gets 401", "/dashboard", nil, 401, nil, "cookie-and-uat-missing"},
		{"spoofed identity without a session gets 401", "/dashboard",
			map[string]string{"X-Clerk-User-Id": "user_admin"}, 401, nil, "cookie-and-uat-missing"},
		{"public path passes with no identity", "/public/logo.png", nil,
			200, &upstreamSeen{Path: "/public/logo.png"}, ""},
		{"spoofed identity on a public path never reaches the app", "/public/logo.png",
			map[string]string{"X-Clerk-User-Id": "user_admin", "X-Clerk-Org-Id": "org_victim"},
			200, &upstreamSeen{Path: "/public/logo.png"}, ""},
		// nginx passes a raw '#' on, in $request_uri and to the app, and a
		// server that takes it for a fragment reads /public/..# as /.
		{"a '#' after a dot segment does not make the parent of a public path public", "/public/..#", nil, 401, nil, "cookie-and-uat-missing"},
		// The client's own forwarding headers go along into the subrequest
		// (nginx passes every request header on); only nginx's may decide.
		{"a client's X-Forwarded-Uri naming a public path does not open a private one", "/dashboard",
			map[string]string{"X-Forwarded-Uri": "/public/logo.png"}, 401, nil, "cookie-and-uat-missing"},
		{"a client's X-Original-URI naming a public path does not open a private one", "/dashboard",
			map[string]string{"X-Original-URI": "/public/logo.png"}, 401, nil, "cookie-and-uat-missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := appHits.Load()
			req, err := http.NewRequestWithContext(context.Background(), "GET", base+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.Opaque = tt.path // sent as written, '#' included
			req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantSeen == nil {
				if n := appHits.Load() - before; n != 0 {
					t.Errorf("the application was reached %d times", n)
				}
				var got struct{ Status, Reason string }
				if err := json.Unmarshal(body, &got); err != nil || got.Reason != tt.wantReason {
					t.Errorf("401 body %s, want authsvc's JSON with reason %s", body, tt.wantReason)
				}
				return
			}
			var seen upstreamSeen
			if err := json.Unmarshal(body, &seen); err != nil {
				t.Fatalf("application answer %s: %v", body, err)
			}
			if !equalSeen(seen, *tt.wantSeen) {
				t.Errorf("application saw %+v, want %+v", seen, *tt.wantSeen)
			}
		})
	}
}

func equalSeen(a, b upstreamSeen) bool {
	return strings.Join(a.UserIDs, ",") == strings.Join(b.UserIDs, ",") &&
		strings.Join(a.OrgIDs, ",") == strings.Join(b.OrgIDs, ",") && a.Path == b.Path
}
