package emulator

import (
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
