package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestPprofListener: AUTHSVC_PPROF_ADDR serves the profiles on loopback
// and nothing else; empty serves nothing.
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
}
