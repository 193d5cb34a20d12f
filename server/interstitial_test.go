package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// pageServer is an httptest Backend API serving /v1/internal/interstitial.
// Each answer is "<html>N</html>" with N the request count; fail makes it
// answer 500; when gate is non-nil each request waits for it.
type pageServer struct {
	*httptest.Server
	hits    atomic.Int64
	fail    atomic.Bool
	entered chan struct{} // receives once per request when set
	gate    chan struct{}
}

func newPageServer(t *testing.T, gated bool) *pageServer {
	t.Helper()
	ps := &pageServer{}
	if gated {
		ps.entered, ps.gate = make(chan struct{}, 100), make(chan struct{})
	}
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ps.hits.Add(1)
		if ps.gate != nil {
			ps.entered <- struct{}{}
			<-ps.gate
		}
		if r.URL.Path != "/v1/internal/interstitial" || ps.fail.Load() {
			http.Error(w, "unavailable", http.StatusInternalServerError)
			return
		}
		_, _ = fmt.Fprintf(w, "<html>%d</html>", n)
	}))
	t.Cleanup(ps.Close)
	return ps
}

// fetch is a small interstitial fetcher over net/http, as the Backend API
// client's GetInterstitial is.
func (ps *pageServer) fetch(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ps.URL+"/v1/internal/interstitial", nil)
	if err != nil {
		return "", err
	}
	resp, err := ps.Client().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b), err
}

// manualClock is an injectable clock the test moves by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *manualClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// waitIdle waits until no fetch is in flight and its outcome is published.
func waitIdle(t *testing.T, c *InterstitialCache) {
	t.Helper()
	for range 2000 {
		c.mu.Lock()
		idle := c.inflight == nil
		c.mu.Unlock()
		if idle {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("interstitial fetch still in flight")
}

func mustGet(t *testing.T, c *InterstitialCache, want string) {
	t.Helper()
	got, err := c.Get(context.Background())
	if err != nil || got != want {
		t.Fatalf("Get = %q, %v; want %q", got, err, want)
	}
}

// TestInterstitialCacheTTL: a page is kept for the TTL, then served stale
// while one refresh runs, then replaced.
func TestInterstitialCacheTTL(t *testing.T) {
	t.Parallel()
	ps := newPageServer(t, false)
	clock := &manualClock{t: time.Unix(1_700_000_000, 0)}
	c := NewInterstitialCache(ps.fetch, 0, clock.now)
	mustGet(t, c, "<html>1</html>")
	clock.add(DefaultInterstitialTTL - time.Second)
	mustGet(t, c, "<html>1</html>")
	if n := ps.hits.Load(); n != 1 {
		t.Fatalf("fetches within the TTL = %d, want 1", n)
	}
	clock.add(time.Second)
	mustGet(t, c, "<html>1</html>") // expired: stale while the refresh runs
	waitIdle(t, c)
	mustGet(t, c, "<html>2</html>")
	if n := ps.hits.Load(); n != 2 {
		t.Errorf("fetches = %d, want 2", n)
	}
}

// TestInterstitialCacheSharedFetch: concurrent callers share one fetch.
func TestInterstitialCacheSharedFetch(t *testing.T) {
	t.Parallel()
	ps := newPageServer(t, true)
	c := NewInterstitialCache(ps.fetch, time.Minute, nil)
	const callers = 50
	var wg sync.WaitGroup
	pages := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() { pages[i], errs[i] = c.Get(context.Background()) })
	}
	<-ps.entered
	time.Sleep(20 * time.Millisecond) // let the others queue up behind the flight
	close(ps.gate)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || pages[i] != "<html>1</html>" {
			t.Fatalf("caller %d: %q, %v", i, pages[i], errs[i])
		}
	}
	if n := ps.hits.Load(); n != 1 {
		t.Errorf("fetches for %d concurrent callers = %d, want 1", callers, n)
	}
}

// TestInterstitialCacheWaiterLeaves: a caller whose ctx ends stops waiting,
// and the shared fetch still completes for everyone else.
func TestInterstitialCacheWaiterLeaves(t *testing.T) {
	t.Parallel()
	ps := newPageServer(t, true)
	c := NewInterstitialCache(ps.fetch, time.Minute, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.Get(ctx); done <- err }()
	<-ps.entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Get after cancel: %v, want context.Canceled", err)
	}
	close(ps.gate)
	waitIdle(t, c)
	mustGet(t, c, "<html>1</html>")
	if n := ps.hits.Load(); n != 1 {
		t.Errorf("fetches = %d, want 1", n)
	}
}

