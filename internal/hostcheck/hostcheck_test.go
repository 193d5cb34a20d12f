package hostcheck_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/authsvc/authsvc/internal/hostcheck"
)

// hostRows are the package documentation's table, row by row, plus the
// edge cases a parser can get wrong. Each row says whether the host passes
// the zero Config, one with AnyIP, and one with Names {"dev.lan"}.
var hostRows = []struct {
	name                   string
	host                   string
	loopback, anyIP, named bool
}{
	{"localhost", "localhost", true, true, true},
	{"localhost upper case with port", "LOCALHOST:8080", true, true, true},
	{"name under .localhost", "app.localhost:3000", true, true, true},
	{"deep name under .localhost", "a.b-c.localhost", true, true, true},
	{"127.0.0.1", "127.0.0.1", true, true, true},
	{"127/8 with port", "127.9.9.9:80", true, true, true},
	{"[::1]", "[::1]", true, true, true},
	{"[::1] with port", "[::1]:50053", true, true, true},
	{"[::1] spelled out", "[0:0:0:0:0:0:0:1]:1", true, true, true},
	{"LAN IPv4", "192.168.1.5:50053", false, true, false},
	{"unspecified IPv4", "0.0.0.0", false, true, false},
	{"link-local IPv6", "[fe80::1]", false, true, false},
	{"allowed name", "dev.lan:50053", false, false, true},
	{"allowed name other case", "DEV.LAN", false, false, true},
	{"rebinding name", "attacker.example", false, false, false},
	{"rebinding name with port", "attacker.example:50053", false, false, false},
	{"localhost as a prefix", "localhost.attacker.example", false, false, false},
	{"localhost as a label suffix", "evillocalhost", false, false, false},
	{"bare .localhost", ".localhost", false, false, false},
	{"empty label under .localhost", "a..localhost", false, false, false},
	{"hyphen-led label", "-a.localhost", false, false, false},
	{"underscore label", "a_b.localhost", false, false, false},
	{"trailing dot", "localhost.", false, false, false},
	{"empty", "", false, false, false},
	{"empty port", "localhost:", false, false, false},
	{"port not digits", "localhost:http", false, false, false},
	{"port too large", "127.0.0.1:65536", false, false, false},
	{"port too long", "127.0.0.1:000080", false, false, false},
	{"unbracketed IPv6", "::1", false, false, false},
	{"IPv6 zone", "[fe80::1%25eth0]", false, false, false},
	{"IPv4 in brackets", "[127.0.0.1]", false, false, false},
	{"junk after bracket", "[::1]x", false, false, false},
	{"unclosed bracket", "[::1", false, false, false},
	{"short IPv4", "127.1", false, false, false},
	{"octal-looking IPv4", "0127.0.0.1", false, false, false},
	{"userinfo", "user@localhost", false, false, false},
	{"space", "localhost :80", false, false, false},
	{"two ports", "localhost:80:80", false, false, false},
}

func TestAllows(t *testing.T) {
	t.Parallel()
	anyIP, names := hostcheck.Config{AnyIP: true}, hostcheck.Config{Names: []string{"dev.lan"}}
	for _, tt := range hostRows {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := hostcheck.Loopback(tt.host); got != tt.loopback {
				t.Errorf("Loopback(%q) = %v, want %v", tt.host, got, tt.loopback)
			}
			if got := anyIP.Allows(tt.host); got != tt.anyIP {
				t.Errorf("AnyIP Allows(%q) = %v, want %v", tt.host, got, tt.anyIP)
			}
			if got := names.Allows(tt.host); got != tt.named {
				t.Errorf("Names Allows(%q) = %v, want %v", tt.host, got, tt.named)
			}
		})
	}
}

// TestHandler runs the check on a real server: the request's Host header
// decides, whatever address the connection went to.
func TestHandler(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "served") })
	custom := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	tests := []struct {
		name       string
		cfg        hostcheck.Config
		host       string
		wantStatus int
		wantBody   string
	}{
		{"loopback name served", hostcheck.Config{}, "localhost:1234", http.StatusOK, "served"},
		{"loopback IP served", hostcheck.Config{}, "127.0.0.1", http.StatusOK, "served"},
		{"other name refused with the default answer", hostcheck.Config{}, "attacker.example", http.StatusForbidden, hostcheck.Message + "\n"},
		{"other name refused with the configured answer", hostcheck.Config{Refused: custom}, "attacker.example", http.StatusTeapot, ""},
		{"IP served with AnyIP", hostcheck.Config{AnyIP: true}, "10.0.0.7:80", http.StatusOK, "served"},
		{"listed name served", hostcheck.Config{Names: []string{"authsvc"}}, "authsvc:50052", http.StatusOK, "served"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(hostcheck.Handler(ok, tt.cfg))
			t.Cleanup(srv.Close)
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tt.host
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || string(body) != tt.wantBody {
				t.Errorf("Host %q: %d %q, want %d %q", tt.host, resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}
