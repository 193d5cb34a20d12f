package emulator

import (
	"strings"
	"testing"
)

func TestSlugify(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{name: "words and punctuation", in: "Acme Inc.", want: "acme-inc"},
		{name: "runs of separators collapse", in: "  a -- b  ", want: "a-b"},
		{name: "non-ASCII letters are separators", in: "Café Zürich", want: "caf-z-rich"},
		{name: "digits kept", in: "Team 42", want: "team-42"},
		{name: "nothing usable", in: "!!!", want: ""},
		{name: "long names are cut to 64", in: strings.Repeat("ab ", 40), want: strings.TrimRight(strings.Repeat("ab-", 22)[:64], "-")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := slugify(tt.in); got != tt.want {
				t.Fatalf("slugify(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
