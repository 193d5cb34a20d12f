package server

import (
	"errors"
	"maps"
	"unicode/utf8"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Envoy's CheckRequest, decoded from the wire straight into what Check
// reads (a checkInput), without the CheckRequest message: protobuf-go
// builds the headers map through reflection (a map assignment and a
// conversion per entry) and Check then walked that map again, which made
// the decoding of a browser's request cost more than the decision on it.
// Here the request is copied into one string once; the attributes →
// request → http path is walked by hand, the headers map's entries and the
// string fields Check reads are slices of that string, and every other
// field, at every level, is still handed to protobuf-go, into a scratch
// message that is then dropped (proto's wire format allows a message to be
// decoded field by field). So a request is refused exactly when
// proto.Unmarshal refuses it, and what Check reads is what it would read
// from proto.Unmarshal's message: FuzzCheckRequestDecode compares the two on
// every input.

var errCheckDecode = errors.New("server: malformed CheckRequest")

// checkInput is a CheckRequest as Check reads it: the HTTP attributes'
// host, scheme and path, and the request headers in whichever form Envoy
// sent them.
type checkInput struct {
	// hasHTTP says the request had attributes.request.http at all.
	hasHTTP            bool
	host, scheme, path string
	// entries are the headers map's entries as sent, repeated names
	// included (a map keeps the last).
	entries []headerEntry
	// headerMap is the header_map form, which Envoy sends instead of
	// headers with encode_raw_headers; when set, entries are not read.
	headerMap *corev3.HeaderMap
	// headers, from a CheckRequest already decoded, is read instead of
	// entries.
	headers map[string]string
	small   [16]headerEntry // entries' first backing array
}

type headerEntry struct{ name, value string }

// checkInputOf is the checkInput of a CheckRequest already decoded (Check
// called in-process).
func checkInputOf(req *authv3.CheckRequest, in *checkInput) {
	hr := req.GetAttributes().GetRequest().GetHttp()
	if hr == nil {
		return
	}
	in.hasHTTP, in.host, in.scheme, in.path = true, hr.GetHost(), hr.GetScheme(), hr.GetPath()
	in.headerMap, in.headers = hr.GetHeaderMap(), hr.GetHeaders()
}

// The field numbers walked, from the generated descriptors.
var (
	checkAttributesNum = fieldNum(&authv3.CheckRequest{}, "attributes")
	attrRequestNum     = fieldNum(&authv3.AttributeContext{}, "request")
	requestHTTPNum     = fieldNum(&authv3.AttributeContext_Request{}, "http")
	httpHeadersNum     = httpNum("headers")
	httpHostNum        = httpNum("host")
	httpSchemeNum      = httpNum("scheme")
	httpPathNum        = httpNum("path")
	// httpStringsMask has bit n set for each string field n of HttpRequest
	// (all below 64), which proto3 requires to be UTF-8.
	httpStringsMask = func() (m uint64) {
		fs := (&authv3.AttributeContext_HttpRequest{}).ProtoReflect().Descriptor().Fields()
		for i := range fs.Len() {
			if f := fs.Get(i); f.Kind() == protoreflect.StringKind && f.Cardinality() != protoreflect.Repeated {
				m |= 1 << f.Number()
			}
		}
		return m
	}()
)

func httpNum(name protoreflect.Name) protowire.Number {
	return fieldNum(&authv3.AttributeContext_HttpRequest{}, name)
}

// Levels of the walk: the message at each and the field leading on.
const (
	levelCheck = iota
	levelAttributes
	levelRequest
	levelHTTP
)

var walkedField = [levelHTTP]protowire.Number{checkAttributesNum, attrRequestNum, requestHTTPNum}

// newScratch is the message type at each level, for the fields handed to
// protobuf-go.
var newScratch = [levelHTTP + 1]func() proto.Message{
	func() proto.Message { return &authv3.CheckRequest{} },
	func() proto.Message { return &authv3.AttributeContext{} },
	func() proto.Message { return &authv3.AttributeContext_Request{} },
	func() proto.Message { return &authv3.AttributeContext_HttpRequest{} },
}

// decodeCheckInput replaces in with the CheckRequest in data.
func decodeCheckInput(data mem.BufferSlice, in *checkInput) error {
	var b []byte
	if len(data) == 1 {
		b = data[0].ReadOnlyData()
	} else {
		b = data.Materialize()
	}
	*in = checkInput{}
	in.entries = in.small[:0]
	d := checkDecoder{b: b, s: string(b), in: in}
	if err := d.walk(0, len(b), levelCheck); err != nil {
		return err
	}
	if http, ok := d.scratch[levelHTTP].(*authv3.AttributeContext_HttpRequest); ok {
		in.headerMap = http.GetHeaderMap()
	}
	return nil
}

// checkDecoder holds the request as bytes (read, never kept) and as the
// one string the decoded strings are slices of, and at each level the
// scratch message the fields it does not read go to, made on first use
// and shared by every occurrence of that level (as proto merges them).
type checkDecoder struct {
	b       []byte
	s       string
	in      *checkInput
	scratch [levelHTTP + 1]proto.Message
}

// field is one field of a message: its number, wire type, the span of the
// whole field, and for a length-delimited one the span of its value.
type field struct {
	num                  protowire.Number
	typ                  protowire.Type
	start, end, vs, vend int
}

// next reads the field at d.b[i:to].
func (d *checkDecoder) next(i, to int) (field, error) {
	num, typ, n := protowire.ConsumeTag(d.b[i:to])
	if n < 0 || num > protowire.MaxValidNumber {
		return field{}, errCheckDecode
	}
	f := field{num: num, typ: typ, start: i}
	if typ == protowire.BytesType {
		v, m := protowire.ConsumeBytes(d.b[i+n : to])
		if m < 0 {
			return field{}, errCheckDecode
		}
		f.vs = i + n + (m - len(v))
		f.vend, f.end = f.vs+len(v), i+n+m
		return f, nil
	}
	m := protowire.ConsumeFieldValue(num, typ, d.b[i+n:to])
	if m < 0 {
		return field{}, errCheckDecode
	}
	f.end = i + n + m
	return f, nil
}

// walk reads the message at level in d.b[from:to].
func (d *checkDecoder) walk(from, to, level int) error {
	for i := from; i < to; {
		f, err := d.next(i, to)
		if err != nil {
			return err
		}
		i = f.end
		switch {
		case f.typ != protowire.BytesType:
		case level < levelHTTP && f.num == walkedField[level]:
			if level == levelRequest {
				d.in.hasHTTP = true
			}
			if err := d.walk(f.vs, f.vend, level+1); err != nil {
				return err
			}
			continue
		case level == levelHTTP && f.num == httpHeadersNum:
			if err := d.entry(f.vs, f.vend); err != nil {
				return err
			}
			continue
		case level == levelHTTP && f.num < 64 && httpStringsMask&(1<<f.num) != 0:
			v, err := d.str(f.vs, f.vend)
			if err != nil {
				return err
			}
			switch f.num {
			case httpHostNum:
				d.in.host = v
			case httpSchemeNum:
				d.in.scheme = v
			case httpPathNum:
				d.in.path = v
			}
			continue
		}
		if err := d.merge(f, level); err != nil {
			return err
		}
	}
	return nil
}

// merge hands one field to protobuf-go, to decode into the level's scratch
// message as it would have at that level (the number of messages around
// it, for the recursion limit).
func (d *checkDecoder) merge(f field, level int) error {
	if d.scratch[level] == nil {
		d.scratch[level] = newScratch[level]()
	}
	return proto.UnmarshalOptions{Merge: true, RecursionLimit: protowire.DefaultRecursionLimit - level}.Unmarshal(d.b[f.start:f.end], d.scratch[level])
}

// entry decodes one entry of the headers map as protobuf-go does: the last
// key and value win, a missing one is "", other fields (and a key or value
// of another wire type) are skipped. It is the hot loop, so it walks the
// entry itself rather than through next.
func (d *checkDecoder) entry(from, to int) error {
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
	d.in.entries = append(d.in.entries, headerEntry{k, v})
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

// edgeRequest gathers the facts of in: its headers (the header_map form
// when Envoy sends raw headers, else the headers map), the host attribute
// when no Host or :authority header says it, the scheme attribute when no
// X-Forwarded-Proto does, and the path attribute (else :path).
func (in *checkInput) edgeRequest() (edgeRequest, error) {
	if !in.hasHTTP {
		return edgeRequest{}, errNoHTTP
	}
	var h requestHeaders
	if hm := in.headerMap; hm != nil {
		for _, hv := range hm.GetHeaders() {
			v := hv.GetValue()
			if raw := hv.GetRawValue(); len(raw) > 0 {
				v = string(raw)
			}
			h.add(lowerName(hv.GetKey()), v)
		}
	} else if err := in.mapHeaders(&h); err != nil {
		return edgeRequest{}, err
	}
	if h.host == "" && h.authority == "" {
		h.host = in.host
	}
	if h.forwardedProto == "" {
		h.forwardedProto = in.scheme
	}
	path := in.path
	if path == "" {
		path = h.pseudoPath
	}
	return newEdgeRequest(&h, path)
}

// smallEntries is how many map entries are compared pairwise for repeated
// names; past it a map of the names does it, so that a crafted request
// with many entries costs linear time.
const smallEntries = 32

// mapHeaders adds the headers map's entries to h: of a name sent more than
// once, the last entry, as the map keeps it. Envoy sends names in lower
// case; only when one is not can two of them be the same header, which is
// refused as GetAuthState refuses it.
func (in *checkInput) mapHeaders(h *requestHeaders) error {
	if in.headers != nil {
		folded := false
		for name, v := range in.headers {
			lower := lowerName(name)
			folded = folded || lower != name
			h.add(lower, v)
		}
		if folded {
			return caseDuplicate(maps.Keys(in.headers))
		}
		return nil
	}
	es := in.entries
	var last map[string]int
	if len(es) > smallEntries {
		last = make(map[string]int, len(es))
		for i, e := range es {
			last[e.name] = i
		}
	}
	superseded := func(i int) bool {
		if last != nil {
			return last[es[i].name] != i
		}
		for _, later := range es[i+1:] {
			if later.name == es[i].name {
				return true
			}
		}
		return false
	}
	folded := false
	for i, e := range es {
		if superseded(i) {
			continue
		}
		lower := lowerName(e.name)
		folded = folded || lower != e.name
		h.add(lower, e.value)
	}
	if !folded {
		return nil
	}
	return caseDuplicate(func(yield func(string) bool) {
		for i, e := range es {
			if !superseded(i) && !yield(e.name) {
				return
			}
		}
	})
}
