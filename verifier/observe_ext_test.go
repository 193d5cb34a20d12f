package verifier_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// TestStatsCountCacheLookups: a miss, two hits and a second token's miss
// are counted, and the entries and keys are reported.
func TestStatsCountCacheLookups(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	tests := []struct {
		name string
		cfg  verifier.Config
		want verifier.Stats
	}{
		{"inline key, cache on", verifier.Config{JWTKey: iss.PublicKeyPEM()}, verifier.Stats{CacheHits: 2, CacheMisses: 2, CacheEntries: 2, Keys: 1}},
		{"inline key, cache off", verifier.Config{JWTKey: iss.PublicKeyPEM(), CacheSize: -1}, verifier.Stats{Keys: 1}},
	}
	a, b := iss.Mint(t, map[string]any{"sub": "user_a"}), iss.Mint(t, map[string]any{"sub": "user_b"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := mustNew(t, tt.cfg)
			for _, tok := range []string{a, a, a, b} {
				if _, err := v.Verify(t.Context(), tok); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(tt.want, v.Stats()); diff != "" {
				t.Errorf("Stats (-want +got):\n%s", diff)
			}
		})
	}
}

// TestObserverKeyFetch: each fetch is reported with its outcome, and Stats
// shows the loaded key set; nothing else is observed.
func TestObserverKeyFetch(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	var mu sync.Mutex
	var got []string
	cfg := iss.Config()
	cfg.MinRefreshInterval = time.Nanosecond
	cfg.RetryInterval = time.Nanosecond // the second Verify may fetch again at once
	cfg.Observer = verifier.Observer{KeyFetch: func(keys int, err error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, string(verifier.ReasonOf(err))+"/"+string(rune('0'+keys)))
	}}
	v := mustNew(t, cfg)
	iss.SetDown(true)
	if _, err := v.Verify(t.Context(), iss.Mint(t, nil)); err == nil {
		t.Fatal("verify with the JWKS down: no error")
	}
	if st := v.Stats(); st.Keys != 0 || !st.KeysLoadedAt.IsZero() {
		t.Errorf("Stats before a load = %+v", st)
	}
	iss.SetDown(false)
	if _, err := v.Verify(t.Context(), iss.Mint(t, nil)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] == "/0" || got[1] != "/1" {
		t.Errorf("fetches observed %q, want a failure then one success with 1 key", got)
	}
	if st := v.Stats(); st.Keys != 1 || time.Since(st.KeysLoadedAt) > time.Minute {
		t.Errorf("Stats after a load = %+v", st)
	}
}
