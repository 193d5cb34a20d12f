// Package authstatevectors feeds the GetAuthState vectors of
// verifier/testdata/authstate_vectors.json (backend-core-spec §2.9 and the
// realistic column of §3.1) to the tests of two packages: verifier runs them
// in-process through [verifier.Verifier.AuthState], server runs them over
// gRPC. It exists only for those tests.
//
// [Parse] and [Load] read and check the file, [Cases] expands each vector
// into one case per mode it names, and a [Fixture] mints the vectors' tokens
// and resolves a vector's symbols ("$valid", "$iat-1", …) into the [Facts] of
// one request. How the facts reach the code under test (a
// [verifier.Request], a gRPC request's fields or its headers map) is each
// test's own business.
//
// It is not a general test-vector format, and nothing outside tests may
// import it: it mints tokens with [verifiertest] and fails tests through
// [testing.TB].
package authstatevectors
