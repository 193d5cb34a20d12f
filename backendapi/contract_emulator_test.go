package backendapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsvc/authsvc/emulator"
	"github.com/authsvc/authsvc/internal/emulatorstate"
)

// The contract suite: every row of the operation tables (endpoints and
// machineEndpoints, the same rows TestOperations runs against fixtures)
// runs against a real emulator. Each answer must decode STRICTLY into the
// client's type (an unknown key is a drift: the emulator sends what Clerk
// does not, or the client misses a field), and its set of JSON keys,
// recursively, must equal the key set of the row's fixture (Clerk's shape).
// A coverage check fails the suite when an exported method of the client
// is not exercised by a row.
//
// The rows' placeholder ids ("user_deadbeef", "org_randomid", …) are
// swapped for the ids of one prepared world on the way to the emulator;
// every row starts from a fresh copy of that world (its state file), so
// rows are independent and may run in parallel.

// contractWorld is the prepared emulator state and the placeholder maps.
type contractWorld struct {
	state []byte            // the emulator's state file
	path  map[string]string // placeholder → real id in the path and query
	body  map[string]string // placeholder → real value in the request body
}

// contractFixture overrides a row's fixture where the row pins one of two
// shapes Clerk has answered with and the emulator answers the other.
var contractFixture = map[string]string{
	// Clerk has answered {} and the removed membership; the emulator answers
	// the membership, the fixture of the sibling row.
	"25 organizations.deleteOrganizationMembership replies {}": "organization_membership.json",
	// Clerk has answered {} and a DeletedObject; the emulator answers the
	// DeletedObject, whose keys are those of every deleted_*.json fixture.
	"36 redirectUrls.deleteRedirectUrl replies {}": "deleted_user.json",
}

// contractDecodeAs names the type a row's answer is strictly decoded into
// where the client's result type is deliberately lossy.
var contractDecodeAs = map[string]reflect.Type{
	// Clerk answers the removed membership; the client keeps only the
	// DeletedObject fields of it.
	"25 organizations.deleteOrganizationMembership replies {}":                     reflect.TypeFor[*OrganizationMembership](),
	"25 organizations.deleteOrganizationMembership replies the removed membership": reflect.TypeFor[*OrganizationMembership](),
}

// contractWantErr lists the rows whose request the emulator refuses as
// Clerk does, with the Clerk error code it must answer.
var contractWantErr = map[string]string{
	// limit must be 1..500 at Clerk; the row pins only the client's
	// encoding of an explicit zero.
	"45 users.getUserList order_by=+updated_at limit=0 offset=0": "form_param_value_invalid",
}

// contractCreateOnly are keys Clerk sends only when it creates the
// resource (the secret), which the fixture of the resource lacks.
var contractCreateOnly = map[string][]string{
	"m2m.create":     {"token"},
	"apiKeys.create": {"secret"},
}

// freeForm are keys whose values are caller data, not Clerk's schema: the
// key comparison does not look inside them.
var freeForm = map[string]bool{"public_metadata": true, "private_metadata": true, "unsafe_metadata": true, "claims": true}

func TestContractEmulator(t *testing.T) {
	t.Parallel()
	w := newContractWorld(t)
	seen := &methodSet{m: map[string]bool{}}
	rows := slices.Concat(endpoints, machineEndpoints)
	t.Run("rows", func(t *testing.T) {
		for _, tt := range rows {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				runContractRow(t, w, seen, tt)
			})
		}
	})
	for _, m := range clientMethods() {
		if !seen.has(m) && !notEndpoints[m] {
			t.Errorf("backendapi method %s has no contract row: add one to endpoints or machineEndpoints", m)
		}
	}
}

func runContractRow(t *testing.T, w *contractWorld, seen *methodSet, tt endpoint) {
	emu, srv := emulatorstate.Resume(t, w.state)
	tr := &contractTransport{world: w, seen: seen}
	c := contractClient(t, emu.SecretKey(), srv.URL, tr)
	got, err := tt.call(t.Context(), c, tt.ids)
	if code, ok := contractWantErr[tt.name]; ok {
		var apiErr *APIError
		if !errors.As(err, &apiErr) || len(apiErr.Errors) == 0 || apiErr.Errors[0].Code != code {
			t.Fatalf("err = %v, want a Clerk %s error", err, code)
		}
		return
	}
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	raw, ctype := tr.firstResponse()
	if strings.HasSuffix(tt.fixture, ".html") {
		if !strings.HasPrefix(ctype, "text/html") || !bytes.Contains(raw, []byte("<html")) {
			t.Fatalf("answer %q (%s), want an HTML page", raw, ctype)
		}
		return
	}
	typ := reflect.TypeOf(got)
	if as, ok := contractDecodeAs[tt.name]; ok {
		typ = as
	}
	if err := decodeStrict(raw, typ); err != nil {
		t.Errorf("strict decoding into %v: %v\nbody: %s", typ, err, raw)
	}
	name := tt.fixture
	if o, ok := contractFixture[tt.name]; ok {
		name = o
	}
	var want, have any
	if err := json.Unmarshal(fixture(t, name), &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &have); err != nil {
		t.Fatal(err)
	}
	diffs := keyDiff("", want, have, contractCreateOnly[tt.name])
	for _, d := range diffs {
		t.Errorf("%s vs %s: %s", tt.name, name, d)
	}
}

