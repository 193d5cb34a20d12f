// Package server implements authsvc's gRPC service: it maps the authsvc.v1
// protobuf contract onto the [verifier] and Backend API packages, turns their
// errors into gRPC statuses (status.go is the one place that does), and builds
// the gRPC server with its interceptor chain (recovery, logging, caller
// policy), health and reflection.
//
// It is not a library for other services: Go services that want to protect
// their own RPCs use the interceptor package, and services that want to
// verify tokens in-process use the verifier package.
package server
