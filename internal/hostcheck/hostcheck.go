package hostcheck

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// Config says which Host values pass besides the loopback names, and how a
// refused request is answered. The zero value passes loopback names only
// and answers others with a plain-text 403.
type Config struct {
	// AnyIP also passes any IP literal host (IPv4, or bracketed IPv6
	// without a zone), with or without a port. Default false. See the
	// package documentation for why this keeps DNS rebinding out.
	AnyIP bool
	// Names also passes these host names, compared without case, with or
	// without a port. Default none. A name here is trusted as it is: list
	// only names that resolve to this machine.
	Names []string
	// Refused answers a refused request. Default: 403 with a one-line
	// plain-text message. It is never given the request's Host to echo;
	// it may read the request.
	Refused http.Handler
}

// Allows reports whether the Host header value hostport passes cfg.
func (cfg Config) Allows(hostport string) bool {
	host, ok := splitHost(hostport)
	if !ok {
		return false
	}
	if isLoopbackName(host) {
		return true
	}
	if addr, isIP := parseIP(host); isIP {
		return addr.IsLoopback() || cfg.AnyIP
	}
	for _, n := range cfg.Names {
		if strings.EqualFold(host, n) {
			return true
		}
	}
	return false
}

// Loopback reports whether the Host header value hostport names loopback:
// the zero [Config]'s rule.
func Loopback(hostport string) bool { return Config{}.Allows(hostport) }

// Handler serves next only the requests whose Host passes cfg, and answers
// the others with cfg.Refused. It is safe for concurrent use.
func Handler(next http.Handler, cfg Config) http.Handler {
	refused := cfg.Refused
	if refused == nil {
		refused = http.HandlerFunc(refuse)
	}
	cfg.Names = append([]string(nil), cfg.Names...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.Allows(r.Host) {
			refused.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Message is the default refusal's text.
const Message = "hostcheck: refused: this development server answers only requests to a loopback host (localhost, 127.0.0.1, [::1])"

func refuse(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(Message + "\n"))
}

// splitHost takes the host out of a Host header value: "host",
// "host:port" or "[v6]" / "[v6]:port", the port being 1 to 5 digits. The
// host keeps its brackets off.
func splitHost(hostport string) (string, bool) {
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return "", false
		}
		host, port = hostport[1:end], hostport[end+1:]
		if port != "" && port[0] != ':' {
			return "", false
		}
		if addr, err := netip.ParseAddr(host); err != nil || !addr.Is6() || addr.Zone() != "" {
			return "", false
		}
	} else if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i:]
	}
	if port != "" && !validPort(port[1:]) {
		return "", false
	}
	if host == "" || strings.ContainsAny(host, ":[]") && !strings.HasPrefix(hostport, "[") {
		return "", false
	}
	return host, true
}

func validPort(p string) bool {
	if len(p) == 0 || len(p) > 5 {
		return false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	n, _ := strconv.Atoi(p)
	return n <= 65535
}

// parseIP reads host as an IP literal: dotted IPv4, or IPv6 (already out of
// its brackets).
func parseIP(host string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(host)
	if err != nil || addr.Zone() != "" {
		return netip.Addr{}, false
	}
	return addr, true
}

// isLoopbackName: localhost or a name under .localhost whose labels are
// letters, digits and inner hyphens.
func isLoopbackName(host string) bool {
	h := strings.ToLower(host)
	if h == "localhost" {
		return true
	}
	sub, ok := strings.CutSuffix(h, ".localhost")
	if !ok || sub == "" {
		return false
	}
	for _, label := range strings.Split(sub, ".") {
		if !validLabel(label) {
			return false
		}
	}
	return true
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range l {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