// TestInterstitialCacheFailures: errors are not cached before the first
// page; after it, a failed refresh keeps the older page and backs off.
func TestInterstitialCacheFailures(t *testing.T) {
	t.Parallel()
	ps := newPageServer(t, false)
	clock := &manualClock{t: time.Unix(1_700_000_000, 0)}
	c := NewInterstitialCache(ps.fetch, time.Minute, clock.now)
	ps.fail.Store(true)
	if _, err := c.Get(context.Background()); err == nil {
		t.Fatal("Get with a failing Backend API: no error")
	}
	ps.fail.Store(false)
	mustGet(t, c, "<html>2</html>") // the error was not cached
	ps.fail.Store(true)
	clock.add(time.Minute)
	mustGet(t, c, "<html>2</html>") // stale, refresh fails in the background
	waitIdle(t, c)
	mustGet(t, c, "<html>2</html>") // kept, and within the backoff: no fetch
	if n := ps.hits.Load(); n != 3 {
		t.Fatalf("fetches = %d, want 3", n)
	}
	ps.fail.Store(false)
	clock.add(interstitialRetryBackoff)
	mustGet(t, c, "<html>2</html>")
	waitIdle(t, c)
	mustGet(t, c, "<html>4</html>")
}

func TestInterstitialCacheBadFetchers(t *testing.T) {
	t.Parallel()
	if _, err := NewInterstitialCache(nil, 0, nil).Get(context.Background()); !errors.Is(err, errNoInterstitial) {
		t.Errorf("nil fetcher: %v, want errNoInterstitial", err)
	}
	panicky := NewInterstitialCache(func(context.Context) (string, error) { panic("boom") }, 0, nil)
	if _, err := panicky.Get(context.Background()); err == nil {
		t.Error("panicking fetcher: no error")
	}
}

// TestGetAuthStateInterstitial: include_interstitial fetches the page only
// for an interstitial status, and a failed fetch is reported in
// interstitial_error without changing status or reason.
func TestGetAuthStateInterstitial(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	cfg := verifier.Config{JWTKey: iss.PublicKeyPEM(), SecretKey: "sk_live_abc"}
	uatOnly := &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"cookie": "__client_uat=123"}, IncludeInterstitial: true}
	signedOut := &authsvcv1.GetAuthStateRequest{Headers: map[string]string{"cookie": "__client_uat=0"}, IncludeInterstitial: true}
	type result struct {
		Status            authsvcv1.AuthStatus
		Reason, HTML, Err string
		Hits              int64
	}
	interstitial := authsvcv1.AuthStatus_AUTH_STATUS_INTERSTITIAL
	tests := []struct {
		name    string
		req     *authsvcv1.GetAuthStateRequest
		fail    bool
		noFetch bool
		want    result
	}{
		{"interstitial with the page", uatOnly, false, false, result{interstitial, "cookie-missing", "<html>1</html>", "", 1}},
		{"interstitial, page not asked for", &authsvcv1.GetAuthStateRequest{Headers: uatOnly.Headers}, false, false, result{interstitial, "cookie-missing", "", "", 0}},
		{"signed out never fetches", signedOut, false, false, result{authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT, "standard-signed-out", "", "", 0}},
		{"fetch fails: status and reason stand", uatOnly, true, false, result{interstitial, "cookie-missing", "", interstitialFailed, 1}},
		{"no fetcher configured", uatOnly, false, true, result{interstitial, "cookie-missing", "", interstitialNotConfigured, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ps := newPageServer(t, false)
			ps.fail.Store(tt.fail)
			var fetch func(context.Context) (string, error)
			if !tt.noFetch {
				fetch = NewInterstitialCache(ps.fetch, 0, nil).Get
			}
			client := newTestClient(t, newASServer(t, cfg, fetch), GRPCOptions{})
			resp, err := client.GetAuthState(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("GetAuthState: %v", err)
			}
			got := result{resp.GetStatus(), resp.GetReason(), resp.GetInterstitialHtml(), resp.GetInterstitialError(), ps.hits.Load()}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GetAuthState (-want +got):\n%s", diff)
			}
		})
	}
}
