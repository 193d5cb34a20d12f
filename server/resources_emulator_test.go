package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/emulator"
	"github.com/authsvc/authsvc/internal/emulatorstate"
	"github.com/authsvc/authsvc/internal/policy"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// TestProxyResourceGroupsOnEmulator runs the rows of TestProxyResourceGroups
// a second time with the emulator behind the server (gRPC → server →
// backendapi → emulator over loopback). The rows' ids ("user_1", "sess_1",
// …) stand for records of a prepared emulator state; they are swapped for
// the real ids on the way out. Each row checks that the RPC succeeds, that
// the emulator received the very request the row pins for Clerk, and that
// the answer carries what the row's Clerk answer carries: every message
// (nested resources, lists that are non-empty on both sides) and, for each
// id the row names, the real id of that record (see idsToCheck).
func TestProxyResourceGroupsOnEmulator(t *testing.T) {
	t.Parallel()
	w := newEmulatorWorld(t)
	for _, tt := range proxyRows(t) {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := &swapTransport{world: w}
			client := newTestClient(t, withPolicy(newEmulatorServer(t, w, tr), policy.DevPolicy(testCallerKey)), GRPCOptions{})
			got, err := tt.call(withKey(t.Context(), testCallerKey), client)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs, wantN := tr.requests(), 1
			if tt.wantReq.Method == http.MethodGet && tt.wantReq.Path == "/v1/users" {
				wantN = 2 // Clerk's bare array, then GET /v1/users/count for total_count
			}
			if len(reqs) != wantN {
				t.Fatalf("the emulator got %d requests, want %d: %+v", len(reqs), wantN, reqs)
			}
			if wantN == 2 && (reqs[1].Method != http.MethodGet || reqs[1].Path != "/v1/users/count") {
				t.Errorf("second request %+v, want GET /v1/users/count", reqs[1])
			}
			want := w.swapRecorded(t, tt.wantReq)
			if reqs[0].Method != want.Method || reqs[0].Path != want.Path || reqs[0].RawQuery != want.RawQuery || !jsonEqual(reqs[0].Body, want.Body) {
				t.Errorf("request to the emulator = %+v, want %+v", reqs[0], want)
			}
			for _, d := range carries(tt.want.ProtoReflect(), got.ProtoReflect(), w.idsToCheck(t, tt.wantReq), "") {
				t.Errorf("answer lacks what Clerk's carries: %s", d)
			}
		})
	}
}

// emulatorWorld is the prepared emulator state and the placeholder map.
type emulatorWorld struct {
	state []byte
	path  map[string]string // placeholder → real id, in paths, queries, bodies and answers
}

