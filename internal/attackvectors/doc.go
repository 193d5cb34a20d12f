// Package attackvectors is one table of signed tokens that every session
// path must refuse with the same answer: DESIGN.md "Verification order and
// rules" rule 5 (tokens of another type) and rule 6 (missing or non-integer
// dates, payloads that are not strict I-JSON, claims of the wrong type).
// Each token carries a valid signature from the issuer it is minted for, so
// only the rule under test can refuse it.
//
// The verifier runs the table in-process; server runs it through
// VerifySessionToken and GetAuthState over gRPC; interceptor runs it in
// remote mode (a real authsvc behind it) and in local mode. Because all four
// read the same rows, they cannot drift apart, which is how the signed
// duplicate-sub token once got INTERNAL from one, "authsvc unavailable" from
// another and a signed-in user_admin from the third.
//
// It exists only for those tests: it mints with [verifiertest] and fails
// tests through [testing.TB].
package attackvectors
