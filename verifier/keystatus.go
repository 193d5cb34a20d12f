package verifier

import (
	"errors"
	"net"
	"time"
)

// KeyStatus is the state of a [Verifier]'s key source at one moment, for
// readiness checks and metrics. Read it with [Verifier.KeyStatus]; the
// same value arrives with every [KeyEvent].
type KeyStatus struct {
	// Ready reports that verification can work: an inline key is
	// configured, or the remote key set has loaded and Clerk did not reject
	// the secret key on the last attempt. A refresh that fails for any
	// other reason (Clerk unreachable, a 5xx) leaves Ready true, because the
	// keys already loaded keep serving. False before the first load and
	// when no key source is configured.
	Ready bool
	// Cause is the error of the last fetch attempt: an [*Error] with
	// [ReasonKeyFetch] or [ReasonSecretKeyInvalid]; nil after a successful
	// fetch, before the first attempt and for an inline key. With no key
	// source at all it is a [ReasonKeyMissing] error. It never contains the
	// secret key.
	Cause error
	// Keys is the number of usable keys held: 1 for an inline key, 0 before
	// the remote key set first loads. Stale keys count.
	Keys int
	// LastSuccess is when the remote key set last loaded (by the Verifier's
	// clock, [Config.Now]); zero before the first load and for an inline key.
	LastSuccess time.Time
	// Fetches counts the finished fetch attempts of the remote key set, and
	// FetchErrors those of them that failed. Both only grow.
	Fetches, FetchErrors int64
}

// KeyEvent reports one finished fetch attempt of the remote key set to
// [Config.OnKeyEvent].
type KeyEvent struct {
	// Err is the attempt's error ([*Error], never containing the secret
	// key), nil when the attempt loaded a key set.
	Err error
	// Changed reports that the outcome differs from the previous attempt's:
	// the first attempt, a success after a failure, a failure after a
	// success, or a failure for another cause. A failure for the same cause
	// (the same reason and message, ignoring the local address of a network
	// error) is not a change. Log when Changed to log once per cause.
	Changed bool
	// Duration is how long the attempt took (wall clock).
	Duration time.Duration
	// Status is the key source's state right after the attempt.
	Status KeyStatus
}

// KeyStatus returns the current state of the key source. It takes no lock
// and does not allocate: cheap enough for every metrics scrape or readiness
// probe. Safe for concurrent use.
func (v *Verifier) KeyStatus() KeyStatus {
	switch {
	case v.remote != nil:
		if s := v.remote.status.Load(); s != nil {
			return *s
		}
		return KeyStatus{}
	case v.keys != nil:
		return KeyStatus{Ready: true, Keys: 1}
	default:
		return KeyStatus{Cause: errNoKeySource}
	}
}

var errNoKeySource = &Error{Reason: ReasonKeyMissing, Detail: "no inline key and no secret key configured"}

// Preload starts loading the remote key set in the background and returns
// at once. A failed load is retried every [Config.RetryInterval] until the
// key set loads or the Verifier is closed; each attempt is reported to
// [Config.OnKeyEvent] and shows in [Verifier.KeyStatus]. Services call it
// at start, so that readiness reflects the key set before the first
// request. It does nothing for an inline key or no key source, after
// [Verifier.Close], once keys are loaded, or while a fetch is in flight.
// Without Preload, the first verification loads the key set. Safe for
// concurrent use.
func (v *Verifier) Preload() {
	if v.remote != nil && v.remote.snap.Load() == nil {
		v.remote.startFetch()
	}
}

// keyTally is what remoteKeySet remembers across attempts for KeyStatus and
// KeyEvent.
type keyTally struct {
	fetches, errors int64
	cause           string // causeKey of the last attempt
}

// record counts one finished attempt, publishes the new status and returns
// the attempt's event. r.mu is held and r.lastErr and r.snap are current.
func (r *remoteKeySet) record(err error, took time.Duration) KeyEvent {
	t := &r.tally
	t.fetches++
	if err != nil {
		t.errors++
	}
	cause := causeKey(err)
	changed := t.fetches == 1 || cause != t.cause
	t.cause = cause
	st := KeyStatus{Ready: r.usable(), Cause: err, Fetches: t.fetches, FetchErrors: t.errors}
	if s := r.snap.Load(); s != nil {
		st.Keys, st.LastSuccess = len(s.keys), s.fetchedAt
	}
	r.status.Store(&st)
	return KeyEvent{Err: err, Changed: changed, Duration: took, Status: st}
}

// causeKey identifies a failure's cause: its message, except that a network
// error is identified by operation, remote address and cause, without the
// local address, which changes with every connection.
func causeKey(err error) string {
	if err == nil {
		return ""
	}
	var op *net.OpError
	if !errors.As(err, &op) {
		return err.Error()
	}
	key := string(ReasonOf(err)) + "|" + op.Op + "|" + op.Net
	if op.Addr != nil {
		key += "|" + op.Addr.String()
	}
	if op.Err != nil {
		key += "|" + op.Err.Error()
	}
	return key
}
