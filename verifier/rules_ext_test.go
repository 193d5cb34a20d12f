package verifier_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/authsvc/authsvc/internal/attackvectors"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// TestVerifyAttackVectors runs the shared attack table in-process, in
// Verify and in AuthState (header and cookie), with and without the
// decision cache: each token is refused with its reason, twice.
func TestVerifyAttackVectors(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	for _, cache := range []struct {
		name string
		size int
	}{{"cached", 0}, {"uncached", -1}} {
		v := inlineVerifier(t, iss, func(c *verifier.Config) { c.CacheSize = cache.size; c.SecretKey = "sk_live_x" })
		for _, a := range attackvectors.All() {
			t.Run(cache.name+"/"+a.Name, func(t *testing.T) {
				t.Parallel()
				token := a.Token(t, iss, fixedNow.Unix())
				for range 2 {
					claims, err := v.Verify(context.Background(), token)
					wantReason(t, err, a.Reason)
					if claims != nil {
						t.Fatalf("claims = %+v, want none", claims)
					}
				}
				st := v.AuthState(context.Background(), verifier.Request{HeaderToken: "Bearer " + token})
				if st.Status != verifier.StatusSignedOut || st.Reason != a.Header || st.Claims != nil {
					t.Errorf("AuthState(header) = %v/%s/%v, want signed out/%s", st.Status, st.Reason, st.Claims, a.Header)
				}
				st = v.AuthState(context.Background(), verifier.Request{CookieToken: token, ClientUAT: "1", UserAgent: "Mozilla/5.0"})
				if st.Status != verifier.StatusSignedOut || st.Reason != a.Cookie || st.Claims != nil {
					t.Errorf("AuthState(cookie) = %v/%s/%v, want signed out/%s", st.Status, st.Reason, st.Claims, a.Cookie)
				}
			})
		}
	}
}

