package server

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/authsvc/authsvc/backendapi"
	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/fakeclock"
	"github.com/authsvc/authsvc/internal/policy"
)

// inflight counts the unary handlers running, so a test can wait until
// the server has seen the end of calls it cancelled.
type inflight struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

func newInflight() *inflight {
	f := &inflight{}
	f.cond = sync.NewCond(&f.mu)
	return f
}

func (f *inflight) interceptor(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	f.mu.Lock()
	f.n++
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.n--
		f.cond.Broadcast()
		f.mu.Unlock()
	}()
	return h(ctx, req)
}

// waitIdle blocks until no handler runs.
func (f *inflight) waitIdle() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.n > 0 {
		f.cond.Wait()
	}
}

// Keys of the two callers of the budget tests.
const (
	floodKey = "flood-caller-key"
	appKey   = "app-caller-key"
)

// budgetPolicy has a caller "flood" granted only CountUsers and a caller
// "app" granted GetUser; floodRate and appRate are their backend_rate
// lines ("" for none).
func budgetPolicy(t *testing.T, floodRate, appRate string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(`
callers:
  - name: flood
    key_sha256: ` + keyHash(floodKey) + `
    allow: ["authsvc.v1.AuthService/CountUsers"]
    ` + floodRate + `
  - name: app
    key_sha256: ` + keyHash(appKey) + `
    allow: ["authsvc.v1.AuthService/GetUser"]
    ` + appRate + `
`))
	if err != nil {
		t.Fatalf("policy.Parse: %v", err)
	}
	return p
}

// budgetStub answers CountUsers and GetUser at once.
func budgetStub(t *testing.T) *clerkStub {
	t.Helper()
	return newClerkStub(t, map[string]reply{
		"GET /v1/users/count":  {body: `{"object":"total_count","total_count":3}`},
		"GET /v1/users/user_1": {body: userJSON},
	})
}

// floodCounts fires k CountUsers as caller flood under ctx and returns how
// many succeeded, were refused (RESOURCE_EXHAUSTED) and were cancelled;
// returned counts the calls that have come back so far.
func floodCounts(ctx context.Context, client pb.AuthServiceClient, k int, returned *atomic.Int32) (ok, refused, canceled int, other error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range k {
		wg.Go(func() {
			_, err := client.CountUsers(withKey(ctx, floodKey), &pb.CountUsersRequest{})
			returned.Add(1)
			mu.Lock()
			defer mu.Unlock()
			switch status.Code(err) {
			case codes.OK:
				ok++
			case codes.ResourceExhausted:
				refused++
			case codes.Canceled:
				canceled++
			default:
				other = err
			}
		})
	}
	wg.Wait()
	return ok, refused, canceled, other
}

// TestBackendBudgetFloodCannotPoison is issue 8 item 6 over gRPC with a
// two-caller policy: caller flood, granted only CountUsers, fires a flood
// of calls with no deadline and cancels them; caller app's GetUser is
// refused only while the window really holds flood's sent requests, and
// is served once that window passes. The old limiter booked a future slot
// for every waiting call and kept it after cancellation, so app was
// refused for minutes.
func TestBackendBudgetFloodCannotPoison(t *testing.T) {
	t.Parallel()
	const n, per, flood = 10, 10 * time.Second, 200
	clk := fakeclock.New()
	running := newInflight()
	client := newBackendClient(t, budgetStub(t).URL, budgetPolicy(t, "", ""), []grpc.UnaryServerInterceptor{running.interceptor},
		backendapi.WithRateLimit(n, per), backendapi.WithMaxWait(2*time.Second), backendapi.WithClock(clk))
	floodCtx, cancelFlood := context.WithCancel(t.Context()) // no deadline
	defer cancelFlood()
	var returned atomic.Int32

	// t0: the flood. n calls are sent; every other one is refused at once
	// (its turn lies past the 2 s max wait) and holds nothing.
	ok, refused, _, other := floodCounts(floodCtx, client, flood, &returned)
	if ok != n || refused != flood-n || other != nil {
		t.Fatalf("flood at t0: %d ok, %d refused, other error %v; want %d ok, %d refused", ok, refused, other, n, flood-n)
	}
	// t0+3s: app is refused at once, as the window holds flood's n
	// requests, which Clerk counts too.
	clk.Advance(3 * time.Second)
	if _, err := client.GetUser(withKey(t.Context(), appKey), &pb.GetUserRequest{UserId: "user_1"}); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("app inside flood's window: %v, want RESOURCE_EXHAUSTED", err)
	}
	// t0+9s: a second flood; n calls wait in line (their turn, t0+10s, is
	// within the max wait), then flood cancels everything.
	clk.Advance(6 * time.Second)
	returned.Store(0)
	wave := make(chan [3]int, 1)
	go func() {
		ok, refused, canceled, _ := floodCounts(floodCtx, client, flood, &returned)
		wave <- [3]int{ok, refused, canceled}
	}()
	for int(returned.Load()) < flood-n {
		runtime.Gosched() // until the refused calls are back
	}
	clk.WaitTimers(n) // and the others wait on the clock
	cancelFlood()
	if got := <-wave; got[0] != 0 || got[1]+got[2] != flood {
		t.Fatalf("second flood: %d ok, %d refused, %d cancelled; want none ok", got[0], got[1], got[2])
	}
	running.waitIdle() // the server has seen every cancellation
	// Still t0+9s: app's turn comes at t0+10s, when flood's first n
	// requests leave the window; cancelled waiters booked nothing.
	served := make(chan error, 1)
	before := clk.Pending()
	go func() {
		_, err := client.GetUser(withKey(t.Context(), appKey), &pb.GetUserRequest{UserId: "user_1"})
		served <- err
	}()
	clk.WaitTimers(before + 1)
	clk.Advance(time.Second)
	if err := <-served; err != nil {
		t.Fatalf("app once the window passed: %v, want it served", err)
	}
	for i := 1; i < n; i++ {
		if _, err := client.GetUser(withKey(t.Context(), appKey), &pb.GetUserRequest{UserId: "user_1"}); err != nil {
			t.Fatalf("app call %d once the window passed: %v", i+1, err)
		}
	}
}

