package emulator

import (
	"strings"
	"testing"
)

func TestIdentifierKind(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{in: "a@example.com", want: "email_address"},
		{in: "*@example.com", want: "email_address"},
		{in: "*@", want: ""},
		{in: "+15555550100", want: "phone_number"},
		{in: "+0555", want: ""},
		{in: "0x" + strings.Repeat("0", 40), want: "web3_wallet"},
		{in: "0x12", want: ""},
		{in: "example.com", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := identifierKind(tt.in); got != tt.want {
				t.Fatalf("identifierKind(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
