package interceptor

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// UnaryClientInterceptor forwards the caller's session token: when ctx
// carries one (put there by the server interceptors or [NewContext]), it is
// sent as outgoing metadata "<key>: Bearer <token>" ([DefaultMetadataKey]
// unless [WithMetadataKey]). It leaves the call alone when ctx has no token
// or the outgoing metadata already has the key, so a handler can still set
// its own credential. A machine caller's token (an M2M token, an API key,
// an OAuth access token) is never forwarded: the server interceptors do
// not keep it, as it can outlive the call by months. Install it only on
// connections to services you trust with your users' tokens, never on the
// connection to authsvc itself. It reads no other option and is safe for
// concurrent use.
func UnaryClientInterceptor(opts ...Option) grpc.UnaryClientInterceptor {
	key := newConfig(opts).mdKey
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, callOpts ...grpc.CallOption) error {
		return invoker(forwardToken(ctx, key), method, req, reply, cc, callOpts...)
	}
}

// StreamClientInterceptor is [UnaryClientInterceptor] for streams: the
// token is sent once, with the stream's headers.
func StreamClientInterceptor(opts ...Option) grpc.StreamClientInterceptor {
	key := newConfig(opts).mdKey
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, callOpts ...grpc.CallOption) (grpc.ClientStream, error) {
		return streamer(forwardToken(ctx, key), desc, cc, method, callOpts...)
	}
}

// forwardToken adds the context's token to the outgoing metadata unless
// there is none or the key is already set.
func forwardToken(ctx context.Context, key string) context.Context {
	token := tokenFromContext(ctx)
	if token == "" {
		return ctx
	}
	if md, ok := metadata.FromOutgoingContext(ctx); ok && len(md.Get(key)) > 0 {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, key, "Bearer "+token)
}
