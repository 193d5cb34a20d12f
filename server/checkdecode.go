package server

import (
	"errors"
	"unicode/utf8"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Envoy's CheckRequest, decoded along the path Check reads without
// protobuf-go's reflection. protobuf-go decodes the headers map entry by
// entry through reflect (a map assignment, a conversion and an allocation
// per key and per value): 10 µs of a Check's 55 in a profile of the load
// test, the largest share after the transport. Here the request is copied
// into one string once; the attributes → request → http path is walked by
// hand, its string fields and headers map are slices of that string, and
// every other field, at every level, is handed to protobuf-go to merge in
// (proto's wire format allows a message to be decoded field by field). So
// the message is what proto.Unmarshal makes of the same bytes, unknown
// fields included, and a malformed request is refused as it would be:
// FuzzCheckRequestDecode compares the two on every input.

var errCheckDecode = errors.New("server: malformed CheckRequest")

// The field numbers walked, from the generated descriptors.
var (
	checkAttributesNum = fieldNum(&authv3.CheckRequest{}, "attributes")
	attrRequestNum     = fieldNum(&authv3.AttributeContext{}, "request")
	requestHTTPNum     = fieldNum(&authv3.AttributeContext_Request{}, "http")
	httpHeadersNum     = fieldNum(&authv3.AttributeContext_HttpRequest{}, "headers")
	// httpStrings are HttpRequest's string fields, by number.
	httpStrings = map[protowire.Number]func(*authv3.AttributeContext_HttpRequest) *string{
		httpNum("id"):       func(h *authv3.AttributeContext_HttpRequest) *string { return &h.Id },
		httpNum("method"):   func(h *authv3.AttributeContext_HttpRequest) *string { return &h.Method },
		httpNum("path"):     func(h *authv3.AttributeContext_HttpRequest) *string { return &h.Path },
		httpNum("host"):     func(h *authv3.AttributeContext_HttpRequest) *string { return &h.Host },
		httpNum("scheme"):   func(h *authv3.AttributeContext_HttpRequest) *string { return &h.Scheme },
		httpNum("query"):    func(h *authv3.AttributeContext_HttpRequest) *string { return &h.Query },
		httpNum("fragment"): func(h *authv3.AttributeContext_HttpRequest) *string { return &h.Fragment },
		httpNum("protocol"): func(h *authv3.AttributeContext_HttpRequest) *string { return &h.Protocol },
		httpNum("body"):     func(h *authv3.AttributeContext_HttpRequest) *string { return &h.Body },
	}
)

func httpNum(name protoreflect.Name) protowire.Number {
	return fieldNum(&authv3.AttributeContext_HttpRequest{}, name)
}

// unmarshalCheckRequest replaces req with the CheckRequest in data.
func unmarshalCheckRequest(data mem.BufferSlice, req *authv3.CheckRequest) error {
	var b []byte
	if len(data) == 1 {
		b = data[0].ReadOnlyData()
	} else {
		b = data.Materialize()
	}
	proto.Reset(req)
	d := checkDecoder{b: b, s: string(b)}
	return d.checkRequest(0, len(b), req)
}

// checkDecoder holds the request as bytes (read, never kept) and as the
// one string the decoded strings are slices of.
type checkDecoder struct {
	b []byte
	s string
}

// field is one field of the message in d.b[from:to]: its number, wire type,
// the span of the whole field, and for a length-delimited one the span of
// its value.
type field struct {
	num                  protowire.Number
	typ                  protowire.Type
	start, end, vs, vend int
}

// fields calls fn for each field of d.b[from:to] in order; fn's error, or a
// malformed field, ends the walk.
func (d *checkDecoder) fields(from, to int, fn func(f field) error) error {
	for i := from; i < to; {
		num, typ, n := protowire.ConsumeTag(d.b[i:to])
		if n < 0 || num > protowire.MaxValidNumber {
			return errCheckDecode
		}
		f := field{num: num, typ: typ, start: i}
		if typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(d.b[i+n : to])
			if m < 0 {
				return errCheckDecode
			}
			f.vs = i + n + (m - len(v))
			f.vend, f.end = f.vs+len(v), i+n+m
		} else {
			m := protowire.ConsumeFieldValue(num, typ, d.b[i+n:to])
			if m < 0 {
				return errCheckDecode
			}
			f.end = i + n + m
		}
		if err := fn(f); err != nil {
			return err
		}
		i = f.end
	}
	return nil
}

