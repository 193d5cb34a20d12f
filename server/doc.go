// Package server implements authsvc's gRPC service: it maps the authsvc.v1
// protobuf contract onto the [verifier] and Backend API packages, turns their
// errors into gRPC statuses, and builds the gRPC server with its interceptor
// chain (recovery, metrics, logging, the caller policy with the
// authsvc-reason trailer), limits, health and reflection.
//
// # Statuses
//
// Errors become statuses in two files only: status.go (verification, caller
// policy, bad arguments, internal errors, the caller's context) and
// status_backend.go (Backend API answers). Both build reason statuses
// through internal/rpcstatus, the contract the interceptor package reads
// with the same code, so the ErrorInfo domain, the reason format, the
// authsvc-reason trailer and the token size limit are written once.
//
// # Caller policy
//
// The policy is part of the server: [New] loads it from [Config.PolicyFile]
// or [Config.Callers], [NewGRPCServer] installs the check in its chain and
// [Server.Register] binds it into every method, so whatever builds the
// grpc.Server, a resource proxy RPC runs only for a granted caller, and
// with no policy at all none does. [Server.ReloadPolicy] swaps in a new
// file atomically and keeps the old policy when the new one does not parse.
//
// # Limits
//
// [NewGRPCServer] applies [Limits] (streams per connection, connection age,
// message size, keepalive enforcement) with defaults that hold when the
// caller sets nothing; [LimitListener] caps the number of connections.
//
// It is not a library for other services: Go services that want to protect
// their own RPCs use the interceptor package, and services that want to
// verify tokens in-process use the verifier package.
//
// # Edge authorization
//
// Envoy's ext_authz Check (envoy.service.auth.v3.Authorization, registered
// by [NewGRPCServer] unless [EdgeConfig.DisableExtAuthz]) and the
// forward-auth handler ([Server.ForwardAuthHandler], for nginx auth_request,
// Traefik ForwardAuth and Caddy forward_auth) answer one question for a
// proxy: may this HTTP request go upstream, and as whom? Both gather the
// same facts as GetAuthState's headers map (one requestHeaders type reads
// every form), call the same [verifier.Verifier.AuthState], so the
// verifier's decision cache serves all three, and encode DESIGN.md's
// outcome table:
//
//	signed in          Check OK               200  x-clerk-user-id, -session-id, -org-id/-role/-slug, -auth-status, -auth-reason
//	signed out         Check UNAUTHENTICATED  401  auth-result, JSON {"status","reason"}
//	interstitial       Check UNAUTHENTICATED  401  as signed out; the interstitial page when Accept has text/html
//	public path        Check OK               200  no identity headers
//	keys unavailable   Check UNAVAILABLE      503  auth-result, JSON body
//	bad request        Check INVALID_ARGUMENT 400  no HTTP attributes, or beyond GetAuthState's bounds
//
// The decision is never a Check RPC error, which Envoy would treat as a
// failure of the authorizer. Identity headers are set with
// OVERWRITE_IF_EXISTS_OR_ADD, and every x-clerk-* header a request carried
// that the answer does not set is removed (headers_to_remove), so a client
// cannot pass its own identity upstream. A path under
// [EdgeConfig.PublicPaths] is allowed without looking at credentials.
package server
