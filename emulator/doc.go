// Package emulator is an embedded, in-memory stand-in for Clerk's Backend API,
// for development ("authsvc dev") and for tests.
//
// An [Emulator] is an [net/http.Handler] that speaks the Backend API wire
// format under /v1: JSON bodies with snake_case keys, resources that carry an
// "object" field, Unix-millisecond timestamps, and Clerk error bodies
//
//	{"errors":[{"code","message","long_message","meta"}],"clerk_trace_id":"..."}
//
// It serves the JSON Web Key Set of its own RSA-2048 signing key
// (GET /v1/jwks, and unauthenticated at /.well-known/jwks.json as Clerk's
// Frontend API does), the interstitial page (GET /v1/internal/interstitial),
// and mints RS256 session tokens ([Emulator.MintSessionToken], or
// POST /v1/sessions/{id}/tokens) that authsvc's verifier accepts when it is
// pointed at the emulator's key and issuer.
//
// It is NOT a production Clerk replacement: state lives in memory (kept
// across restarts only with [Options.DataDir], see "# Persistence"), there
// is no Frontend API (no sign-in flows, no
// cookies), e-mails and SMS messages are recorded but never sent, passwords are
// only kept as salted PBKDF2 hashes for verify_password, and the set of
// parameters and validations is the subset authsvc and its tests need.
//
// # Wiring authsvc to it
//
// Serve [Emulator.Handler] (for example on a loopback listener) and point the
// service at it: the Backend API base URL is the server's URL (paths start
// with /v1), the secret key is [Emulator.SecretKey], the issuer is
// [Emulator.Issuer], and the verification key is either the inline
// [Emulator.PublicKeyPEM] or the JWKS at <url>/v1/jwks (secret key required)
// or <url>/.well-known/jwks.json (open). Tokens come from
// [Emulator.CreateSession] + [Emulator.MintSessionToken] in-process, or from
// POST /v1/sessions and POST /v1/sessions/{id}/tokens over HTTP.
//
// # Endpoints
//
// Users (list with filters, count, get, create, update, delete, metadata
// merge, ban, unban, verify_password, mfa, organization_memberships,
// oauth_access_tokens), sessions (create, list, get, revoke, verify, tokens
// with or without a template name; every template gives the default session
// claims), organizations (list, create, get by id or slug, update, metadata,
// delete), organization memberships and invitations, invitations, allowlist
// identifiers, redirect URLs, email addresses, phone numbers, sign-in tokens,
// e-mails, SMS messages and clients. Lists answer either a bare JSON array or
// {"data":[...],"total_count":N}, as Clerk does for that resource. Unknown
// routes answer a 404 resource_not_found error; bodies must be one JSON
// object of at most 1 MiB, and unknown body keys are rejected with
// form_param_unknown.
//
// # Machine tokens
//
// M2M tokens (POST /v1/m2m_tokens with token_format "opaque", an mt_…
// token, or "jwt", a JWT signed with the instance key and the M2M category;
// POST /v1/m2m_tokens/{id}/revoke and /v1/m2m_tokens/verify), API keys
// (POST /v1/api_keys, /v1/api_keys/{id}/revoke, /v1/api_keys/verify) and
// OAuth access tokens (POST /v1/oauth_applications/access_tokens/verify;
// minted with [Emulator.MintOAuthAccessToken], opaque or at+jwt, since
// Clerk mints them in its OAuth flow). M2M tokens belong to
// [EmulatorMachineID]. A verify of an unknown, revoked or expired token is
// a 404, as at Clerk. [Emulator.MintM2MToken] and [Emulator.CreateAPIKey]
// do the same in-process.
//
// # Authentication
//
// Every /v1 request must carry "Authorization: Bearer <secret key>", compared
// in constant time; anything else gets a 401 Clerk error. The secret key is
// never echoed in responses. There is no published default key: unless
// [Options.SecretKey] sets one, each [New] draws a random "sk_test_…" key,
// read with [Emulator.SecretKey].
//
// # Persistence
//
// With [Options.DataDir] the emulator keeps its state and its signing key
// (with the kid) in one versioned JSON file, [StateFileName], mode 0600 in
// a 0700 directory. Every change is written atomically (a temporary file,
// fsync, rename) before its response is sent, so a crash leaves the old or
// the new state, never a torn one. [New] resumes the file when it exists,
// so sessions and tokens minted before a restart still verify after it; a
// file it cannot read, parse or trust (an unknown version, an unknown key,
// a record that points at a missing one) stops New with an error naming
// the file and the problem. It never starts afresh over a bad file. The
// secret key is not stored.
//
// # Seed data
//
// With [Options.Seed] the emulator starts with three users whose ids are
// stable: user_demo_alice, user_demo_bob and user_demo_carol (e-mail
// <name>@example.com, username <name>, password "authsvc-demo-password"),
// and one organization, org_demo_acme (slug "acme"), where alice is
// "org:admin" and bob is "org:member".
//
// # Concurrency
//
// An [Emulator] is safe for concurrent use; one mutex guards the store and
// the machine tokens, and a change is saved under it, so saves are ordered.
package emulator