// merge hands one field to protobuf-go, to decode into m as it would have
// at level (the number of messages around m, for the recursion limit).
func (d *checkDecoder) merge(f field, m proto.Message, level int) error {
	return proto.UnmarshalOptions{Merge: true, RecursionLimit: protowire.DefaultRecursionLimit - level}.Unmarshal(d.b[f.start:f.end], m)
}

// within walks the message m, at level, in d.b[from:to]: field num, when
// length-delimited, goes to into with its value's span, and every other
// field to protobuf-go (merge).
func (d *checkDecoder) within(from, to, level int, m proto.Message, num protowire.Number, into func(vs, vend int) error) error {
	return d.fields(from, to, func(f field) error {
		if f.num != num || f.typ != protowire.BytesType {
			return d.merge(f, m, level)
		}
		return into(f.vs, f.vend)
	})
}

func (d *checkDecoder) checkRequest(from, to int, req *authv3.CheckRequest) error {
	return d.within(from, to, 0, req, checkAttributesNum, func(vs, vend int) error {
		if req.Attributes == nil {
			req.Attributes = &authv3.AttributeContext{}
		}
		return d.attributes(vs, vend, req.Attributes)
	})
}

func (d *checkDecoder) attributes(from, to int, a *authv3.AttributeContext) error {
	return d.within(from, to, 1, a, attrRequestNum, func(vs, vend int) error {
		if a.Request == nil {
			a.Request = &authv3.AttributeContext_Request{}
		}
		return d.request(vs, vend, a.Request)
	})
}

func (d *checkDecoder) request(from, to int, r *authv3.AttributeContext_Request) error {
	return d.within(from, to, 2, r, requestHTTPNum, func(vs, vend int) error {
		if r.Http == nil {
			r.Http = &authv3.AttributeContext_HttpRequest{}
		}
		return d.http(vs, vend, r.Http)
	})
}

func (d *checkDecoder) http(from, to int, h *authv3.AttributeContext_HttpRequest) error {
	return d.fields(from, to, func(f field) error {
		if f.typ != protowire.BytesType {
			return d.merge(f, h, 3)
		}
		if f.num == httpHeadersNum {
			return d.header(f.vs, f.vend, h)
		}
		if at := httpStrings[f.num]; at != nil {
			v, err := d.str(f.vs, f.vend)
			if err != nil {
				return err
			}
			*at(h) = v
			return nil
		}
		return d.merge(f, h, 3)
	})
}

// header decodes one entry of the headers map as protobuf-go does: the
// last key and value win, a missing one is "", other fields (and a key or
// value of another wire type) are skipped. It is the hot loop, so it walks
// the entry itself rather than through fields.
func (d *checkDecoder) header(from, to int, h *authv3.AttributeContext_HttpRequest) error {
	var k, v string
	for i := from; i < to; {
		num, typ, n := protowire.ConsumeTag(d.b[i:to])
		if n < 0 || num > protowire.MaxValidNumber {
			return errCheckDecode
		}
		i += n
		if typ != protowire.BytesType || num > 2 {
			m := protowire.ConsumeFieldValue(num, typ, d.b[i:to])
			if m < 0 {
				return errCheckDecode
			}
			i += m
			continue
		}
		l, m := protowire.ConsumeVarint(d.b[i:to])
		if m < 0 || l > uint64(to-i-m) {
			return errCheckDecode
		}
		s, err := d.str(i+m, i+m+int(l))
		if err != nil {
			return err
		}
		if num == 1 {
			k = s
		} else {
			v = s
		}
		i += m + int(l)
	}
	if h.Headers == nil {
		h.Headers = make(map[string]string, 8)
	}
	h.Headers[k] = v
	return nil
}

// str is the string at d.s[from:to], which proto3 requires to be UTF-8.
func (d *checkDecoder) str(from, to int) (string, error) {
	s := d.s[from:to]
	if !utf8.ValidString(s) {
		return "", errCheckDecode
	}
	return s, nil
}
