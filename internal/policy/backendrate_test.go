package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBackendRate covers DESIGN's "a caller may carry backend_rate: N
// (requests per 10 s) in the policy": accepted as a YAML or JSON integer
// from 1 up, absent means none, and anything else stops the start with
// an error naming the caller and the field, and no Go type.
func TestBackendRate(t *testing.T) {
	t.Parallel()
	key := hashOf(keyBilling)
	tests := []struct {
		name    string
		in      string
		want    map[string]int // caller name -> BackendRate; nil when wantErr
		wantErr bool
	}{
		{"absent is no budget of its own", "callers:\n  - {name: a, tls_san: x, allow: ['*']}\n", map[string]int{"a": 0}, false},
		{"YAML integer", "callers:\n  - name: billing\n    key_sha256: " + key + "\n    allow: ['*']\n    backend_rate: 50\n  - {name: b, tls_san: x, allow: ['*']}\n", map[string]int{"billing": 50, "b": 0, "nobody": 0}, false},
		{"JSON integer", `{"callers":[{"name":"svc","tls_subject":"CN=svc","allow":["*"],"backend_rate":1}]}`, map[string]int{"svc": 1}, false},
		{"upper bound", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: 1000000}\n", map[string]int{"a": 1_000_000}, false},
		{"through an alias", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: &r 7}\n  - {name: b, tls_san: y, allow: ['*'], backend_rate: *r}\n", map[string]int{"a": 7, "b": 7}, false},
		{"null is as absent", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: null}\n", map[string]int{"a": 0}, false},
		{"zero", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: 0}\n", nil, true},
		{"negative", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: -5}\n", nil, true},
		{"fraction", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: 2.5}\n", nil, true},
		{"quoted number", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: '50'}\n", nil, true},
		{"word", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: fast}\n", nil, true},
		{"list", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: [1]}\n", nil, true},
		{"above the bound", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: 1000001}\n", nil, true},
		{"beyond int64", "callers:\n  - {name: a, tls_san: x, allow: ['*'], backend_rate: 99999999999999999999}\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Parse([]byte(tt.in))
			if tt.wantErr {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Parse = %v; want an error wrapping ErrInvalid", err)
				}
				msg := err.Error()
				if !strings.Contains(msg, `callers[0] "a"`) || !strings.Contains(msg, "backend_rate") {
					t.Errorf("error %q does not name the caller and the field", msg)
				}
				for _, goType := range []string{"int64", "int", "!!", "rawNode", "yaml.Node"} {
					if strings.Contains(strings.ReplaceAll(msg, "invalid", ""), goType) {
						t.Errorf("error %q names a type (%s)", msg, goType)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := map[string]int{}
			for name := range tt.want {
				got[name] = p.BackendRate(name)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("BackendRate (-want +got):\n%s", d)
			}
		})
	}
}

func TestBackendRateNilPolicy(t *testing.T) {
	t.Parallel()
	var p *Policy
	if got := p.BackendRate("a"); got != 0 {
		t.Errorf("nil policy BackendRate = %d, want 0", got)
	}
	if got := DevPolicy("k").BackendRate("dev"); got != 0 {
		t.Errorf("dev policy BackendRate = %d, want 0", got)
	}
}
