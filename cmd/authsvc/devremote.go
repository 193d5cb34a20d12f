package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"

	"github.com/authsvc/authsvc/internal/hostcheck"
)

// Dev mode and the standalone emulator are for one machine: the emulator
// mints tokens the dev service accepts and dev mode hands out a caller key
// granted every method. So, by default:
//
//   - every listen address must be loopback (localhost, 127.0.0.0/8, ::1);
//     anything else stops the start with one line naming the setting and
//     --dev-allow-remote;
//   - their HTTP listeners answer only requests whose Host is a loopback
//     name (internal/hostcheck), which keeps DNS-rebinding pages out.
//
// --dev-allow-remote (AUTHSVC_DEV_ALLOW_REMOTE=true) lifts the address
// rule and widens the Host check to what a remote client may legitimately
// send without reopening DNS rebinding: besides loopback names, any IP
// literal (a rebinding page sends its own name, never an IP), the listen
// address's host when it is a name, and this machine's host name (which a
// rebinding attacker does not control the DNS of). Any other name, such
// as a compose service name used from another container, is still
// refused: reach the listener by IP there, or listen on that name.

// namedAddr is a listen address and the setting it came from.
type namedAddr struct{ setting, addr string }

// checkLoopbackAddrs refuses the first address that does not bind
// loopback only, unless allowRemote.
func checkLoopbackAddrs(allowRemote bool, addrs ...namedAddr) error {
	if allowRemote {
		return nil
	}
	for _, a := range addrs {
		if a.addr != "" && !loopbackAddr(a.addr) {
			return fmt.Errorf("%s: %q is not a loopback address; this mode mints tokens and hands out keys for this machine only, so serving beyond it needs --dev-allow-remote (AUTHSVC_DEV_ALLOW_REMOTE=true)", a.setting, a.addr)
		}
	}
	return nil
}

// loopbackAddr reports whether the listen address addr binds loopback
// only. An empty host ("":port) binds every interface.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// devHostCheck is the Host check of an HTTP listener bound at listenAddr.
func devHostCheck(allowRemote bool, listenAddr string, refused http.Handler) hostcheck.Config {
	cfg := hostcheck.Config{Refused: refused}
	if !allowRemote {
		return cfg
	}
	cfg.AnyIP = true
	if host, _, err := net.SplitHostPort(listenAddr); err == nil && host != "" {
		if _, err := netip.ParseAddr(host); err != nil {
			cfg.Names = append(cfg.Names, host)
		}
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		cfg.Names = append(cfg.Names, name)
	}
	return cfg
}

// hostRefusedLong is the emulator's refusal, as a Clerk error's long_message.
const hostRefusedLong = "the emulator answers only requests whose Host is a loopback name (localhost, 127.0.0.1, [::1]); see --dev-allow-remote"

// clerkHostRefused answers a refused emulator request in the Clerk error
// shape, 403, so that Clerk SDKs report it as an API error.
func clerkHostRefused(w http.ResponseWriter, _ *http.Request) {
	trace := make([]byte, 16)
	_, _ = rand.Read(trace)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{
			"code": "host_not_allowed", "message": "host not allowed", "long_message": hostRefusedLong, "meta": map[string]any{},
		}},
		"clerk_trace_id": hex.EncodeToString(trace),
	})
}