// TestBackendBudgetPerCaller: a caller with backend_rate 2 gets
// RESOURCE_EXHAUSTED on its third call in a window, at once, while the
// other caller, without a rate of its own, is still served from the
// shared budget; the refused call reaches neither Clerk nor the shared
// window.
func TestBackendBudgetPerCaller(t *testing.T) {
	t.Parallel()
	clk := fakeclock.New()
	stub := budgetStub(t)
	client := newBackendClient(t, stub.URL, budgetPolicy(t, "backend_rate: 2", ""), nil,
		backendapi.WithRateLimit(5, 10*time.Second), backendapi.WithClock(clk))
	steps := []struct {
		name string
		key  string
		want codes.Code
	}{
		{"flood 1", floodKey, codes.OK},
		{"flood 2", floodKey, codes.OK},
		{"flood 3 is over its backend_rate", floodKey, codes.ResourceExhausted},
		{"app 1", appKey, codes.OK},
		{"app 2", appKey, codes.OK},
		{"app 3 takes the shared window's last slot", appKey, codes.OK},
		{"app 4 is over the shared budget", appKey, codes.ResourceExhausted},
	}
	for _, st := range steps {
		var err error
		if st.key == floodKey {
			_, err = client.CountUsers(withKey(t.Context(), st.key), &pb.CountUsersRequest{})
		} else {
			_, err = client.GetUser(withKey(t.Context(), st.key), &pb.GetUserRequest{UserId: "user_1"})
		}
		if code := status.Code(err); code != st.want {
			t.Fatalf("%s: code = %v (%v), want %v", st.name, code, err, st.want)
		}
	}
	if got := len(stub.requests()); got != 5 {
		t.Errorf("Clerk saw %d requests, want 5", got)
	}
}

// TestOpaqueVerificationHasItsOwnShare: VerifyToken is open, and Clerk's
// answer to a made-up opaque token is not cached, so anonymous callers
// verifying ak_<random> spend Backend API requests. They get a quarter of
// the shared budget at most, and a policy caller's GetUser still goes
// through after they have spent theirs.
func TestOpaqueVerificationHasItsOwnShare(t *testing.T) {
	t.Parallel()
	stub := newClerkStub(t, map[string]reply{
		"POST /v1/api_keys/verify": {status: http.StatusNotFound, body: `{"errors":[{"code":"resource_not_found","message":"not found"}]}`},
		"GET /v1/users/user_1":     {body: userJSON},
	})
	const shared = 12
	client := newBackendClient(t, stub.URL, budgetPolicy(t, "", ""), nil,
		backendapi.WithRateLimit(shared, 10*time.Second), backendapi.WithMaxWait(50*time.Millisecond))
	for i := range shared {
		_, err := client.VerifyToken(t.Context(), &pb.VerifyTokenRequest{Token: fmt.Sprintf("ak_guess%02d", i),
			Accepts: []pb.TokenType{pb.TokenType_TOKEN_TYPE_API_KEY}})
		if err == nil {
			t.Fatalf("made-up API key %d verified", i)
		}
	}
	verifies := 0
	for _, r := range stub.requests() {
		if r.Path == "/v1/api_keys/verify" {
			verifies++
		}
	}
	if verifies != shared/opaqueShareDivisor {
		t.Errorf("%d anonymous verifications reached the Backend API, want the share of %d", verifies, shared/opaqueShareDivisor)
	}
	if _, err := client.GetUser(withKey(t.Context(), appKey), &pb.GetUserRequest{UserId: "user_1"}); err != nil {
		t.Errorf("app's GetUser after the anonymous verifications: %v", err)
	}
}
