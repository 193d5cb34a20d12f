package verifier

import (
	"errors"
	"net"
	"testing"
)

// TestCauseKey: a failure's cause ignores what changes on every attempt
// (the local address of a connection) and keeps what an operator must see
// change (the remote address, the error, the HTTP status).
func TestCauseKey(t *testing.T) {
	t.Parallel()
	remote := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 443}
	reset := func(localPort int, addr net.Addr) error {
		return fetchErr("request failed", &net.OpError{Op: "read", Net: "tcp", Source: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: localPort},
			Addr: addr, Err: errors.New("connection reset by peer")})
	}
	tests := []struct {
		name string
		a, b error
		same bool
	}{
		{"same error, other local port", reset(40001, remote), reset(40002, remote), true},
		{"other remote address", reset(40001, remote), reset(40001, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 2), Port: 443}), false},
		{"other status", fetchErr("key set fetch answered 503", nil), fetchErr("key set fetch answered 500", nil), false},
		{"same status", statusErr(401, nil), statusErr(401, nil), true},
		{"rejected vs outage", statusErr(401, nil), fetchErr("key set fetch answered 503", nil), false},
		{"success vs failure", nil, statusErr(401, nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := causeKey(tt.a) == causeKey(tt.b); got != tt.same {
				t.Errorf("causeKey(%v) == causeKey(%v) is %v, want %v", tt.a, tt.b, got, tt.same)
			}
		})
	}
}

// TestStatusErrNamesTheRejection: DESIGN's log cause for a rejected key.
func TestStatusErrNamesTheRejection(t *testing.T) {
	t.Parallel()
	err := statusErr(401, []byte(`{"errors":[{"code":"clerk_key_invalid"}]}`))
	const want = "verifier: secret-key-invalid: clerk rejected the secret key (401 clerk_key_invalid)"
	if err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}
