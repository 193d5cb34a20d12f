package verifier_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// FuzzVerify feeds arbitrary strings to Verify: each must give claims or an
// *Error with a reason, never a panic, never the token in the message, and
// the same outcome when presented again (through the decision cache). Seeds
// are tokens signed with testdata/fuzzkey.pem (a test-only key) and valid
// at fixedNow. Run it with
//
//	go test -run '^$' -fuzz '^FuzzVerify$' -fuzztime 1000000x ./verifier
func FuzzVerify(f *testing.F) {
	key := fuzzKey(f)
	for _, s := range fuzzSeeds(f, key) {
		f.Add(s)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	v, err := verifier.New(verifier.Config{
		JWTKey: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		Now:    func() time.Time { return fixedNow },
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(v.Close)
	f.Fuzz(func(t *testing.T, token string) {
		claims, err := v.Verify(context.Background(), token)
		again, err2 := v.Verify(context.Background(), token)
		if verifier.ReasonOf(err) != verifier.ReasonOf(err2) || (err == nil && again != claims) {
			t.Fatalf("second Verify: %v, %v; first %v", again, err2, err)
		}
		if err != nil {
			if claims != nil || verifier.ReasonOf(err) == "" {
				t.Fatalf("failure with claims %v or without a reason: %v", claims, err)
			}
			// Messages have no '.', so a dotted token in one was copied there.
			if len(token) >= 8 && strings.Contains(token, ".") && strings.Contains(err.Error(), token) {
				t.Fatalf("error %q contains the token", err)
			}
			return
		}
		if claims.UserID == "" || claims.ExpiresAt <= fixedNow.Unix()-5 || !strings.HasPrefix(claims.Issuer, "https://") ||
			claims.SessionStatus == "pending" || strings.HasPrefix(claims.UserID, "mch_") ||
			(claims.Actor != nil && claims.Actor[0] != '{') || !json.Valid(claims.Raw) {
			t.Fatalf("accepted claims break a rule: %+v", claims)
		}
	})
}

func fuzzKey(f testing.TB) *rsa.PrivateKey {
	f.Helper()
	b, err := os.ReadFile("testdata/fuzzkey.pem")
	if err != nil {
		f.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		f.Fatal("testdata/fuzzkey.pem: no pem block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

// fuzzSeeds are valid tokens and near misses, one per rule.
func fuzzSeeds(f testing.TB, key *rsa.PrivateKey) []string {
	n := fixedNow.Unix()
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"iss": "https://clerk.example.com", "sub": "user_1", "sid": "sess_1", "iat": n, "nbf": n - 10, "exp": n + 60}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	rs := map[string]any{"alg": "RS256", "typ": "JWT", "kid": "ins_1"}
	sign := func(h, c map[string]any) string { return verifiertest.Sign(f, key, h, c, "RS256") }
	valid := sign(rs, base(nil))
	raw := func(payload string) string {
		return verifiertest.SignRaw(f, key, []byte(`{"alg":"RS256","typ":"JWT","kid":"ins_1"}`), []byte(payload), "RS256")
	}
	return []string{
		valid,
		valid + "==",
		sign(rs, base(map[string]any{"v": 2, "fea": "o:a,u:b", "o": map[string]any{"id": "org_1", "rol": "admin", "per": "r,w", "fpm": "3"}})),
		sign(rs, base(map[string]any{"azp": "https://app.example.com", "org_permissions": []string{"org:a:r"}, "act": map[string]any{"sub": "u"}})),
		sign(rs, base(map[string]any{"exp": n - 5})),
		sign(rs, base(map[string]any{"nbf": n + 6})),
		sign(rs, base(map[string]any{"iat": n + 6})),
		sign(rs, base(map[string]any{"iss": "https://clerkevil.com"})),
		sign(rs, base(map[string]any{"sub": nil})),
		sign(rs, base(map[string]any{"exp": "x"})),
		sign(map[string]any{"alg": "RS256", "crit": []string{"exp"}}, base(nil)),
		sign(map[string]any{"alg": "RS512"}, base(nil)),
		sign(map[string]any{"alg": "none"}, base(nil)),
		// Rule 5: categories and machine subjects.
		sign(map[string]any{"alg": "RS256", "cat": "cl_B7d4PD111AAA"}, base(nil)),
		sign(map[string]any{"alg": "RS256", "cat": "cl_B7d4PD222AAA"}, base(nil)),
		sign(map[string]any{"alg": "RS256", "cat": "cl_B7d4PD333AAA"}, base(nil)),
		sign(map[string]any{"alg": "RS256", "cat": "cl_I7d4PD111III"}, base(nil)),
		sign(map[string]any{"alg": "RS256", "cat": nil}, base(nil)),
		sign(rs, base(map[string]any{"sub": "mch_1"})),
		// Rules 6, 7 and 10: strict claims and the current claims.
		sign(rs, base(map[string]any{"exp": nil})),
		sign(rs, base(map[string]any{"sts": "pending", "aud": []string{"a"}, "fva": []int{1, -1}, "pla": "u:free"})),
		sign(rs, base(map[string]any{"act": "user_admin"})),
		raw(`{"iss":"https://clerk.example.com","sub":"user_1","sub":"user_admin","exp":` + strconv.FormatInt(n+60, 10) + `}`),
		raw(`{"iss":"https://clerk.example.com","sub":"user_\ud800","m":1e400,"exp":` + strconv.FormatInt(n+60, 10) + `}`),
		"", "a.b", "a.b.c", "a.b.c.d", "...", "eyJhbGciOiJSUzI1NiJ9.e30.",
	}
}
