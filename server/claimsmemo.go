package server

import (
	"sync"
	"sync/atomic"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// claimsMemoSize bounds the memo: about 4 KB of protobuf per entry (and as
// much again for the encoded responses).
const claimsMemoSize = 4096

// claimsMemo remembers, for claims the verifier returned, their protobuf
// form and the three responses built from them alone (VerifySessionToken's,
// GetAuthState's when signed in, and Envoy Check's OK answer), keyed by the
// *verifier.Claims pointer: one memo for every surface that answers from
// the same verified token.
// The verifier's decision cache hands out the same read-only pointer for
// every hit on a token, so the conversion runs once per cached token instead
// of once per call. The [memoCodec] then encodes each such response once and
// sends the same bytes afterwards: the encoding (proto.Size then Marshal of
// the raw claims' Struct) was a fifth of a warm VerifySessionToken's CPU.
//
// Everything it returns is shared between calls and must not be modified.
// When full it starts over, which keeps it bounded without bookkeeping on
// the hot path.
type claimsMemo struct {
	// off skips remembering: with the verifier's cache off every call has
	// new claims, so entries would never be hit and only cost memory and GC.
	// The responses of each call are still encoded directly (see wire).
	off bool
	mu  sync.Mutex
	m   map[*verifier.Claims]*memoEntry
	// wire maps the responses made by entries to their encodings. With the
	// memo off it holds a call's responses only until the codec takes them.
	wire map[proto.Message]*wireSlot
}

// wireSlot is one response's encoding, made on first use by encode.
type wireSlot struct {
	b      atomic.Pointer[[]byte]
	encode func() []byte // nil, or a nil result: encode with protobuf-go
	once   bool          // the memo is off: the codec removes the slot
}

// memoEntry is one claims' protobuf form and the responses made of it:
// VerifySessionToken's, GetAuthState's when signed in, and Envoy Check's OK
// answer with its identity headers (extauthz.go).
type memoEntry struct {
	pb           *authsvcv1.Claims
	claimsWire   []byte // pb's encoding, or nil (see claimsProto)
	verify       *authsvcv1.VerifySessionTokenResponse
	signedIn     *authsvcv1.GetAuthStateResponse
	checkHeaders []*corev3.HeaderValueOption
	checkOK      *authv3.CheckResponse // OK, checkHeaders set, nothing removed
}

// maxPendingWire bounds the slots of a memo that is off: a response whose
// call failed after the handler (so it was never encoded) leaves its slot
// behind, and the map starts over when this many have gathered.
const maxPendingWire = 1024

func (m *claimsMemo) entry(c *verifier.Claims) (*memoEntry, error) {
	if m.off {
		// For this call's VerifySessionToken or GetAuthState only; Check
		// builds its answer itself (checkAnswer).
		return newMemoEntry(c, false)
	}
	m.mu.Lock()
	e, ok := m.m[c]
	m.mu.Unlock()
	if ok {
		return e, nil
	}
	e, err := newMemoEntry(c, true)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.m == nil || len(m.m) >= claimsMemoSize {
		m.m = make(map[*verifier.Claims]*memoEntry, 64)
		m.wire = make(map[proto.Message]*wireSlot, 128)
	}
	m.m[c] = e
	m.wire[e.verify] = &wireSlot{encode: e.verifyWire}
	m.wire[e.signedIn] = &wireSlot{encode: e.signedInWire}
	m.wire[e.checkOK] = &wireSlot{}
	m.mu.Unlock()
	return e, nil
}

// newMemoEntry converts c; withCheck also makes Check's identity headers
// and OK answer.
func newMemoEntry(c *verifier.Claims, withCheck bool) (*memoEntry, error) {
	pb, wire, err := claimsProto(c)
	if err != nil {
		return nil, err
	}
	e := &memoEntry{
		pb:         pb,
		claimsWire: wire,
		verify:     &authsvcv1.VerifySessionTokenResponse{Claims: pb},
		signedIn:   signedInState(pb),
	}
	if withCheck {
		e.checkHeaders = checkHeaderOptions(c)
		e.checkOK = newOKResponse(e.checkHeaders, nil)
	}
	return e, nil
}

// signedInState is GetAuthState's answer for a standard signed-in state.
func signedInState(claims *authsvcv1.Claims) *authsvcv1.GetAuthStateResponse {
	return &authsvcv1.GetAuthStateResponse{
		Status: authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN, Reason: string(verifier.AuthReasonStandardSignedIn), Claims: claims,
	}
}

// verifyWire encodes e.verify from the claims' own encoding.
func (e *memoEntry) verifyWire() []byte {
	if e.claimsWire == nil {
		return nil
	}
	return protowire.AppendBytes(protowire.AppendTag(nil, verifyClaimsNum, protowire.BytesType), e.claimsWire)
}

// signedInWire encodes e.signedIn: its other fields (made by the same
// signedInState) through protobuf-go, then the claims' own encoding.
func (e *memoEntry) signedInWire() []byte {
	if e.claimsWire == nil {
		return nil
	}
	head, err := proto.Marshal(signedInState(nil))
	if err != nil {
		return nil
	}
	return protowire.AppendBytes(protowire.AppendTag(head, authStateClaimsNum, protowire.BytesType), e.claimsWire)
}

// pending hands msg, a response of an entry of a memo that is off, to the
// codec's next Marshal of it, encoded by encode.
func (m *claimsMemo) pending(msg proto.Message, encode func() []byte) {
	m.mu.Lock()
	if m.wire == nil || len(m.wire) >= maxPendingWire {
		m.wire = make(map[proto.Message]*wireSlot, 64)
	}
	m.wire[msg] = &wireSlot{encode: encode, once: true}
	m.mu.Unlock()
}

// proto returns the shared protobuf form of c.
func (m *claimsMemo) proto(c *verifier.Claims) (*authsvcv1.Claims, error) {
	e, err := m.entry(c)
	if err != nil {
		return nil, err
	}
	return e.pb, nil
}

// verifyResponse returns the shared VerifySessionToken response for c.
func (m *claimsMemo) verifyResponse(c *verifier.Claims) (*authsvcv1.VerifySessionTokenResponse, error) {
	e, err := m.entry(c)
	if err != nil {
		return nil, err
	}
	if m.off {
		m.pending(e.verify, e.verifyWire)
	}
	return e.verify, nil
}

// signedInResponse returns the shared GetAuthState response for a signed-in
// state; ok is false for any other state, which the caller then builds.
func (m *claimsMemo) signedInResponse(st verifier.State) (resp *authsvcv1.GetAuthStateResponse, ok bool, err error) {
	if st.Status != verifier.StatusSignedIn || st.Reason != verifier.AuthReasonStandardSignedIn || st.Claims == nil {
		return nil, false, nil
	}
	e, err := m.entry(st.Claims)
	if err != nil {
		return nil, false, err
	}
	if m.off {
		m.pending(e.signedIn, e.signedInWire)
	}
	return e.signedIn, true, nil
}

// checkAnswer is Envoy Check's OK answer for c, removing the request's
// x-clerk-* headers named in remove. A request that carried none (the hot
// path) gets the remembered answer, whose encoding the memo codec also
// keeps, so it allocates and encodes nothing; one that did gets a fresh
// answer around the same shared identity headers. With the memo off, or
// should the claims' protobuf form (which Check does not need) ever fail,
// the answer is built from the headers alone: the decision is made, and
// nothing about it depends on the memo.
func (m *claimsMemo) checkAnswer(c *verifier.Claims, remove []string) *authv3.CheckResponse {
	if m.off {
		return newOKResponse(checkHeaderOptions(c), remove)
	}
	e, err := m.entry(c)
	if err != nil {
		return newOKResponse(checkHeaderOptions(c), remove)
	}
	if len(remove) == 0 {
		return e.checkOK
	}
	return newOKResponse(e.checkHeaders, remove)
}

// wireOf returns the slot for the encoding of a response an entry made, or
// nil when msg is not one. A slot of a memo that is off is handed out once.
func (m *claimsMemo) wireOf(msg any) *wireSlot {
	switch msg.(type) {
	case *authsvcv1.VerifySessionTokenResponse, *authsvcv1.GetAuthStateResponse, *authv3.CheckResponse:
	default:
		return nil
	}
	key := msg.(proto.Message)
	m.mu.Lock()
	defer m.mu.Unlock()
	slot := m.wire[key]
	if slot != nil && slot.once {
		delete(m.wire, key)
	}
	return slot
}

// memoCodec is the server's proto codec: responses made by the memo are
// encoded once, directly where their entry can (see claimsProto), and
// their bytes reused (the buffers are never pooled or written to, so
// sharing them is safe); every other message goes to grpc's own codec.
type memoCodec struct {
	base encoding.CodecV2
	memo *claimsMemo
}

func newMemoCodec(memo *claimsMemo) memoCodec {
	return memoCodec{base: encoding.GetCodecV2("proto"), memo: memo}
}

func (c memoCodec) Name() string { return c.base.Name() }

func (c memoCodec) Marshal(v any) (mem.BufferSlice, error) {
	slot := c.memo.wireOf(v)
	if slot == nil {
		return c.base.Marshal(v)
	}
	if b := slot.b.Load(); b != nil {
		return mem.BufferSlice{mem.SliceBuffer(*b)}, nil
	}
	var b []byte
	if slot.encode != nil {
		b = slot.encode()
	}
	if b == nil {
		var err error
		if b, err = proto.Marshal(v.(proto.Message)); err != nil {
			return nil, err
		}
	}
	slot.b.Store(&b)
	return mem.BufferSlice{mem.SliceBuffer(b)}, nil
}

// Unmarshal decodes Envoy's CheckRequest into the checkInput Check's
// handler asks for (checkdecode.go) and everything else with grpc's codec.
func (c memoCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if in, ok := v.(*checkInput); ok {
		return decodeCheckInput(data, in)
	}
	return c.base.Unmarshal(data, v)
}