// newEmulatorWorld creates, through backendapi, the records the rows name.
func newEmulatorWorld(t *testing.T) *emulatorWorld {
	t.Helper()
	dir := t.TempDir()
	emu, err := emulator.New(emulator.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	defer srv.Close()
	c, err := backendapi.NewClient(emu.SecretKey(), backendapi.WithBaseURL(srv.URL), backendapi.WithRetry(1, time.Millisecond),
		backendapi.WithRateLimit(100000, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("building the emulator world: %v", err)
		}
	}
	ada, err := c.Users.Create(ctx, &backendapi.CreateUserParams{EmailAddress: []string{"ada.world@example.com"},
		PhoneNumber: []string{"+15555550166"}, Password: backendapi.Ptr("hunter22"), FirstName: backendapi.Ptr("Ada")})
	must(err)
	org, err := c.Organizations.Create(ctx, &backendapi.CreateOrganizationParams{Name: "Acme", Slug: backendapi.Ptr("acme"), CreatedBy: ada.ID})
	must(err)
	orgInv, err := c.Organizations.CreateInvitation(ctx, org.ID, &backendapi.CreateOrganizationInvitationParams{
		EmailAddress: "bob@example.com", Role: "basic_member"})
	must(err)
	sess, err := c.Sessions.Create(ctx, &backendapi.CreateSessionParams{UserID: ada.ID})
	must(err)
	return &emulatorWorld{state: emulatorstate.Record(t, dir), path: map[string]string{
		"user_1": ada.ID, "sess_1": sess.ID, "client_1": sess.ClientID, "org_1": org.ID, "orginv_1": orgInv.ID,
		"idn_1": ada.EmailAddresses[0].ID, "idn_p": ada.PhoneNumbers[0].ID,
	}}
}

// newEmulatorServer is newProxyServer with a fresh emulator, resumed from
// the world's state, as the Backend API, reached through tr.
func newEmulatorServer(t *testing.T, w *emulatorWorld, tr *swapTransport) *Server {
	t.Helper()
	emu, srv := emulatorstate.Resume(t, w.state)
	backend, err := backendapi.NewClient(emu.SecretKey(), backendapi.WithBaseURL(srv.URL),
		backendapi.WithHTTPClient(&http.Client{Transport: tr, Timeout: 30 * time.Second}),
		backendapi.WithRetry(1, time.Millisecond), backendapi.WithRateLimit(100000, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	v, err := verifier.New(verifiertest.NewIssuer(t).Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	s, err := New(Config{Verifier: v, Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// idsToCheck is the placeholder map the answer of a row sending r is held
// to: every id, except that a row creating a record (a POST to a path that
// names no record) gets new ids for it, so only the ids it sent count.
func (w *emulatorWorld) idsToCheck(t *testing.T, r recorded) map[string]string {
	t.Helper()
	if r.Method != http.MethodPost || emulatorstate.SwapIDs(r.Path, w.path) != r.Path {
		return w.path
	}
	sent, _ := json.Marshal(r.Body)
	out := map[string]string{}
	for k, v := range w.path {
		if emulatorstate.SwapIDs(string(sent), map[string]string{k: v}) != string(sent) {
			out[k] = v
		}
	}
	return out
}

// swapRecorded is r with the row's ids swapped for the world's.
func (w *emulatorWorld) swapRecorded(t *testing.T, r recorded) recorded {
	t.Helper()
	r.Path, r.RawQuery = emulatorstate.SwapIDs(r.Path, w.path), emulatorstate.SwapIDs(r.RawQuery, w.path)
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		r.Body = nil
		if err := json.Unmarshal([]byte(emulatorstate.SwapIDs(string(b), w.path)), &r.Body); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// swapTransport swaps the rows' ids for the world's in each request and
// records the request as the emulator receives it.
type swapTransport struct {
	world *emulatorWorld
	mu    sync.Mutex
	reqs  []recorded
}

func (tr *swapTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Path, r.URL.RawPath = emulatorstate.SwapIDs(r.URL.Path, tr.world.path), emulatorstate.SwapIDs(r.URL.RawPath, tr.world.path)
	r.URL.RawQuery = emulatorstate.SwapIDs(r.URL.RawQuery, tr.world.path)
	rec := recorded{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery}
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		b = []byte(emulatorstate.SwapIDs(string(b), tr.world.path))
		if len(b) > 0 {
			_ = json.Unmarshal(b, &rec.Body)
		}
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	}
	tr.mu.Lock()
	tr.reqs = append(tr.reqs, rec)
	tr.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (tr *swapTransport) requests() []recorded {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]recorded(nil), tr.reqs...)
}

func jsonEqual(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// carries lists what want holds that got lacks: a populated message field
// (not looked into when it is a google.protobuf.Struct, which is caller
// data), elements of a list non-empty on both sides, and a string field
// whose want value is a row id (a key of ids) without the real id in got.
func carries(want, got protoreflect.Message, ids map[string]string, path string) []string {
	var out []string
	want.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := path + "." + string(fd.Name())
		switch {
		case fd.IsList() && fd.Message() != nil:
			wl, gl := v.List(), got.Get(fd).List()
			if wl.Len() > 0 && gl.Len() > 0 {
				for i := range gl.Len() {
					out = append(out, carries(wl.Get(0).Message(), gl.Get(i).Message(), ids, name)...)
				}
			}
		case fd.Message() != nil && !fd.IsMap():
			if !got.Has(fd) {
				out = append(out, name+" is missing")
			} else if fd.Message().FullName() != (&structpb.Struct{}).ProtoReflect().Descriptor().FullName() {
				out = append(out, carries(v.Message(), got.Get(fd).Message(), ids, name)...)
			}
		case fd.Kind() == protoreflect.StringKind && !fd.IsList() && !fd.IsMap():
			if real, ok := ids[v.String()]; ok && got.Get(fd).String() != real {
				out = append(out, name+" = "+got.Get(fd).String()+", want "+real)
			}
		}
		return true
	})
	return out
}
