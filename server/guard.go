package server

import (
	"context"

	"google.golang.org/grpc"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/rpcstatus"
)

// guardUnary applies the caller policy to a unary call and repeats the
// reason of a failed call as the plain trailer "authsvc-reason: <reason>"
// (see [rpcstatus.TrailerKey]), for clients that read trailers but cannot
// decode status details. It covers every reason status, policy denials and
// the handlers' verification failures alike; one interceptor does both so
// the hot path pays for one chain step.
func (s *Server) guardUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	resp, err := s.authzUnary(ctx, req, info, handler)
	if err != nil {
		if md := rpcstatus.Trailer(rpcstatus.ReasonOf(err)); md != nil {
			_ = grpc.SetTrailer(ctx, md)
		}
	}
	return resp, err
}

// guardStream is guardUnary for streams.
func (s *Server) guardStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	err := s.authzStream(srv, ss, info, handler)
	if err != nil {
		if md := rpcstatus.Trailer(rpcstatus.ReasonOf(err)); md != nil {
			ss.SetTrailer(md)
		}
	}
	return err
}

// guardedDesc is the AuthService descriptor with the reason trailer and the
// caller policy bound into every method, innermost, after whatever
// interceptors the grpc.Server runs. [Server.Register] uses it so that a
// server built by hand cannot serve a proxy RPC without the policy.
func (s *Server) guardedDesc() *grpc.ServiceDesc {
	base := &authsvcv1.AuthService_ServiceDesc
	desc := *base
	desc.Methods = make([]grpc.MethodDesc, len(base.Methods))
	for i, m := range base.Methods {
		desc.Methods[i] = grpc.MethodDesc{MethodName: m.MethodName, Handler: s.guardMethod(m.Handler)}
	}
	desc.Streams = make([]grpc.StreamDesc, len(base.Streams))
	for i, sd := range base.Streams {
		sd.Handler = s.guardStreamHandler(base.ServiceName+"/"+sd.StreamName, sd.Handler)
		desc.Streams[i] = sd
	}
	return &desc
}

// guardMethod wraps a generated unary handler: the server's interceptor
// chain (if any) runs first, then guardUnary, then the method.
func (s *Server) guardMethod(h grpc.MethodHandler) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, chain grpc.UnaryServerInterceptor) (any, error) {
		if chain == nil {
			return h(srv, ctx, dec, s.guardUnary)
		}
		return h(srv, ctx, dec, func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			return chain(ctx, req, info, func(ctx context.Context, req any) (any, error) {
				return s.guardUnary(ctx, req, info, handler)
			})
		})
	}
}

// guardStreamHandler wraps a generated stream handler the same way; the
// server's stream interceptors already ran when it is called.
func (s *Server) guardStreamHandler(fullMethod string, h grpc.StreamHandler) grpc.StreamHandler {
	info := &grpc.StreamServerInfo{FullMethod: "/" + fullMethod}
	return func(srv any, ss grpc.ServerStream) error {
		return s.guardStream(srv, ss, info, h)
	}
}
