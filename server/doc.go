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
package server