// contractClient is a client of the emulator at url through tr: one
// attempt, no waiting on the rate limiter.
func contractClient(t *testing.T, secret, url string, tr http.RoundTripper) *Client {
	t.Helper()
	c, err := NewClient(secret, WithBaseURL(url), WithHTTPClient(&http.Client{Transport: tr, Timeout: 30 * time.Second}),
		WithRetry(1, time.Millisecond), WithRateLimit(100000, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newContractWorld builds, through the client itself, the records the rows
// name, and returns the emulator's state file with the placeholder maps.
func newContractWorld(t *testing.T) *contractWorld {
	t.Helper()
	dir := t.TempDir()
	emu, err := emulator.New(emulator.Options{DataDir: dir, Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	defer srv.Close()
	c := contractClient(t, emu.SecretKey(), srv.URL, http.DefaultTransport)
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("building the contract world: %v", err)
		}
	}
	dead, err := c.Users.Create(ctx, &CreateUserParams{EmailAddress: []string{"deadbeef@example.com"}, PhoneNumber: []string{"+15555550123"},
		Password: Ptr("correct horse"), FirstName: Ptr("Dead"), LastName: Ptr("Beef"), Username: Ptr("deadbeef")})
	must(err)
	member, err := c.Users.Create(ctx, &CreateUserParams{EmailAddress: []string{"member@example.com"}, FirstName: Ptr("Mem")})
	must(err)
	outsider, err := c.Users.Create(ctx, &CreateUserParams{EmailAddress: []string{"outsider@example.com"}})
	must(err)
	org, err := c.Organizations.Create(ctx, &CreateOrganizationParams{Name: "Random Org", Slug: Ptr("random-org"), CreatedBy: dead.ID})
	must(err)
	_, err = c.Organizations.CreateMembership(ctx, org.ID, &CreateOrganizationMembershipParams{UserID: member.ID, Role: "org:member"})
	must(err)
	orgInv, err := c.Organizations.CreateInvitation(ctx, org.ID, &CreateOrganizationInvitationParams{EmailAddress: "pending@example.com",
		Role: "org:member", InviterUserID: dead.ID})
	must(err)
	inv, err := c.Invitations.Create(ctx, &CreateInvitationParams{EmailAddress: "invitee@example.com"})
	must(err)
	allow, err := c.AllowlistIdentifiers.Create(ctx, &CreateAllowlistIdentifierParams{Identifier: "allowed@example.com"})
	must(err)
	ru, err := c.RedirectURLs.Create(ctx, &CreateRedirectURLParams{URL: "https://app.example/callback"})
	must(err)
	sess, err := c.Sessions.Create(ctx, &CreateSessionParams{UserID: dead.ID})
	must(err)
	token, err := emu.MintSessionToken(sess.ID, time.Hour)
	must(err)
	sit, err := c.SignInTokens.Create(ctx, &CreateSignInTokenParams{UserID: dead.ID})
	must(err)
	m2m, err := c.M2MTokens.Create(ctx, &CreateM2MTokenParams{SecondsUntilExpiration: Ptr(int64(3600))})
	must(err)
	ak, err := c.APIKeys.Create(ctx, &CreateAPIKeyParams{Name: "ci", Subject: dead.ID})
	must(err)
	oat, err := emu.MintOAuthAccessToken(dead.ID, "oauth_app_contract", []string{"read"}, time.Hour, false)
	must(err)
	state := emulatorstate.Record(t, dir)
	email, phone := dead.EmailAddresses[0].ID, dead.PhoneNumbers[0].ID
	return &contractWorld{
		state: state,
		path: map[string]string{
			"user_deadbeef": dead.ID, "user_randomid": member.ID, "user_1oBNj55jOjSK9rOYrT5QHqj7eaK": member.ID,
			"org_randomid": org.ID, "acme-inc": *org.Slug, "orginv_1": orgInv.ID,
			"idn_banana": email, "idn_phone": phone, "ru_28eW1GeqywLZSzoBoaHJ79pkPR6": ru.ID,
			"sess_1": sess.ID, "client_1": sess.ClientID, "client_server": sess.ClientID, "sit_1": sit.ID,
			"inv_randomid": inv.ID, "alid_randomid": allow.ID, "mt_1": m2m.ID, "ak_1": ak.ID,
		},
		body: map[string]string{
			"user_deadbeef": dead.ID, "user_randomid": outsider.ID, "user_26Ect5GuCCeaFWwSDiiKcgAGtVk": dead.ID, "user_1": dead.ID,
			"idn_whatever": email, "idn_random": phone,
			"random_jwt_token": token, "eyJ.session.token": token,
			"mt_secret": m2m.Token, "ak_secret": ak.Secret, "oat_secret": oat,
		},
	}
}

// contractTransport swaps placeholders for the world's ids, remembers the
// last answer's body, and records which client methods are on the stack.
type contractTransport struct {
	world *contractWorld
	seen  *methodSet

	mu    sync.Mutex
	raw   []byte
	ctype string
}

func (tr *contractTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tr.seen.addCallers()
	r = r.Clone(r.Context())
	r.URL.Path = emulatorstate.SwapIDs(r.URL.Path, tr.world.path)
	r.URL.RawPath = emulatorstate.SwapIDs(r.URL.RawPath, tr.world.path)
	r.URL.RawQuery = emulatorstate.SwapIDs(r.URL.RawQuery, tr.world.path)
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		b = []byte(emulatorstate.SwapIDs(string(b), tr.world.body))
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	tr.mu.Lock()
	if tr.raw == nil { // the row's own answer; Users.List's count follows it
		tr.raw, tr.ctype = raw, resp.Header.Get("Content-Type")
	}
	tr.mu.Unlock()
	return resp, nil
}

// firstResponse is the answer to the row's operation: the first request it
// made (Users.List then asks for the count).
func (tr *contractTransport) firstResponse() ([]byte, string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.raw, tr.ctype
}

// methodSet is the set of client methods the rows have reached.
type methodSet struct {
	mu sync.Mutex
	m  map[string]bool
}

var methodFrameRE = regexp.MustCompile(`^github\.com/authsvc/authsvc/backendapi\.(\(\*[A-Za-z0-9]+\)\.[A-Z][A-Za-z0-9]*)$`)

// addCallers records the exported backendapi methods on the caller's stack.
func (s *methodSet) addCallers() {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		f, more := frames.Next()
		if m := methodFrameRE.FindStringSubmatch(f.Function); m != nil {
			s.m[m[1]] = true
		}
		if !more {
			return
		}
	}
}

func (s *methodSet) has(m string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[m]
}

// clientMethods lists every exported method of *Client and of each of its
// exported services, as "(*UsersService).Get".
// notEndpoints are the client's methods that send no request.
var notEndpoints = map[string]bool{"(*Client).RateLimit": true}

func clientMethods() []string {
	var out []string
	add := func(t reflect.Type) {
		for i := range t.NumMethod() {
			out = append(out, fmt.Sprintf("(*%s).%s", t.Elem().Name(), t.Method(i).Name))
		}
	}
	ct := reflect.TypeFor[*Client]()
	add(ct)
	for i := range ct.Elem().NumField() {
		f := ct.Elem().Field(i)
		if f.IsExported() && f.Type.Kind() == reflect.Pointer && strings.HasSuffix(f.Type.Elem().Name(), "Service") {
			add(f.Type)
		}
	}
	return out
}

// isListType reports whether t is a *List[T].
func isListType(t reflect.Type) bool {
	return t.Kind() == reflect.Pointer && strings.HasPrefix(t.Elem().Name(), "List[")
}

// decodeStrict decodes raw into a new value of t's element type with
// unknown fields refused. A *List[T] accepts both of Clerk's list shapes,
// each strictly: a bare array of T, or {"data": [...], "total_count": n}.
func decodeStrict(raw []byte, t reflect.Type) error {
	if t.Kind() != reflect.Pointer {
		return fmt.Errorf("result type %v is not a pointer", t)
	}
	target := reflect.New(t.Elem())
	if isListType(t) {
		data, _ := t.Elem().FieldByName("Data")
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
			target = reflect.New(data.Type)
		} else {
			target = reflect.New(reflect.StructOf([]reflect.StructField{
				{Name: "Data", Type: data.Type, Tag: `json:"data"`},
				{Name: "TotalCount", Type: reflect.TypeFor[int64](), Tag: `json:"total_count"`},
			}))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(target.Interface())
}

// keyDiff compares the JSON key sets of want (Clerk's fixture) and have
// (the emulator's answer) recursively: objects must have the same keys
// (extra in have are allowed at the top level only when listed in
// allowExtra); array elements of have are compared with want's first
// element; a null on either side ends the comparison there; free-form
// values (metadata, claims) are not looked into.
func keyDiff(path string, want, have any, allowExtra []string) []string {
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			if have == nil {
				return nil
			}
			return []string{fmt.Sprintf("%s: is %T, Clerk sends an object", orRoot(path), have)}
		}
		var out []string
		for k := range w {
			if _, ok := h[k]; !ok {
				out = append(out, fmt.Sprintf("%s: missing (Clerk sends it)", path+"."+k))
			}
		}
		for k := range h {
			if _, ok := w[k]; !ok && !(path == "" && slices.Contains(allowExtra, k)) {
				out = append(out, fmt.Sprintf("%s: not in Clerk's shape", path+"."+k))
			}
		}
		for k, wv := range w {
			if hv, ok := h[k]; ok && !freeForm[k] {
				out = append(out, keyDiff(path+"."+k, wv, hv, nil)...)
			}
		}
		sort.Strings(out)
		return out
	case []any:
		h, ok := have.([]any)
		if !ok {
			if have == nil {
				return nil
			}
			return []string{fmt.Sprintf("%s: is %T, Clerk sends an array", orRoot(path), have)}
		}
		if len(w) == 0 {
			return nil
		}
		var out []string
		for i, hv := range h {
			out = append(out, keyDiff(fmt.Sprintf("%s[%d]", path, i), w[0], hv, nil)...)
		}
		return out
	}
	return nil
}

func orRoot(path string) string {
	if path == "" {
		return "(root)"
	}
	return path
}

// TestContractKeyDiff pins the comparison the contract suite relies on.
func TestContractKeyDiff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		want, have string
		extra      []string
		diffs      []string
	}{
		{name: "same keys", want: `{"a":1,"b":{"c":2}}`, have: `{"a":5,"b":{"c":null}}`},
		{name: "missing key", want: `{"a":1,"b":2}`, have: `{"a":1}`, diffs: []string{".b: missing (Clerk sends it)"}},
		{name: "extra key", want: `{"a":1}`, have: `{"a":1,"z":0}`, diffs: []string{".z: not in Clerk's shape"}},
		{name: "allowed extra at the top", want: `{"a":1}`, have: `{"a":1,"token":"x"}`, extra: []string{"token"}},
		{name: "nested in arrays", want: `{"l":[{"a":1,"b":1}]}`, have: `{"l":[{"a":1,"b":1},{"a":1}]}`,
			diffs: []string{".l[1].b: missing (Clerk sends it)"}},
		{name: "null ends the comparison", want: `{"v":{"a":1}}`, have: `{"v":null}`},
		{name: "metadata is caller data", want: `{"public_metadata":{"x":1}}`, have: `{"public_metadata":{"y":1}}`},
		{name: "kind mismatch", want: `{"v":{"a":1}}`, have: `{"v":[]}`, diffs: []string{".v: is []interface {}, Clerk sends an object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var w, h any
			if json.Unmarshal([]byte(tt.want), &w) != nil || json.Unmarshal([]byte(tt.have), &h) != nil {
				t.Fatal("bad test JSON")
			}
			if got := keyDiff("", w, h, tt.extra); !slices.Equal(got, tt.diffs) {
				t.Fatalf("keyDiff = %q, want %q", got, tt.diffs)
			}
		})
	}
}

