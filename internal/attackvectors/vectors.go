package attackvectors

import (
	"strconv"
	"strings"
	"testing"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// Attack is one token every session path refuses.
type Attack struct {
	// Name is the rule and the shape: "rule6/duplicate-sub".
	Name string
	// Reason is the verification reason (VerifySessionToken's and the
	// interceptor's ErrorInfo reason, with UNAUTHENTICATED).
	Reason verifier.Reason
	// Header and Cookie are GetAuthState's reasons for the token as the
	// Authorization header or the __session cookie; the status is signed
	// out.
	Header, Cookie verifier.AuthReason

	header  map[string]any // nil: the issuer's default header
	payload func(b base) string
}

// base holds the parts of a payload valid at now for an issuer.
type base struct {
	iss string
	now int64
}

// times are the valid dates at now.
func (b base) times() string {
	return `"iat":` + itoa(b.now) + `,"nbf":` + itoa(b.now-10) + `,"exp":` + itoa(b.now+60)
}

// claims is a valid payload with extra members (JSON text) appended.
func (b base) claims(extra string) string {
	s := `{"iss":"` + b.iss + `","sub":"user_test","sid":"sess_test",` + b.times()
	if extra != "" {
		s += "," + extra
	}
	return s + "}"
}

// noTimes is a valid payload without the dates, with extra appended.
func (b base) noTimes(extra string) string {
	return `{"iss":"` + b.iss + `","sub":"user_test","sid":"sess_test",` + extra + "}"
}

// Token mints a's token with iss, valid (but for the attack) at the Unix
// time now.
func (a Attack) Token(t testing.TB, iss *verifiertest.Issuer, now int64) string {
	t.Helper()
	h := a.header
	if h != nil {
		h = map[string]any{"alg": "RS256", "typ": "JWT", "kid": iss.KID}
		for k, v := range a.header {
			h[k] = v
		}
	}
	return iss.MintRaw(t, h, []byte(a.payload(base{iss: iss.URL, now: now})))
}

// Run runs check for every row of the table, each as a parallel subtest
// named after the row, with the row's token minted by iss for the Unix time
// now.
func Run(t *testing.T, iss *verifiertest.Issuer, now int64, check func(t *testing.T, a Attack, token string)) {
	t.Helper()
	for _, a := range All() {
		t.Run(a.Name, func(t *testing.T) {
			t.Parallel()
			check(t, a, a.Token(t, iss, now))
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// All returns the table; each call returns new rows.
func All() []Attack {
	mismatch := func(name string, header map[string]any, payload func(base) string) Attack {
		return Attack{Name: name, Reason: verifier.ReasonTokenTypeMismatch, header: header, payload: payload}
	}
	invalid := func(name string, payload func(base) string) Attack {
		return Attack{Name: name, Reason: verifier.ReasonTokenInvalid, payload: payload}
	}
	extra := func(s string) func(base) string { return func(b base) string { return b.claims(s) } }
	dates := func(f func(b base) string) func(base) string {
		return func(b base) string { return b.noTimes(f(b)) }
	}
	valid := extra("")
	rows := []Attack{
		// Rule 5: only session tokens.
		mismatch("rule5/template-category", map[string]any{"cat": "cl_B7d4PD222AAA"}, valid),
		mismatch("rule5/machine-category", map[string]any{"cat": "cl_B7d4PD333AAA"}, valid),
		mismatch("rule5/unknown-category", map[string]any{"cat": "cl_B7d4PD999AAA"}, valid),
		mismatch("rule5/null-category", map[string]any{"cat": nil}, valid),
		mismatch("rule5/numeric-category", map[string]any{"cat": 111}, valid),
		mismatch("rule5/machine-subject", nil, func(b base) string {
			return strings.Replace(b.claims(""), `"sub":"user_test"`, `"sub":"mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk"`, 1)
		}),
		mismatch("rule5/machine-subject-with-session-category", map[string]any{"cat": "cl_B7d4PD111AAA"}, func(b base) string {
			return strings.Replace(b.claims(""), `"sub":"user_test"`, `"sub":"mch_1"`, 1)
		}),
		// Rule 6: dates.
		invalid("rule6/exp-missing", dates(func(b base) string { return `"iat":` + itoa(b.now) })),
		invalid("rule6/exp-null", dates(func(b base) string { return `"iat":` + itoa(b.now) + `,"exp":null` })),
		invalid("rule6/exp-fraction", dates(func(b base) string { return `"exp":` + itoa(b.now+60) + `.5` })),
		invalid("rule6/exp-exponent", dates(func(b base) string { return `"exp":` + itoa(b.now+60) + `e0` })),
		invalid("rule6/exp-string", dates(func(b base) string { return `"exp":"` + itoa(b.now+60) + `"` })),
		invalid("rule6/exp-beyond-int64", dates(func(base) string { return `"exp":9223372036854775808` })),
		invalid("rule6/nbf-fraction", dates(func(b base) string { return `"exp":` + itoa(b.now+60) + `,"nbf":` + itoa(b.now-10) + `.0` })),
		invalid("rule6/nbf-null", dates(func(b base) string { return `"exp":` + itoa(b.now+60) + `,"nbf":null` })),
		invalid("rule6/iat-exponent", dates(func(b base) string { return `"exp":` + itoa(b.now+60) + `,"iat":` + itoa(b.now) + `E+0` })),
		// Rule 6: strict I-JSON.
		invalid("rule6/duplicate-sub", extra(`"sub":"user_admin"`)),
		invalid("rule6/duplicate-sub-escaped", extra(`"\u0073ub":"user_admin"`)),
		invalid("rule6/duplicate-exp", extra(`"exp":9999999999`)),
		invalid("rule6/duplicate-in-o", extra(`"v":2,"o":{"id":"org_1","rol":"member","rol":"admin"}`)),
		invalid("rule6/duplicate-in-act", extra(`"act":{"sub":"user_a","sub":"user_b"}`)),
		invalid("rule6/duplicate-in-nested-custom-claim", extra(`"meta":{"roles":[{"k":1,"k":2}]}`)),
		invalid("rule6/number-above-float64", extra(`"meta":1e400`)),
		invalid("rule6/number-below-float64", extra(`"meta":[-1.8e308]`)),
		invalid("rule6/integer-above-float64", extra(`"meta":1`+strings.Repeat("0", 309))),
		invalid("rule6/lone-high-surrogate", extra(`"name":"\ud800"`)),
		invalid("rule6/lone-low-surrogate", extra(`"name":"x\udc00"`)),
		invalid("rule6/high-surrogate-then-ascii", extra(`"name":"\ud83d\u0041"`)),
		invalid("rule6/lone-surrogate-in-member-name", extra(`"\udbff":1`)),
		invalid("rule6/invalid-utf8", extra("\"name\":\"\xff\xfe\"")),
		// Rule 6: claims of the wrong JSON type.
		invalid("rule6/act-string", extra(`"act":"user_admin"`)),
		invalid("rule6/act-array", extra(`"act":[{"sub":"user_admin"}]`)),
		invalid("rule6/act-null", extra(`"act":null`)),
		invalid("rule6/o-string", extra(`"v":2,"o":"org_1"`)),
		invalid("rule6/o-array", extra(`"v":2,"o":[{"id":"org_1"}]`)),
		invalid("rule6/aud-number", extra(`"aud":1`)),
		invalid("rule6/aud-array-of-numbers", extra(`"aud":["a",2]`)),
		invalid("rule6/fva-one-element", extra(`"fva":[1]`)),
		invalid("rule6/fva-fraction", extra(`"fva":[1.5,-1]`)),
		invalid("rule6/sts-not-a-string", extra(`"sts":true`)),
	}
	for i := range rows {
		rows[i].Header, rows[i].Cookie = verifier.AuthReasonHeaderInvalid, verifier.AuthReasonCookieInvalid
	}
	return rows
}
