package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestPprofListener: AUTHSVC_PPROF_ADDR serves the profiles on loopback
// and nothing else, to loopback Host names only; empty serves nothing.
func TestPprofListener(t *testing.T) {
	t.Parallel()
	stop, err := startPprof("", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	stop()
	var logged strings.Builder
	stop, err = startPprof("127.0.0.1:0", slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	_, addr, _ := strings.Cut(logged.String(), "addr=")
	resp, err := http.Get("http://" + strings.TrimSpace(addr) + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine profile") {
		t.Errorf("goroutine profile: %d %.80q", resp.StatusCode, body)
	}
	// A page in the operator's browser that rebinds its own name to
	// 127.0.0.1 sends that name as Host: refused.
	req, err := http.NewRequest("GET", "http://"+strings.TrimSpace(addr)+"/debug/pprof/goroutine?debug=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "attacker.example"
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp2.Body.Close()
	if resp2.StatusCode != http.StatusForbidden {
		t.Errorf("goroutine profile for Host attacker.example: %d, want 403", resp2.StatusCode)
	}
}

// TestKeySourceNameRedactsPassword: the start line names the Backend API
// URL keys come from, without a password it may carry.
func TestKeySourceNameRedactsPassword(t *testing.T) {
	got := keySourceName(&config{APIURL: "https://proxy-user:s3cret-pw@api.clerk.example/"})
	if strings.Contains(got, "s3cret-pw") || !strings.Contains(got, "api.clerk.example") {
		t.Errorf("keySourceName = %q, want the URL without its password", got)
	}
}
