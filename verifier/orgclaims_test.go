package verifier

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOrgPermissions(t *testing.T) {
	t.Parallel()
	// Vectors for clerk-sdks.md §1 fact 9 and §3.5: fpm is indexed by the
	// org-scoped features only (as Clerk's JS SDK does), least significant
	// bit first, decimal masks of any width.
	tests := []struct {
		name          string
		fea, per, fpm string
		want          []string
	}{
		{name: "all features org-scoped", fea: "o:reports,o:members", per: "read,manage", fpm: "3,1",
			want: []string{"org:reports:read", "org:reports:manage", "org:members:read"}},
		{name: "user features are skipped when indexing fpm", fea: "u:billing,o:reports,uo:members", per: "read,manage", fpm: "2,3",
			want: []string{"org:reports:manage", "org:members:read", "org:members:manage"}},
		{name: "mask zero grants nothing", fea: "o:reports", per: "read", fpm: "0"},
		{name: "bits beyond the permission list are ignored", fea: "o:reports", per: "read", fpm: "6"},
		{name: "fewer masks than features", fea: "o:a,o:b", per: "read", fpm: "1",
			want: []string{"org:a:read"}},
		{name: "invalid mask grants nothing", fea: "o:a,o:b", per: "read", fpm: "x,1",
			want: []string{"org:b:read"}},
		{name: "negative mask grants nothing", fea: "o:a", per: "read", fpm: "-1"},
		{name: "mask wider than 64 bits", fea: "o:a", per: "p0,p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12,p13,p14,p15,p16,p17,p18,p19,p20,p21,p22,p23,p24,p25,p26,p27,p28,p29,p30,p31,p32,p33,p34,p35,p36,p37,p38,p39,p40,p41,p42,p43,p44,p45,p46,p47,p48,p49,p50,p51,p52,p53,p54,p55,p56,p57,p58,p59,p60,p61,p62,p63,p64,p65",
			fpm: "36893488147419103233", want: []string{"org:a:p0", "org:a:p65"}},
		{name: "scopeless entry containing o keeps its index but grants nothing", fea: "reports,o:a", per: "read", fpm: "1,0"},
		{name: "scopeless entry without o is not an org feature", fea: "users,o:a", per: "read", fpm: "1",
			want: []string{"org:a:read"}},
		{name: "spaces around entries", fea: " o:a , o:b", per: "read", fpm: " 1, 1",
			want: []string{"org:a:read", "org:b:read"}},
		{name: "no features", fea: "", per: "read", fpm: "1"},
		{name: "no permissions", fea: "o:a", per: "", fpm: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := orgPermissions(tt.fea, tt.per, tt.fpm)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("orgPermissions(%q, %q, %q) (-want +got):\n%s", tt.fea, tt.per, tt.fpm, diff)
			}
		})
	}
}
