// Package grpctest serves a grpc.Server on an in-memory listener (grpc's
// bufconn) for the tests of server and interceptor, which both need a real
// gRPC connection without a port.
//
// It is for tests only; nothing in the service uses it.
package grpctest
