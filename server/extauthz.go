package server

import (
	"context"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	rpcstatus "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
)

// extAuthz is Envoy's external authorization service
// (envoy.service.auth.v3.Authorization) over the Server's decision.
type extAuthz struct {
	authv3.UnimplementedAuthorizationServer
	s *Server
}

// registerExtAuthz registers Check on r unless [EdgeConfig.DisableExtAuthz].
func (s *Server) registerExtAuthz(r grpc.ServiceRegistrar) {
	if !s.cfg.Edge.DisableExtAuthz {
		authv3.RegisterAuthorizationServer(r, extAuthz{s: s})
	}
}

// Check answers one of Envoy's CheckRequests with DESIGN.md's outcome
// table. The decision is always in the response, never an RPC error (which
// would put Envoy in its failure mode): a request without HTTP attributes
// or beyond the input bounds is CheckResponse.status INVALID_ARGUMENT with
// an HTTP 400. An RPC error comes only from the transport or the
// interceptors (a cancelled call, a recovered panic).
func (e extAuthz) Check(ctx context.Context, req *authv3.CheckRequest) (*authv3.CheckResponse, error) {
	var a edgeAnswer
	if er, err := checkEdgeRequest(req); err != nil {
		a = invalidAnswer(err)
	} else {
		a = e.s.edgeDecide(ctx, er)
	}
	e.s.recordEdge(edgeKindExtAuthz, a.decision)
	return a.checkResponse(), nil
}

// checkEdgeRequest gathers the facts of a CheckRequest: its headers (the
// header_map form when Envoy sends raw headers, else the headers map), the
// host attribute when no Host or :authority header says it, the scheme
// attribute when no X-Forwarded-Proto does, and the path attribute (else
// :path).
func checkEdgeRequest(req *authv3.CheckRequest) (edgeRequest, error) {
	hr := req.GetAttributes().GetRequest().GetHttp()
	if hr == nil {
		return edgeRequest{}, errNoHTTP
	}
	var h requestHeaders
	if hm := hr.GetHeaderMap(); hm != nil {
		for _, hv := range hm.GetHeaders() {
			v := hv.GetValue()
			if raw := hv.GetRawValue(); len(raw) > 0 {
				v = string(raw)
			}
			h.add(strings.ToLower(hv.GetKey()), v)
		}
	} else {
		for name, v := range hr.GetHeaders() {
			h.add(strings.ToLower(name), v)
		}
	}
	if h.host == "" && h.authority == "" {
		h.host = hr.GetHost()
	}
	if h.forwardedProto == "" {
		h.forwardedProto = hr.GetScheme()
	}
	path := hr.GetPath()
	if path == "" {
		path = h.pseudoPath
	}
	return newEdgeRequest(&h, path)
}

// checkResponse encodes a as Envoy expects it: OK with ok_response (the
// identity headers set with OVERWRITE_IF_EXISTS_OR_ADD, spoofed x-clerk-*
// headers in headers_to_remove), anything else with denied_response.
func (a *edgeAnswer) checkResponse() *authv3.CheckResponse {
	resp := &authv3.CheckResponse{Status: &rpcstatus.Status{Code: int32(a.code)}}
	if a.httpStatus == 200 {
		ok := &authv3.OkHttpResponse{HeadersToRemove: a.remove}
		if len(a.headers) > 0 {
			ok.Headers = make([]*corev3.HeaderValueOption, len(a.headers))
			for i, h := range a.headers {
				ok.Headers[i] = &corev3.HeaderValueOption{
					Header:       &corev3.HeaderValue{Key: h.name, Value: h.value},
					AppendAction: corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD,
				}
			}
		}
		resp.HttpResponse = &authv3.CheckResponse_OkResponse{OkResponse: ok}
		return resp
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
	resp.HttpResponse = &authv3.CheckResponse_DeniedResponse{DeniedResponse: denied}
	return resp
}

// deniedHeader is a response header of a denied answer, replacing any value
// Envoy would otherwise send.
func deniedHeader(name, value string) *corev3.HeaderValueOption {
	return &corev3.HeaderValueOption{
		Header:       &corev3.HeaderValue{Key: name, Value: value},
		AppendAction: corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD,
	}
}