// TestContractStrictDecoding: decodeStrict refuses an unknown key, in an
// object and in each list shape.
func TestContractStrictDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		raw     string
		typ     reflect.Type
		wantErr bool
	}{
		{name: "known keys", raw: `{"object":"redirect_url","id":"ru_1","url":"x","created_at":1,"updated_at":2}`, typ: reflect.TypeFor[*RedirectURL]()},
		{name: "unknown key", raw: `{"object":"redirect_url","id":"ru_1","surprise":1}`, typ: reflect.TypeFor[*RedirectURL](), wantErr: true},
		{name: "bare array", raw: `[{"id":"ru_1"}]`, typ: reflect.TypeFor[*RedirectURLList]()},
		{name: "bare array, unknown key", raw: `[{"id":"ru_1","surprise":1}]`, typ: reflect.TypeFor[*RedirectURLList](), wantErr: true},
		{name: "paginated", raw: `{"data":[{"id":"ru_1"}],"total_count":1}`, typ: reflect.TypeFor[*RedirectURLList]()},
		{name: "paginated, unknown envelope key", raw: `{"data":[],"total_count":0,"next":1}`, typ: reflect.TypeFor[*RedirectURLList](), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := decodeStrict([]byte(tt.raw), tt.typ); (err != nil) != tt.wantErr {
				t.Fatalf("decodeStrict: %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
