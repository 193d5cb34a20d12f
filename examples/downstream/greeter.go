package main

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/authsvc/authsvc/interceptor"
)

const helloMethod = "/example.v1.Greeter/Hello"

// greeterServer is the Greeter service's handler interface.
type greeterServer interface {
	Hello(ctx context.Context, name *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
}

// greeter greets the caller the interceptor authenticated.
type greeter struct{}

func (greeter) Hello(ctx context.Context, name *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	msg := fmt.Sprintf("hello %s, you are %s (session %s)", name.GetValue(), interceptor.UserID(ctx), interceptor.SessionID(ctx))
	if org := interceptor.OrgID(ctx); org != "" {
		msg += " in " + org
	}
	return wrapperspb.String(msg), nil
}

// greeterDesc is a hand-written service description, so the example needs
// no generated code: requests and replies are google.protobuf.StringValue.
var greeterDesc = grpc.ServiceDesc{
	ServiceName: "example.v1.Greeter",
	HandlerType: (*greeterServer)(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "Hello", Handler: helloHandler}},
	Metadata:    "examples/downstream/greeter.go",
}

func helloHandler(srv any, ctx context.Context, dec func(any) error, chain grpc.UnaryServerInterceptor) (any, error) {
	in := new(wrapperspb.StringValue)
	if err := dec(in); err != nil {
		return nil, err
	}
	call := func(ctx context.Context, req any) (any, error) {
		return srv.(greeterServer).Hello(ctx, req.(*wrapperspb.StringValue))
	}
	if chain == nil {
		return call(ctx, in)
	}
	return chain(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: helloMethod}, call)
}
