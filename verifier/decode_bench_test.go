package verifier

import (
	"encoding/base64"
	"strings"
	"testing"
)

// BenchmarkDecodeToken is the part of an unseen verification that is not
// RSA: splitting and decoding the token, the header and the claims (all of
// DESIGN rule 6's strict I-JSON checks included), and building Claims. It
// shows what the scanner costs next to BenchmarkBaselineRSA. The signature
// is 256 bytes of filler: decoding does not look at it.
func BenchmarkDecodeToken(b *testing.B) {
	enc := base64.RawURLEncoding.EncodeToString
	tok := enc([]byte(`{"alg":"RS256","kid":"ins_2bench","typ":"JWT","cat":"cl_B7d4PD111AAA"}`)) + "." +
		enc([]byte(`{"azp":"https://app.example.com","exp":1800000060,"fva":[3,-1],"iat":1800000000,`+
			`"iss":"https://clerk.example.com","nbf":1799999990,"org_id":"org_2bench","org_permissions":`+
			`["org:sys_memberships:manage","org:sys_profile:read"],"org_role":"org:admin","org_slug":"bench",`+
			`"sid":"sess_bench_1","sts":"active","sub":"user_test","v":2,"pla":"u:free","fea":"o:reports"}`)) + "." +
		enc([]byte(strings.Repeat("s", 256)))
	b.ReportAllocs()
	for b.Loop() {
		var t token
		if err := decodeToken(tok, &t, nil); err != nil || t.claimsErr != nil {
			b.Fatal(err, t.claimsErr)
		}
		_ = t.claims.toClaims(t.payload)
		t.release()
	}
}