// TestVerifyNewRules covers rules 5, 6 (strict claims), 7 and 10 beyond
// the attack table: what is accepted, and the order against the
// neighbouring rules.
func TestVerifyNewRules(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	n := fixedNow.Unix()
	v := inlineVerifier(t, iss, nil)
	aud := inlineVerifier(t, iss, func(c *verifier.Config) { c.Audiences = []string{"https://api.example.com", "billing"} })
	pending := inlineVerifier(t, iss, func(c *verifier.Config) { c.AcceptPendingSessions = true })
	withCat := func(cat any, extra map[string]any) func(*testing.T) string {
		return func(t *testing.T) string {
			return iss.MintWithHeader(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": iss.KID, "cat": cat}, claimsAt(extra))
		}
	}
	mint := func(extra map[string]any) func(*testing.T) string {
		return func(t *testing.T) string { return iss.Mint(t, claimsAt(extra)) }
	}
	raw := func(payload string) func(*testing.T) string {
		return func(t *testing.T) string { return iss.MintRaw(t, nil, []byte(payload)) }
	}
	times := `"iss":"` + iss.URL + `","iat":` + itoa(n) + `,"exp":` + itoa(n+60)
	tests := []struct {
		name string
		v    *verifier.Verifier
		vc   verifyCase
	}{
		// Rule 5: the session categories are accepted.
		{"rule5/session-category", v, verifyCase{token: withCat("cl_B7d4PD111AAA", nil)}},
		{"rule5/ignore-category-marker", v, verifyCase{token: withCat("cl_I7d4PD111III", nil)}},
		{"rule5/category-absent", v, verifyCase{token: mint(nil)}},
		{"rule5/template-category", v, verifyCase{token: withCat("cl_B7d4PD222AAA", nil), want: verifier.ReasonTokenTypeMismatch}},
		{"rule5/machine-category", v, verifyCase{token: withCat("cl_B7d4PD333AAA", nil), want: verifier.ReasonTokenTypeMismatch}},
		{"rule5/category-case-differs", v, verifyCase{token: withCat("cl_b7d4pd111aaa", nil), want: verifier.ReasonTokenTypeMismatch}},
		{"rule5/subject-mch-prefix", v, verifyCase{token: mint(map[string]any{"sub": "mch_1"}), want: verifier.ReasonTokenTypeMismatch}},
		{"rule5/subject-mch-not-prefix", v, verifyCase{token: mint(map[string]any{"sub": "user_mch_1"})}},
		{"order/rule4-signature-before-rule5-type", v, verifyCase{token: func(t *testing.T) string {
			return tamperPayload(withCat("cl_B7d4PD222AAA", nil)(t), claimsAt(map[string]any{"iss": iss.URL, "sub": "u"}))
		}, want: verifier.ReasonInvalidSignature}},
		{"order/rule5-type-before-rule6-exp", v, verifyCase{token: withCat("cl_B7d4PD222AAA", map[string]any{"exp": nil}), want: verifier.ReasonTokenTypeMismatch}},
		{"order/rule5-type-before-rule6-strict", v, verifyCase{token: func(t *testing.T) string {
			return iss.MintRaw(t, map[string]any{"alg": "RS256", "cat": "cl_B7d4PD222AAA"}, []byte(`{"sub":"a","sub":"b",`+times+`}`))
		}, want: verifier.ReasonTokenTypeMismatch}},
		// Rule 6: exp required and an integer; strict I-JSON.
		{"rule6/exp-missing", v, verifyCase{token: mint(map[string]any{"exp": nil}), want: verifier.ReasonTokenInvalid}},
		{"rule6/exp-negative-zero", v, verifyCase{token: raw(`{"sub":"u","iss":"` + iss.URL + `","exp":-0}`), want: verifier.ReasonExpired}},
		{"rule6/duplicate-sub", v, verifyCase{token: raw(`{"sub":"user_1","sub":"user_admin",` + times + `}`), want: verifier.ReasonTokenInvalid}},
		{"rule6/escaped-pair-accepted", v, verifyCase{token: raw(`{"sub":"user_\ud83d\ude00",` + times + `}`)}},
		{"rule6/number-at-float64-max-accepted", v, verifyCase{token: raw(`{"sub":"u","m":1.7976931348623157e308,"z":1e-400,` + times + `}`)}},
		{"rule6/act-object-accepted", v, verifyCase{token: mint(map[string]any{"act": map[string]any{"sub": "user_admin"}})}},
		{"order/rule6-strict-before-rule8-issuer", v, verifyCase{token: raw(`{"sub":"a","sub":"b","iss":"https://clerkevil.com","exp":` + itoa(n+60) + `}`), want: verifier.ReasonTokenInvalid}},
		{"order/rule6-exp-before-rule7-audience", aud, verifyCase{token: mint(map[string]any{"exp": nil}), want: verifier.ReasonTokenInvalid}},
		// Rule 7: audience.
		{"rule7/aud-absent", aud, verifyCase{token: mint(nil), want: verifier.ReasonInvalidAudience}},
		{"rule7/aud-string-match", aud, verifyCase{token: mint(map[string]any{"aud": "billing"})}},
		{"rule7/aud-array-match", aud, verifyCase{token: mint(map[string]any{"aud": []string{"x", "https://api.example.com"}})}},
		{"rule7/aud-no-match", aud, verifyCase{token: mint(map[string]any{"aud": []string{"x", "https://API.example.com"}}), want: verifier.ReasonInvalidAudience}},
		{"rule7/aud-empty-array", aud, verifyCase{token: mint(map[string]any{"aud": []string{}}), want: verifier.ReasonInvalidAudience}},
		{"rule7/aud-empty-string", aud, verifyCase{token: mint(map[string]any{"aud": ""}), want: verifier.ReasonInvalidAudience}},
		{"rule7/aud-unconfigured-not-checked", v, verifyCase{token: mint(map[string]any{"aud": "anything"})}},
		{"rule7/aud-wrong-type-unconfigured", v, verifyCase{token: mint(map[string]any{"aud": 1}), want: verifier.ReasonTokenInvalid}},
		{"order/rule7-audience-before-rule8-issuer", aud, verifyCase{token: mint(map[string]any{"iss": "https://clerkevil.com"}), want: verifier.ReasonInvalidAudience}},
		{"order/rule7-audience-before-rule9-party", aud, verifyCase{token: mint(nil), parties: []string{"https://app.example.com"}, want: verifier.ReasonInvalidAudience}},
		// Rule 10: pending sessions.
		{"rule10/pending-refused", v, verifyCase{token: mint(map[string]any{"sts": "pending"}), want: verifier.ReasonSessionPending}},
		{"rule10/active-accepted", v, verifyCase{token: mint(map[string]any{"sts": "active"})}},
		{"rule10/pending-accepted-by-config", pending, verifyCase{token: mint(map[string]any{"sts": "pending"})}},
		{"rule10/pending-case-differs-not-pending", v, verifyCase{token: mint(map[string]any{"sts": "Pending"})}},
		{"order/rule9-party-before-rule10-pending", v, verifyCase{token: mint(map[string]any{"sts": "pending"}), parties: []string{"https://app.example.com"}, want: verifier.ReasonUnauthorizedParty}},
		{"order/rule8-issuer-before-rule10-pending", v, verifyCase{token: mint(map[string]any{"sts": "pending", "iss": "https://clerkevil.com"}), want: verifier.ReasonInvalidIssuer}},
	}
	for _, tt := range tests {
		tt.vc.name = tt.name
		runVerifyCases(t, tt.v, []verifyCase{tt.vc})
	}
}

// TestVerifyPendingPerCallAndCache: the per-call AcceptPending widens the
// configuration, and a cached pending token is still refused by a call
// that does not accept it (rule 10 re-runs on every hit).
func TestVerifyPendingPerCallAndCache(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	v := inlineVerifier(t, iss, nil)
	token := iss.Mint(t, claimsAt(map[string]any{"sts": "pending"}))
	steps := []struct {
		name   string
		accept bool
		want   verifier.Reason
	}{
		{"rule10/pending-refused", false, verifier.ReasonSessionPending},
		{"rule10/pending-accepted-by-request", true, ""},
		{"rule10/cached-pending-refused-again", false, verifier.ReasonSessionPending},
		{"rule10/cached-pending-accepted-again", true, ""},
	}
	for _, st := range steps {
		claims, err := v.VerifyWithOptions(context.Background(), token, verifier.VerifyOptions{AcceptPending: st.accept})
		if got := verifier.ReasonOf(err); got != st.want {
			t.Fatalf("%s: reason %q (%v), want %q", st.name, got, err, st.want)
		}
		if st.want != "" {
			if !errors.Is(err, verifier.ErrSessionPending) || claims != nil {
				t.Fatalf("%s: err %v claims %v, want ErrSessionPending and no claims", st.name, err, claims)
			}
			continue
		}
		if claims == nil || claims.SessionStatus != "pending" {
			t.Fatalf("%s: claims %+v, want sts pending", st.name, claims)
		}
	}
	// AuthState: the request's AcceptPending, header and cookie.
	for _, tt := range []struct {
		name   string
		req    verifier.Request
		status verifier.Status
		reason verifier.AuthReason
	}{
		{"rule10/authstate-header-pending", verifier.Request{HeaderToken: token}, verifier.StatusSignedOut, verifier.AuthReasonSessionPending},
		{"rule10/authstate-cookie-pending", verifier.Request{CookieToken: token, ClientUAT: "1", UserAgent: "Mozilla/5.0"}, verifier.StatusSignedOut, verifier.AuthReasonSessionPending},
		{"rule10/authstate-header-accepted-by-request", verifier.Request{HeaderToken: token, AcceptPending: true}, verifier.StatusSignedIn, verifier.AuthReasonStandardSignedIn},
	} {
		got := v.AuthState(context.Background(), tt.req)
		if got.Status != tt.status || got.Reason != tt.reason {
			t.Errorf("%s: %v/%s, want %v/%s", tt.name, got.Status, got.Reason, tt.status, tt.reason)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
