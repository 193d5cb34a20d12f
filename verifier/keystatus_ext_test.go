package verifier_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// eventLog collects KeyEvents and proves they never overlap.
type eventLog struct {
	mu      sync.Mutex
	events  []verifier.KeyEvent
	busy    atomic.Bool
	overlap atomic.Bool
	ch      chan verifier.KeyEvent
}

func newEventLog() *eventLog { return &eventLog{ch: make(chan verifier.KeyEvent, 1000)} }

func (l *eventLog) on(ev verifier.KeyEvent) {
	if !l.busy.CompareAndSwap(false, true) {
		l.overlap.Store(true)
	}
	defer l.busy.Store(false)
	l.mu.Lock()
	l.events = append(l.events, ev)
	l.mu.Unlock()
	select {
	case l.ch <- ev:
	default: // never block the key set (Close waits for the callback)
	}
}

// next waits (up to 10 s) for the next event.
func (l *eventLog) next(t *testing.T) verifier.KeyEvent {
	t.Helper()
	select {
	case ev := <-l.ch:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no key event within 10 s")
		return verifier.KeyEvent{}
	}
}

// backgroundVerifier fetches from iss on the real clock with short retry
// gaps, reporting to l.
func backgroundVerifier(t *testing.T, iss *verifiertest.Issuer, l *eventLog) *verifier.Verifier {
	t.Helper()
	cfg := iss.Config()
	cfg.RetryInterval = 10 * time.Millisecond
	cfg.MinRefreshInterval = time.Millisecond
	cfg.OnKeyEvent = l.on
	return mustNew(t, cfg)
}

