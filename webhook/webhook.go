package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"
)

// Tolerance is how far a delivery's timestamp may be from the clock, in
// either direction, as the Standard Webhooks specification recommends and
// Svix's libraries apply. It bounds how long a captured delivery can be
// replayed; it is not configurable.
const Tolerance = 5 * time.Minute

// MaxBodyBytes is the largest body [Verifier.Verify] accepts: 1 MiB.
// Clerk's payloads are a few KiB and the specification recommends under
// 20 KB; the bound keeps a forged delivery from costing more than a
// megabyte of hashing and JSON parsing.
const MaxBodyBytes = 1 << 20

// Config configures a [Verifier]. The zero value is not usable: Secret is
// required.
type Config struct {
	// Secret is the endpoint's signing secret exactly as Clerk's dashboard
	// shows it (CLERK_WEBHOOK_SIGNING_SECRET): "whsec_" and the standard,
	// padded base64 of 24 to 64 random bytes. Required. A secret without
	// the prefix is refused rather than guessed at: the prefix is how the
	// specification tells a symmetric secret from other key kinds.
	Secret string
	// Now is the clock the timestamp is checked against. Nil means
	// time.Now.
	Now func() time.Time
}

// Verifier checks Svix / Standard Webhooks signatures with one signing
// secret. It is safe for concurrent use and holds no state beyond its key
// and clock. The zero value and nil are not usable: get one from [New].
type Verifier struct {
	key []byte
	now func() time.Time
}

// New validates cfg and returns a Verifier. A bad secret fails with an
// error wrapping [ErrSecretInvalid] that does not quote the secret.
func New(cfg Config) (*Verifier, error) {
	key, err := decodeSecret(cfg.Secret)
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Verifier{key: key, now: now}, nil
}

// Verify checks one delivery whose headers are an http.Header and returns
// its event. Names match case-insensitively, also for keys set by hand
// without canonicalisation; of several values the first counts. The checks
// and errors are those of [Verifier.VerifyMap]; a nil header has none of
// the headers.
func (v *Verifier) Verify(header http.Header, body []byte) (*Event, error) {
	return v.verify(pickHeaders(httpHeaderGetter(header)), body)
}

// VerifyMap checks one delivery whose headers are a map of name to value
// (names matched case-insensitively; nil has none), as authsvc's
// VerifyWebhook request carries them, and returns its event. The checks
// run in this order, and the first that fails decides the error:
//
//  1. the body is at most [MaxBodyBytes] ([ErrBodyTooLarge]);
//  2. the id, timestamp and signature headers are present and not empty,
//     all from the svix- set when any svix- name is present, else from the
//     webhook- set ([ErrHeadersMissing]);
//  3. the timestamp is decimal Unix seconds ([ErrTimestampMalformed]);
//  4. it is within [Tolerance] of the clock ([ErrTimestampOutOfRange]);
//  5. one of the v1 signatures is HMAC-SHA256 of "id.timestamp.body",
//     compared in constant time ([ErrSignatureInvalid]);
//  6. the body is a JSON object with a non-empty string "type"
//     ([ErrPayloadInvalid]).
//
// It does not remember ids: a delivery replayed within the tolerance
// verifies again. Use [Event.ID] as an idempotency key to drop repeats.
func (v *Verifier) VerifyMap(header map[string]string, body []byte) (*Event, error) {
	return v.verify(pickHeaders(mapHeaderGetter(header)), body)
}

func (v *Verifier) verify(h signedHeaders, body []byte) (*Event, error) {
	// 1. Bound the work a forged delivery can cause.
	if len(body) > MaxBodyBytes {
		return nil, ErrBodyTooLarge
	}
	// 2. All three headers, from one set.
	if h.id == "" || h.timestamp == "" || h.signature == "" {
		return nil, ErrHeadersMissing
	}
	// 3. and 4. The timestamp, before any hashing.
	ts, err := parseTimestamp(h.timestamp)
	if err != nil {
		return nil, err
	}
	if skew := v.now().Unix() - ts; skew > int64(Tolerance/time.Second) || skew < -int64(Tolerance/time.Second) {
		return nil, ErrTimestampOutOfRange
	}
	// 5. Any listed v1 signature; every one is compared.
	if !v.matches(h.id, h.timestamp, body, parseSignatureHeader(h.signature)) {
		return nil, ErrSignatureInvalid
	}
	// 6. Only now is the body read.
	ev, err := parseEvent(body)
	if err != nil {
		return nil, err
	}
	ev.ID, ev.Timestamp = h.id, time.Unix(ts, 0).UTC()
	return ev, nil
}

// matches reports whether any of sigs is the signature of the delivery.
// Each comparison is constant-time in the signature's content.
func (v *Verifier) matches(id, timestamp string, body []byte, sigs []string) bool {
	want := []byte(v.sign(id, timestamp, body))
	ok := false
	for _, sig := range sigs {
		if hmac.Equal([]byte(sig), want) {
			ok = true
		}
	}
	return ok
}

// Sign returns the "v1,<signature>" entry a sender would put in the
// signature header for this id, timestamp and body. It is for tests and
// local tools that need to produce deliveries a Verifier accepts; it
// checks nothing.
func (v *Verifier) Sign(id string, timestamp time.Time, body []byte) string {
	return "v1," + v.sign(id, strconv.FormatInt(timestamp.Unix(), 10), body)
}

// sign is the base64 HMAC-SHA256 of "id.timestamp.body".
func (v *Verifier) sign(id, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, v.key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// parseTimestamp reads decimal Unix seconds: ASCII digits only, no sign.
func parseTimestamp(s string) (int64, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, ErrTimestampMalformed
		}
	}
	ts, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, ErrTimestampMalformed
	}
	return ts, nil
}
