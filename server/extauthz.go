package server

import (
	"context"
	"net/http"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	rpcstatus "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	"github.com/authsvc/authsvc/verifier"
)

// extAuthz is Envoy's external authorization service
// (envoy.service.auth.v3.Authorization) over the Server's decision.
type extAuthz struct {
	authv3.UnimplementedAuthorizationServer
	s *Server
}

func newExtAuthz(s *Server) extAuthz { return extAuthz{s: s} }

// registerExtAuthz registers Check on r unless [EdgeConfig.DisableExtAuthz].
// r must use the memoCodec, which alone decodes a checkInput:
// [NewGRPCServer] is its one caller.
func (s *Server) registerExtAuthz(r grpc.ServiceRegistrar) {
	if !s.cfg.Edge.DisableExtAuthz {
		r.RegisterService(&extAuthzDesc, newExtAuthz(s))
	}
}

// extAuthzDesc is go-control-plane's Authorization service with its Check
// handler replaced by checkHandler: same service, same method, same wire.
var extAuthzDesc = func() grpc.ServiceDesc {
	d := authv3.Authorization_ServiceDesc
	if len(d.Methods) != 1 || d.Methods[0].MethodName != "Check" || len(d.Streams) != 0 {
		panic("server: envoy.service.auth.v3.Authorization is no longer Check alone")
	}
	d.Methods = []grpc.MethodDesc{{MethodName: "Check", Handler: checkHandler}}
	return d
}()

// checkHandler is Check's method handler: it has the request decoded
// straight into a checkInput, where the generated handler would decode a
// CheckRequest, and the interceptors see that checkInput as the request.
func checkHandler(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
	in := new(checkInput)
	if err := dec(in); err != nil {
		return nil, err
	}
	e := srv.(extAuthz)
	if interceptor == nil {
		return e.check(ctx, in), nil
	}
	info := &grpc.UnaryServerInfo{Server: srv, FullMethod: authv3.Authorization_Check_FullMethodName}
	return interceptor(ctx, in, info, func(ctx context.Context, req any) (any, error) {
		return e.check(ctx, req.(*checkInput)), nil
	})
}

// Check answers one of Envoy's CheckRequests with DESIGN.md's outcome
// table. The decision is always in the response, never an RPC error (which
// would put Envoy in its failure mode): a request without HTTP attributes
// or beyond the input bounds is CheckResponse.status INVALID_ARGUMENT with
// an HTTP 400. An RPC error comes only from the transport or the
// interceptors (a cancelled call, a recovered panic). Served, Check is
// reached through checkHandler; this method is the same answer for a
// CheckRequest decoded already.
func (e extAuthz) Check(ctx context.Context, req *authv3.CheckRequest) (*authv3.CheckResponse, error) {
	var in checkInput
	checkInputOf(req, &in)
	return e.check(ctx, &in), nil
}

func (e extAuthz) check(ctx context.Context, in *checkInput) *authv3.CheckResponse {
	var a edgeAnswer
	if er, err := in.edgeRequest(); err != nil {
		a = invalidAnswer(err)
	} else {
		a = e.s.edgeDecide(ctx, er)
	}
	e.s.recordEdge(edgeKindExtAuthz, a.decision)
	return e.checkResponse(&a)
}

// checkResponse encodes a as Envoy expects it: OK with ok_response (the
// identity headers set with OVERWRITE_IF_EXISTS_OR_ADD, spoofed x-clerk-*
// headers in headers_to_remove), anything else with denied_response.
func (e extAuthz) checkResponse(a *edgeAnswer) *authv3.CheckResponse {
	if a.httpStatus == http.StatusOK {
		return e.okResponse(a)
	}
	denied := &authv3.DeniedHttpResponse{
		Status: &typev3.HttpStatus{Code: typev3.StatusCode(a.httpStatus)},
		Body:   a.body,
	}
	for _, h := range a.headers {
		denied.Headers = append(denied.Headers, deniedHeader(h.name, h.value))
	}
	if a.contentType != "" {
		denied.Headers = append(denied.Headers, deniedHeader(headerContentType, a.contentType))
	}
	return &authv3.CheckResponse{
		Status:       &rpcstatus.Status{Code: int32(a.code)},
		HttpResponse: &authv3.CheckResponse_DeniedResponse{DeniedResponse: denied},
	}
}

// okMessages are the messages of an OK CheckResponse, allocated together.
type okMessages struct {
	resp   authv3.CheckResponse
	status rpcstatus.Status
	oneof  authv3.CheckResponse_OkResponse
	ok     authv3.OkHttpResponse
}

func newOKResponse(headers []*corev3.HeaderValueOption, remove []string) *authv3.CheckResponse {
	m := &okMessages{}
	m.ok.Headers, m.ok.HeadersToRemove = headers, remove
	m.oneof.OkResponse = &m.ok
	m.status.Code = int32(codes.OK)
	m.resp.Status, m.resp.HttpResponse = &m.status, &m.oneof
	return &m.resp
}

// okResponse encodes an OK answer; see claimsMemo.checkAnswer.
func (e extAuthz) okResponse(a *edgeAnswer) *authv3.CheckResponse {
	if a.claims == nil {
		return newOKResponse(nil, a.remove)
	}
	return e.s.claims.checkAnswer(a.claims, a.remove)
}

// checkHeaderOptions are the Envoy header options of c's identity headers.
func checkHeaderOptions(c *verifier.Claims) []*corev3.HeaderValueOption {
	hs, n := identityHeaders(c)
	opts := make([]*corev3.HeaderValueOption, n)
	for i, h := range hs[:n] {
		opts[i] = &corev3.HeaderValueOption{
			Header:       &corev3.HeaderValue{Key: h.name, Value: h.value},
			AppendAction: corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD,
		}
	}
	return opts
}

// deniedHeader is a response header of a denied answer, replacing any value
// Envoy would otherwise send.
func deniedHeader(name, value string) *corev3.HeaderValueOption {
	return &corev3.HeaderValueOption{
		Header:       &corev3.HeaderValue{Key: name, Value: value},
		AppendAction: corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD,
	}
}
