package server

import (
	"errors"
	"math"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/types/known/structpb"
)

// The wire encoding of google.protobuf.Struct, written straight from the Go
// values. protobuf-go encodes a Struct through reflection over its map of
// Values (a size pass, then the encoding pass, each entry converted to and
// from protoreflect values): on a verification the cache had not seen, that
// was 20 µs of a call's 150, more than anything but RSA. These functions
// walk the Struct with ordinary Go and produce an encoding that decodes to
// the same message (TestStructWire, and FuzzStructFromJSON on every Struct
// it decodes).
//
// They are for the Structs structFromJSON builds, which carry no unknown
// fields (the only thing they do not write). Nesting deeper than
// structWireMaxDepth, or a string that is not UTF-8 (which protobuf-go
// refuses to encode too), is an error; the caller then encodes with
// protobuf-go, so the fast path never decides what is sent, only how fast.

// structWireMaxDepth bounds the nesting the direct encoder takes on: each
// length it writes after the fact may move what it has written of that
// level, so deeper input could cost depth × size. Clerk's claims nest two or
// three levels.
const structWireMaxDepth = 32

var (
	errStructWireDepth = errors.New("struct nests too deeply for the direct encoder")
	errStructWireUTF8  = errors.New("struct holds a string that is not UTF-8")
	errStructWireKind  = errors.New("struct value of an unknown kind")
)

// Field numbers of struct.proto, which is frozen.
const (
	structFieldsNum = 1 // Struct.fields, map<string, Value>
	mapKeyNum       = 1
	mapValueNum     = 2
	valueNullNum    = 1
	valueNumberNum  = 2
	valueStringNum  = 3
	valueBoolNum    = 4
	valueStructNum  = 5
	valueListNum    = 6
	listValuesNum   = 1 // ListValue.values
)

// appendStructField appends st as field num of the enclosing message, as
// protobuf-go would for a set message field; a nil st appends nothing.
func appendStructField(b []byte, num protowire.Number, st *structpb.Struct) ([]byte, error) {
	if st == nil {
		return b, nil
	}
	b, at := openLen(protowire.AppendTag(b, num, protowire.BytesType))
	b, err := appendStruct(b, st, 1)
	if err != nil {
		return nil, err
	}
	return closeLen(b, at), nil
}

// openLen appends a one-byte placeholder for a length and returns where it
// is; closeLen writes the length of what followed it, moving that right
// when the length needs more than one byte.
func openLen(b []byte) ([]byte, int) { return append(b, 0), len(b) }

func closeLen(b []byte, at int) []byte {
	n := len(b) - at - 1
	if n < 0x80 {
		b[at] = byte(n)
		return b
	}
	k := protowire.SizeVarint(uint64(n))
	b = append(b, make([]byte, k-1)...)
	copy(b[at+k:], b[at+1:at+1+n])
	protowire.AppendVarint(b[at:at], uint64(n)) // writes b[at:at+k] in place
	return b
}

func appendStruct(b []byte, st *structpb.Struct, depth int) ([]byte, error) {
	if depth > structWireMaxDepth {
		return nil, errStructWireDepth
	}
	for k, v := range st.GetFields() {
		if !utf8.ValidString(k) {
			return nil, errStructWireUTF8
		}
		var entry, value int
		b, entry = openLen(protowire.AppendTag(b, structFieldsNum, protowire.BytesType))
		b = protowire.AppendTag(b, mapKeyNum, protowire.BytesType)
		b = protowire.AppendString(b, k)
		b, value = openLen(protowire.AppendTag(b, mapValueNum, protowire.BytesType))
		var err error
		if b, err = appendValue(b, v, depth+1); err != nil {
			return nil, err
		}
		b = closeLen(closeLen(b, value), entry)
	}
	return b, nil
}

func appendValue(b []byte, v *structpb.Value, depth int) ([]byte, error) {
	if depth > structWireMaxDepth {
		return nil, errStructWireDepth
	}
	var err error
	switch k := v.GetKind().(type) {
	case nil:
	case *structpb.Value_NullValue:
		b = protowire.AppendTag(b, valueNullNum, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(k.NullValue))
	case *structpb.Value_NumberValue:
		b = protowire.AppendTag(b, valueNumberNum, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, math.Float64bits(k.NumberValue))
	case *structpb.Value_StringValue:
		if !utf8.ValidString(k.StringValue) {
			return nil, errStructWireUTF8
		}
		b = protowire.AppendTag(b, valueStringNum, protowire.BytesType)
		b = protowire.AppendString(b, k.StringValue)
	case *structpb.Value_BoolValue:
		b = protowire.AppendTag(b, valueBoolNum, protowire.VarintType)
		b = protowire.AppendVarint(b, protowire.EncodeBool(k.BoolValue))
	case *structpb.Value_StructValue:
		var at int
		b, at = openLen(protowire.AppendTag(b, valueStructNum, protowire.BytesType))
		if k.StructValue != nil {
			if b, err = appendStruct(b, k.StructValue, depth+1); err != nil {
				return nil, err
			}
		}
		b = closeLen(b, at)
	case *structpb.Value_ListValue:
		var list int
		b, list = openLen(protowire.AppendTag(b, valueListNum, protowire.BytesType))
		for _, e := range k.ListValue.GetValues() {
			var at int
			b, at = openLen(protowire.AppendTag(b, listValuesNum, protowire.BytesType))
			if b, err = appendValue(b, e, depth+2); err != nil {
				return nil, err
			}
			b = closeLen(b, at)
		}
		b = closeLen(b, list)
	default:
		return nil, errStructWireKind
	}
	return b, nil
}
