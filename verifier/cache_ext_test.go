package verifier_test

import (
	"context"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

func TestDecisionCacheRechecksEveryHit(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	tests := []struct {
		name    string
		advance time.Duration
		parties []string
		want    verifier.Reason
	}{
		{name: "hit within lifetime", advance: 30 * time.Second},
		{name: "hit after exp plus skew is expired", advance: 65 * time.Second, want: verifier.ReasonExpired},
		{name: "hit with a different azp list", parties: []string{"https://other.example.com"}, want: verifier.ReasonUnauthorizedParty},
		{name: "hit with the same azp list", parties: []string{"https://app.example.com"}},
		{name: "hit with the clock moved back before nbf", advance: -20 * time.Second, want: verifier.ReasonNotActiveYet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClock(fixedNow)
			v := mustNew(t, verifier.Config{JWTKey: iss.PublicKeyPEM(), Now: c.Now})
			token := iss.Mint(t, claimsAt(map[string]any{"azp": "https://app.example.com", "iat": fixedNow.Unix()}))
			first, err := v.VerifyWithParties(context.Background(), token, []string{"https://app.example.com"})
			if err != nil {
				t.Fatal(err)
			}
			c.Advance(tt.advance)
			got, err := v.VerifyWithParties(context.Background(), token, tt.parties)
			wantReason(t, err, tt.want)
			if tt.want == "" && got != first {
				t.Errorf("second Verify returned new claims; want the cached ones")
			}
			if tt.want != "" && got != nil {
				t.Errorf("claims = %v on failure, want nil", got)
			}
		})
	}
}

func TestDecisionCacheOnlyCachesSuccesses(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	c := newClock(fixedNow.Add(-time.Hour))
	v := mustNew(t, verifier.Config{JWTKey: iss.PublicKeyPEM(), Now: c.Now})
	token := iss.Mint(t, claimsAt(nil)) // not yet valid an hour earlier
	_, err := v.Verify(context.Background(), token)
	wantReason(t, err, verifier.ReasonNotActiveYet)
	c.Advance(time.Hour)
	if _, err := v.Verify(context.Background(), token); err != nil {
		t.Fatalf("Verify once valid: %v", err)
	}
}

func TestDecisionCacheDisabled(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := mustNew(t, verifier.Config{JWTKey: iss.PublicKeyPEM(), Now: func() time.Time { return fixedNow }, CacheSize: -1})
	token := iss.Mint(t, claimsAt(nil))
	a, err := v.Verify(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	b, err := v.Verify(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("claims shared between calls with the cache disabled")
	}
}
