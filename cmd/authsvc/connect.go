package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strings"

	"connectrpc.com/connect"
	"connectrpc.com/vanguard"
	"connectrpc.com/vanguard/vanguardgrpc"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/server"
)

// connectPattern is where the HTTP listener serves the AuthService: every
// method at /authsvc.v1.AuthService/<Method>, and nothing else of the gRPC
// server (health, reflection and Envoy's Check stay on the gRPC port).
var connectPattern = "/" + authsvcv1.AuthService_ServiceDesc.ServiceName + "/"

// envelopeBytes is the 5-byte frame header of gRPC-Web and of Connect's
// streaming protocol, allowed on top of the message limit.
const envelopeBytes = 5

// connectHandler serves the AuthService on the HTTP listener in the
// Connect protocol (JSON or binary protobuf, unary GET or POST) and
// gRPC-Web, by transcoding each call with vanguardgrpc into a gRPC call on
// gs itself. Every call therefore runs gs's whole chain (recovery,
// metrics, logging, the caller policy with its authsvc-reason trailer,
// verification telemetry) and its stats handlers (tracing), exactly as a
// call on the gRPC port does; an error comes back as a Connect error whose
// details carry the status details (google.rpc.ErrorInfo), with the HTTP
// status Connect maps the code to.
//
// Limits: a request body is read through [http.MaxBytesReader] bounded at
// maxRecvBytes (AUTHSVC_MAX_RECV_BYTES, default [server.DefaultMaxRecvBytes])
// plus one frame header, and vanguard buffers no message (request or
// response, compressed or not) larger than maxRecvBytes, so a gzip bomb is
// refused too; gs's own MaxRecvMsgSize then applies to the transcoded
// message. The request is read whole before it is transcoded (see
// bufferBody), and the HTTP server's timeouts and stream limit bound how
// long and how many (newHTTPServer).
//
// gs must be fully registered: the services it serves are read once, here.
func connectHandler(gs *grpc.Server, maxRecvBytes int) (http.Handler, error) {
	if maxRecvBytes <= 0 {
		maxRecvBytes = server.DefaultMaxRecvBytes
	}
	maxRecvBytes = min(maxRecvBytes, math.MaxUint32-envelopeBytes)
	// The server forces its own proto codec (server/claimsmemo.go), so it
	// must only ever see proto: vanguardgrpc would pass JSON through
	// unchanged if any package registered a gRPC "json" codec, and the
	// later option here wins over vanguardgrpc's default.
	tc, err := vanguardgrpc.NewTranscoder(gs, vanguard.WithDefaultServiceOptions(
		vanguard.WithTargetCodecs(vanguard.CodecProto),
		vanguard.WithTargetProtocols(vanguard.ProtocolGRPC),
		vanguard.WithMaxMessageBufferBytes(uint32(maxRecvBytes)),
	), vanguard.WithCodec(protoNamesJSON))
	if err != nil {
		return nil, fmt.Errorf("connect handler: %w", err)
	}
	limit := int64(maxRecvBytes) + envelopeBytes
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if r.ContentLength <= limit && !bufferBody(w, r) {
			return
		}
		assumeConnect(r)
		tc.ServeHTTP(w, r)
	}), nil
}

// bufferBody reads r's body in before vanguard sees it, so that the memory
// a request holds follows the bytes that actually came. vanguard sizes its
// buffer from what the client announces (Content-Length, or the length in
// a gRPC-Web or Connect envelope) before reading any of it: a client that
// announced 1 MiB, sent one byte and stalled held 1 MiB, and a few hundred
// such requests, a few hundred bytes each, took a replica's memory. Read
// here, a stalled body costs what it has sent until the server's
// ReadTimeout cuts it off (newHTTPServer).
//
// vanguard then gets the bytes with their true length. A body over the
// bound (the caller's http.MaxBytesReader) goes to vanguard as the bytes
// read and then the same error, which it answers resource_exhausted as it
// did when it read the body itself. A body that did not arrive (cut off
// at the timeout, or the client went away) is answered here, 408 or 400,
// and its connection closed: what is left of it on the wire must not be
// read as the next request. The caller does not call this for a
// Content-Length over the bound, which vanguard refuses unread.
func bufferBody(w http.ResponseWriter, r *http.Request) bool {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		r.ContentLength = int64(buf.Len())
		r.Body = readCloser{&buf, r.Body}
		return true
	case errors.As(err, &tooBig):
		r.ContentLength = -1
		r.Body = readCloser{io.MultiReader(&buf, errorReader{err}), r.Body}
		return true
	}
	w.Header().Set("Connection", "close")
	if errors.Is(err, os.ErrDeadlineExceeded) {
		http.Error(w, "the request body did not arrive in time", http.StatusRequestTimeout)
	} else {
		http.Error(w, "the request body did not arrive in full", http.StatusBadRequest)
	}
	return false
}

// errorReader fails every read with err.
type errorReader struct{ err error }

func (e errorReader) Read([]byte) (int, error) { return 0, e.err }

// readCloser reads from one reader and closes the original body.
type readCloser struct {
	io.Reader
	io.Closer
}

// protoNamesJSON is the JSON codec of the HTTP surface: field names as the
// proto spells them (session_id, user_id), which are Clerk's JSON names
// (DESIGN: the contract), instead of protojson's default lowerCamel.
// Requests may use either form, as protojson always accepts both.
func protoNamesJSON(res vanguard.TypeResolver) vanguard.Codec {
	c := vanguard.NewJSONCodec(res)
	c.MarshalOptions.UseProtoNames = true
	return requestJSON{c}
}

// requestJSON is the JSON codec with one change: a request body that does
// not decode is the caller's INVALID_ARGUMENT, with a message that names
// the message type and nothing of the body. vanguard passed protojson's
// error on as UNKNOWN (HTTP 500), and that error quotes the offending
// value: {"token":"x","accept_pending":"<token>"} came back with the token
// in the message, to be logged by whoever reads errors.
type requestJSON struct{ *vanguard.JSONCodec }

func (c requestJSON) Unmarshal(data []byte, msg proto.Message) error {
	if err := c.JSONCodec.Unmarshal(data, msg); err != nil {
		return connect.NewError(connect.CodeInvalidArgument,
			fmt.Errorf("the request body is not a JSON %s", msg.ProtoReflect().Descriptor().FullName()))
	}
	return nil
}

// assumeConnect marks a unary POST that names no protocol as Connect, as
// connect-go's handlers accept it: vanguard would otherwise take
// `curl -H 'Content-Type: application/json' -d …` for REST, which the
// AuthService has no routes for. gRPC, gRPC-Web and Connect streaming
// requests name their protocol in the content type and are left alone.
func assumeConnect(r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Connect-Protocol-Version") != "" {
		return
	}
	switch ct := r.Header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/grpc"), strings.HasPrefix(ct, "application/connect+"):
	case strings.HasPrefix(ct, "application/json"), strings.HasPrefix(ct, "application/proto"):
		r.Header.Set("Connect-Protocol-Version", "1")
	}
}

// httpProtocols is what the HTTP listener speaks: HTTP/1.1 and HTTP/2
// without TLS (h2c with prior knowledge), so Connect and gRPC-Web clients
// can use either.
func httpProtocols() *http.Protocols {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return p
}
