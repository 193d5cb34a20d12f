package telemetry

import (
	"strings"
	"sync/atomic"

	"google.golang.org/grpc/codes"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// other replaces a label value outside its bounded set.
const other = "other"

// Outcomes of a verification, the outcome label of authsvc_verifications_total.
const (
	OutcomeValid       = "valid"       // the token verified
	OutcomeInvalid     = "invalid"     // the token was rejected (UNAUTHENTICATED)
	OutcomeUnavailable = "unavailable" // no usable key (UNAVAILABLE)
	OutcomeError       = "error"       // anything else: bad argument, deadline, internal
)

// Edge check kinds and decisions, the labels of authsvc_edge_checks_total.
const (
	EdgeExtAuthz    = "ext_authz"    // Envoy's Authorization/Check
	EdgeForwardAuth = "forward_auth" // the HTTP /forward-auth endpoint

	DecisionAllow        = "allow"        // signed in
	DecisionPublic       = "public"       // a path under AUTHSVC_PUBLIC_PATHS, no identity
	DecisionDeny         = "signed-out"   // signed out: 401
	DecisionInterstitial = "interstitial" // interstitial: 401 with the page
	DecisionUnavailable  = "unavailable"  // keys unavailable: 503
	DecisionInvalid      = "invalid"      // no HTTP attributes: 400
)

var (
	edgeKinds     = set(EdgeExtAuthz, EdgeForwardAuth)
	edgeDecisions = set(DecisionAllow, DecisionPublic, DecisionDeny, DecisionInterstitial, DecisionUnavailable, DecisionInvalid)
	outcomes      = set(OutcomeValid, OutcomeInvalid, OutcomeUnavailable, OutcomeError)
	// verifyReasons are the verifier's Reason values (verifier/errors.go).
	verifyReasons = set("token-invalid", "token-invalid-algorithm", "jwk-failed-to-resolve", "jwk-local-invalid",
		"jwk-remote-failed-to-load", "secret-key-invalid", "jwk-kid-mismatch", "token-invalid-signature",
		"token-expired", "token-not-active-yet", "token-iat-in-the-future", "token-invalid-issuer",
		"token-invalid-authorized-parties", "token-type-mismatch")
	// methods are the short gRPC method names authsvc serves.
	methods = serviceMethods()
)

func set(vs ...string) map[string]bool {
	m := make(map[string]bool, len(vs))
	for _, v := range vs {
		m[v] = true
	}
	return m
}

func serviceMethods() map[string]bool {
	m := set("Check", "Watch", "List") // health, and Envoy's Authorization/Check
	for _, md := range authsvcv1.AuthService_ServiceDesc.Methods {
		m[md.MethodName] = true
	}
	return m
}

// bounded returns v when it is in allowed, else "other".
func bounded(v string, allowed map[string]bool) string {
	if allowed[v] {
		return v
	}
	return other
}

// Method returns the label value for a gRPC method: the short name
// ("VerifySessionToken") of a method authsvc serves, from either the short
// or the full form ("/authsvc.v1.AuthService/VerifySessionToken"); anything
// else is "other".
func Method(fullOrShort string) string {
	if i := strings.LastIndexByte(fullOrShort, '/'); i >= 0 {
		fullOrShort = fullOrShort[i+1:]
	}
	return bounded(fullOrShort, methods)
}

// Verification records one token verification made for method (see
// [Method]); outcome is one of the Outcome constants and reason the
// verifier reason ("" for a valid token).
func (m *Metrics) Verification(method, outcome string, reason verifier.Reason) {
	if m == nil {
		return
	}
	method = Method(method)
	if method == "VerifySessionToken" && outcome == OutcomeValid && reason == "" {
		m.verifyValid.Inc() // resolved in New: no label hashing on the hot path
		return
	}
	r := ""
	if reason != "" {
		r = bounded(string(reason), verifyReasons)
	}
	m.verifications.WithLabelValues(method, bounded(outcome, outcomes), r).Inc()
}

// AuthState records one GetAuthState decision.
func (m *Metrics) AuthState(st authsvcv1.AuthStatus, reason string) {
	if m == nil {
		return
	}
	if st == authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN && reason == string(verifier.AuthReasonStandardSignedIn) {
		m.signedIn.Inc() // resolved in New
		return
	}
	if _, ok := verifier.AuthReason(reason).Status(); !ok {
		reason = other
	}
	m.authStates.WithLabelValues(authStatusLabel(st), reason).Inc()
}

func authStatusLabel(st authsvcv1.AuthStatus) string {
	switch st {
	case authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN:
		return "signed-in"
	case authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT:
		return "signed-out"
	case authsvcv1.AuthStatus_AUTH_STATUS_INTERSTITIAL:
		return "interstitial"
	}
	return other
}

// EdgeCheck records one edge authorization decision; kind is EdgeExtAuthz
// or EdgeForwardAuth, decision one of the Decision constants.
func (m *Metrics) EdgeCheck(kind, decision string) {
	if m == nil {
		return
	}
	if decision == DecisionAllow { // resolved in New, like the verify and auth-state hot paths
		switch kind {
		case EdgeExtAuthz:
			m.extAllow.Inc()
			return
		case EdgeForwardAuth:
			m.fwdAllow.Inc()
			return
		}
	}
	m.edgeChecks.WithLabelValues(bounded(kind, edgeKinds), bounded(decision, edgeDecisions)).Inc()
}

// PolicyDenial records one call the caller policy refused, with the gRPC
// method (see [Method]) and the status code returned.
func (m *Metrics) PolicyDenial(method string, code codes.Code) {
	if m == nil {
		return
	}
	c := other
	if code <= codes.Unauthenticated {
		c = code.String()
	}
	m.denials.WithLabelValues(Method(method), c).Inc()
}

// ConfigReload records one reload (SIGHUP) and whether it took effect.
func (m *Metrics) ConfigReload(err error) {
	if m == nil {
		return
	}
	r := "success"
	if err != nil {
		r = "failure"
	}
	m.reloads.WithLabelValues(r).Inc()
}

// std is the Metrics the package functions record into.
var std atomic.Pointer[Metrics]

// SetDefault makes m the Metrics that [EdgeCheck], [PolicyDenial] and
// [ConfigReload] record into; nil stops recording. cmd/authsvc calls it
// once at start.
func SetDefault(m *Metrics) { std.Store(m) }

// EdgeCheck records into the default Metrics; see [Metrics.EdgeCheck].
func EdgeCheck(kind, decision string) { std.Load().EdgeCheck(kind, decision) }

// PolicyDenial records into the default Metrics; see [Metrics.PolicyDenial].
func PolicyDenial(method string, code codes.Code) { std.Load().PolicyDenial(method, code) }

// ConfigReload records into the default Metrics; see [Metrics.ConfigReload].
func ConfigReload(err error) { std.Load().ConfigReload(err) }
