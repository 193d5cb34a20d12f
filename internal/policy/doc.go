// Package policy decides which callers may call which authsvc methods.
//
// A [Policy] is parsed from the YAML (or JSON) file named by AUTHSVC_POLICY
// with [Load] or [Parse]. It lists callers; each has a name, one or more
// credentials (the SHA-256 of an API key, an mTLS certificate subject, an
// mTLS certificate SAN) and the full gRPC method names or globs it may call.
//
//	protect: ["authsvc.v1.AuthService/GetAuthState"]   # optional
//	callers:
//	  - name: billing
//	    key_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//	    allow: ["authsvc.v1.AuthService/GetUser", "authsvc.v1.AuthService/List*"]
//	    backend_rate: 100    # optional: its own Backend API budget, requests per 10 s
//	  - name: admin-tool
//	    tls_subject: "CN=admin-tool"
//	    allow: ["*"]
//
// A caller's optional backend_rate (a whole number from 1 up) caps the
// Backend API requests made for it, in requests per 10 s, on top of the
// budget all callers share; [Policy.BackendRate] reads it and the server
// hands it to backendapi with each call. Without it the caller draws only
// on the shared budget.
//
// # Protected and open methods
//
// Every method is protected, and so needs a granted credential, except the
// open ones: AuthService VerifySessionToken, GetAuthState, VerifyWebhook and VerifyToken, the gRPC
// health and reflection services, and Envoy's ext_authz Check. An open
// method becomes protected when it matches an entry of the top-level
// protect list; an allow entry alone never closes an open method (granting
// "*" to one caller must not lock every other caller out of
// verification). See [Policy.Protected].
//
// # Matching
//
// Method names are compared without their leading "/", so
// "/authsvc.v1.AuthService/GetUser" and "authsvc.v1.AuthService/GetUser"
// are the same. In a glob, "*" matches any run of characters, "/" included;
// every other character matches itself.
//
// # Credentials
//
// API keys are stored only as their SHA-256 (hex) and compared in constant
// time with every caller's hash. Certificate identities are compared as
// exact strings: the subject in [crypto/x509/pkix.Name.String] form ("CN=admin-tool,O=Corp")
// and any DNS, URI, email or IP SAN.
//
// This package does not read gRPC metadata or TLS state and does not log:
// the server package extracts [Credentials] from a call and maps the errors
// of [Policy.Authorize] to status codes.
package policy
