package hostcheck_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/authsvc/authsvc/internal/hostcheck"
)

// FuzzLoopback checks, for any Host value, that whatever passes the
// loopback rule is localhost, a name under .localhost or a loopback IP, and
// that AnyIP and Names only ever add to it. The seeds are the table rows
// (testdata/fuzz/FuzzLoopback holds more). Run it with
//
//	go test -run '^$' -fuzz FuzzLoopback -fuzztime 60s ./internal/hostcheck
func FuzzLoopback(f *testing.F) {
	for _, tt := range hostRows {
		f.Add(tt.host)
	}
	wide := hostcheck.Config{AnyIP: true, Names: []string{"dev.lan"}}
	f.Fuzz(func(t *testing.T, host string) {
		lb := hostcheck.Loopback(host)
		if lb && !wide.Allows(host) {
			t.Fatalf("%q passes the loopback rule but not a wider one", host)
		}
		if !lb {
			return
		}
		h := strings.ToLower(host)
		if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.HasSuffix(h, "]") {
			h = h[:i]
		}
		h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
		if h == "localhost" || strings.HasSuffix(h, ".localhost") {
			return
		}
		if addr, err := netip.ParseAddr(h); err != nil || !addr.IsLoopback() {
			t.Fatalf("%q passes the loopback rule but %q is not a loopback name or IP", host, h)
		}
	})
}
