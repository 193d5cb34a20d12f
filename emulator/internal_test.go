package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewIDShape(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		id := newID("user_")
		rest, ok := strings.CutPrefix(id, "user_")
		if !ok || len(rest) != idLen || strings.Trim(rest, base62) != "" {
			t.Fatalf("bad id %q", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}

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

func TestMergeMetadata(t *testing.T) {
	t.Parallel()
	old := map[string]any{"a": 1, "b": map[string]any{"x": 1}, "c": "keep"}
	tests := []struct {
		name  string
		patch map[string]any
		want  map[string]any
	}{
		{name: "nil patch keeps everything", patch: nil, want: map[string]any{"a": 1, "b": map[string]any{"x": 1}, "c": "keep"}},
		{name: "top-level keys replace, not deep-merge", patch: map[string]any{"b": map[string]any{"y": 2}},
			want: map[string]any{"a": 1, "b": map[string]any{"y": 2}, "c": "keep"}},
		{name: "null deletes", patch: map[string]any{"a": nil, "missing": nil}, want: map[string]any{"b": map[string]any{"x": 1}, "c": "keep"}},
		{name: "new keys added", patch: map[string]any{"d": true}, want: map[string]any{"a": 1, "b": map[string]any{"x": 1}, "c": "keep", "d": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, mergeMetadata(old, tt.patch)); diff != "" {
				t.Fatalf("merge (-want +got):\n%s", diff)
			}
		})
	}
	if diff := cmp.Diff(map[string]any{"a": 1, "b": map[string]any{"x": 1}, "c": "keep"}, old); diff != "" {
		t.Fatalf("merge mutated its input (-want +got):\n%s", diff)
	}
}

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

func TestPageWindow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		p              page
		n              int
		wantLo, wantHi int
	}{
		{name: "first page", p: page{limit: 10}, n: 25, wantLo: 0, wantHi: 10},
		{name: "last partial page", p: page{limit: 10, offset: 20}, n: 25, wantLo: 20, wantHi: 25},
		{name: "offset past the end", p: page{limit: 10, offset: 30}, n: 25, wantLo: 25, wantHi: 25},
		{name: "empty", p: page{limit: 10}, n: 0, wantLo: 0, wantHi: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lo, hi := tt.p.window(tt.n)
			if lo != tt.wantLo || hi != tt.wantHi {
				t.Fatalf("window = [%d,%d), want [%d,%d)", lo, hi, tt.wantLo, tt.wantHi)
			}
		})
	}
}

func TestWriteErrorHidesInternalErrors(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	writeError(rec, errTokenRejected)
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), errTokenRejected.Error()) {
		t.Fatalf("status %d body %s", rec.Code, rec.Body.String())
	}
	if !strings.Contains(rec.Body.String(), `"code":"internal_clerk_error"`) || rec.Header().Get("Clerk-Trace-Id") == "" {
		t.Fatalf("body %s", rec.Body.String())
	}
}

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	var a, b user
	a.setPassword("same-password")
	b.setPassword("same-password")
	if string(a.pwHash) == string(b.pwHash) {
		t.Fatal("equal passwords give equal hashes: the salt is missing")
	}
	if !passwordMatches("same-password", a.pwSalt, a.pwHash) || passwordMatches("other", a.pwSalt, a.pwHash) {
		t.Fatal("passwordMatches is wrong")
	}
	if passwordMatches("", nil, nil) {
		t.Fatal("a user without a password matched")
	}
}
