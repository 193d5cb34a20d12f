package server

import (
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/authsvc/authsvc/backendapi"
)

// The resource proxy RPCs share one shape: check the required path ids,
// call the backend, convert its answer to the response message, and map
// errors with backendStatus. Conversion relies on the messages' field names
// being Clerk's JSON names: a backendapi value is marshalled to JSON and
// read into the message with protojson, and a request message is written
// with protojson and read into the backendapi params struct.

// message is a pointer to a generated message type T.
type message[T any] interface {
	*T
	proto.Message
}

// fromJSON reads Clerk's JSON into messages, ignoring fields the proto does
// not (yet) carry.
var fromJSON = protojson.UnmarshalOptions{DiscardUnknown: true}

// toJSON writes request messages with their proto (= Clerk) field names;
// unset optional fields are left out, so they are not sent.
var toJSON = protojson.MarshalOptions{UseProtoNames: true}

// backend returns the configured Backend API client, or the
// FAILED_PRECONDITION status when there is none.
func (s *Server) backend() (*backendapi.Client, error) {
	if s.cfg.Backend == nil {
		return nil, errBackendNotConfigured
	}
	return s.cfg.Backend, nil
}

// proxy calls the backend and converts the result into a new *T. When key
// is empty the result is the whole response (a list's data and
// total_count); otherwise it becomes the response field named key.
func proxy[T any, PT message[T], R any](s *Server, key string, call func(*backendapi.Client) (R, error)) (PT, error) {
	b, err := s.backend()
	if err != nil {
		return nil, err
	}
	res, err := call(b)
	if err != nil {
		return nil, backendStatus(err)
	}
	var src any = res
	if key != "" {
		src = map[string]any{key: res}
	}
	return convert[T, PT](src)
}

// convert marshals src to JSON and reads it into a new *T. A failure is a
// bug or an unexpected answer, reported as Internal without detail.
func convert[T any, PT message[T]](src any) (PT, error) {
	out := PT(new(T))
	raw, err := json.Marshal(src)
	if err == nil {
		err = fromJSON.Unmarshal(raw, out)
	}
	if err != nil {
		return nil, internalError("cannot convert the backend api answer")
	}
	return out, nil
}

// params fills dst, a backendapi params struct, from the set fields of req.
// Fields of req that dst does not have (path ids) are ignored; int64
// fields (JSON strings in protojson) must be copied by hand.
func params(req proto.Message, dst any) error {
	raw, err := toJSON.Marshal(req)
	if err != nil {
		// What the caller sent has no JSON form: a NaN or infinite number,
		// or a Value with no kind, in a metadata Struct.
		return invalidArgument(unencodableField(req), "holds a value JSON cannot carry (NaN, an infinity, or a Value with no kind set)")
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return internalError(fmt.Sprintf("cannot build the %T body", dst))
	}
	return nil
}

// unencodableField names the first set message field of req that protojson
// cannot encode, or "request" when none alone is to blame.
func unencodableField(req proto.Message) string {
	name := "request"
	req.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil || fd.IsList() || fd.IsMap() {
			return true
		}
		if _, err := toJSON.Marshal(v.Message().Interface()); err != nil {
			name = string(fd.Name())
			return false
		}
		return true
	})
	return name
}

// requireIDs checks that each named path id is non-empty, as name, value
// pairs, and answers INVALID_ARGUMENT for the first empty one. No upstream
// call is made for a request that fails it.
func requireIDs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return invalidArgument(pairs[i], "is required")
		}
	}
	return nil
}

// listOptions builds backendapi paging options from a request's optional
// limit and offset; unset stays unset.
func listOptions(limit, offset *int64) *backendapi.ListOptions {
	return &backendapi.ListOptions{Limit: limit, Offset: offset}
}