func TestKeyStatusWithoutRemote(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	tests := []struct {
		name       string
		cfg        verifier.Config
		want       verifier.KeyStatus
		wantReason verifier.Reason
	}{
		{name: "inline key: ready at once", cfg: verifier.Config{JWTKey: iss.PublicKeyPEM()},
			want: verifier.KeyStatus{Ready: true, Keys: 1}},
		{name: "no key source: never ready", cfg: verifier.Config{}, wantReason: verifier.ReasonKeyMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := mustNew(t, tt.cfg)
			v.Preload() // nothing to load
			got := v.KeyStatus()
			if r := verifier.ReasonOf(got.Cause); r != tt.wantReason {
				t.Errorf("cause reason = %q, want %q", r, tt.wantReason)
			}
			got.Cause = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("KeyStatus (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPreloadRetriesInBackground: DESIGN Operations, Readiness. The key set
// is fetched at start; failures are retried by the key set itself (no call
// is made here) until it loads; each attempt is one event, the same cause
// twice is not a change, and events never overlap.
func TestPreloadRetriesInBackground(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	iss.SetDown(true)
	l := newEventLog()
	v := backgroundVerifier(t, iss, l)
	if st := v.KeyStatus(); st.Ready || st.Fetches != 0 {
		t.Fatalf("KeyStatus before Preload = %+v, want not ready, no fetches", st)
	}
	v.Preload()
	type got struct {
		Reason  verifier.Reason
		Changed bool
		Ready   bool
	}
	var seen []got
	record := func(ev verifier.KeyEvent) {
		seen = append(seen, got{verifier.ReasonOf(ev.Err), ev.Changed, ev.Status.Ready})
	}
	record(l.next(t))
	record(l.next(t))
	iss.SetDown(false)
	iss.SetRejecting(true)
	for ev := l.next(t); ; ev = l.next(t) { // a 503 may still be on its way
		record(ev)
		if verifier.ReasonOf(ev.Err) == verifier.ReasonSecretKeyInvalid {
			break
		}
	}
	record(l.next(t))
	iss.SetRejecting(false)
	for ev := l.next(t); ; ev = l.next(t) {
		record(ev)
		if ev.Err == nil {
			break
		}
	}
	// Each phase: its first event (a change), then repeats that are not.
	want := []got{
		{verifier.ReasonKeyFetch, true, false}, {verifier.ReasonKeyFetch, false, false},
		{verifier.ReasonSecretKeyInvalid, true, false}, {verifier.ReasonSecretKeyInvalid, false, false},
		{"", true, true},
	}
	if diff := cmp.Diff(want, collapse(seen)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	st := v.KeyStatus()
	if !st.Ready || st.Cause != nil || st.Keys != 1 || st.LastSuccess.IsZero() ||
		st.Fetches != int64(len(seen)) || st.FetchErrors != int64(len(seen)-1) {
		t.Errorf("KeyStatus after recovery = %+v, want ready, 1 key, %d fetches, %d errors", st, len(seen), len(seen)-1)
	}
	if l.overlap.Load() {
		t.Error("OnKeyEvent calls overlapped")
	}
	if n := iss.JWKSFetches(); n != len(seen) {
		t.Errorf("JWKS fetches = %d, events = %d: every attempt is one event", n, len(seen))
	}
}

// collapse drops consecutive repeats.
func collapse[T comparable](in []T) []T {
	var out []T
	for i, x := range in {
		if i == 0 || in[i-1] != x {
			out = append(out, x)
		}
	}
	return out
}

// TestKeyStatusRejectedAfterWarmUp: DESIGN "and again while Clerk rejects
// the secret key". After the first load, a 401 makes the verifier unready
// (the loaded keys still verify) and the background retry sees the fix; a
// plain outage keeps it ready.
func TestKeyStatusRejectedAfterWarmUp(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	l := newEventLog()
	v := backgroundVerifier(t, iss, l)
	v.Preload()
	if ev := l.next(t); ev.Err != nil || !ev.Status.Ready || !ev.Changed {
		t.Fatalf("first event = %+v, want a ready success", ev)
	}
	refresh := func() { // an unknown kid makes the verifier refetch
		t.Helper()
		tok := iss.MintWithHeader(t, map[string]any{"alg": "RS256", "kid": "ins_unknown"}, nil)
		_, _ = v.Verify(context.Background(), tok)
	}

	iss.SetDown(true)
	time.Sleep(2 * time.Millisecond) // past MinRefreshInterval (1 ms): not a synchronisation
	refresh()
	if ev := l.next(t); ev.Err == nil || !ev.Status.Ready || !ev.Changed {
		t.Fatalf("outage after warm-up: event = %+v, want a failure that keeps Ready", ev)
	}
	iss.SetDown(false)
	iss.SetRejecting(true)
	time.Sleep(20 * time.Millisecond) // past the backed-off gap
	refresh()
	ev := l.next(t)
	for ; verifier.ReasonOf(ev.Err) != verifier.ReasonSecretKeyInvalid; ev = l.next(t) {
		if ev.Err == nil {
			t.Fatalf("event = %+v before the rejection", ev)
		}
	}
	if ev.Status.Ready || ev.Status.Keys != 1 {
		t.Fatalf("rejected after warm-up: status = %+v, want not ready, the old key kept", ev.Status)
	}
	verifyOK(t, v, iss.Mint(t, nil)) // stale keys still verify
	iss.SetRejecting(false)
	for ev = l.next(t); ev.Err != nil; ev = l.next(t) { // the background loop, no call
	}
	if !ev.Status.Ready || !ev.Changed {
		t.Errorf("recovery event = %+v, want ready and changed", ev)
	}
}

// TestCloseStopsTheRetryLoop: Close ends background retries.
func TestCloseStopsTheRetryLoop(t *testing.T) {
	t.Parallel()
	iss := verifiertest.NewIssuer(t)
	iss.SetDown(true)
	l := newEventLog()
	cfg := iss.Config()
	cfg.RetryInterval = time.Millisecond
	cfg.OnKeyEvent = l.on
	v, err := verifier.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v.Preload()
	l.next(t)
	l.next(t) // the loop is running
	v.Close()
	// A request the last attempt sent before Close may still reach the
	// server after Close returns (the client stops waiting, the handler
	// runs anyway); let it land, then no more may follow.
	time.Sleep(20 * time.Millisecond)
	n := iss.JWKSFetches()
	time.Sleep(30 * time.Millisecond) // thirty retry intervals
	if got := iss.JWKSFetches(); got != n {
		t.Errorf("fetches went from %d to %d after Close", n, got)
	}
}
