package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsvc/authsvc/webhook"
)

// The vectors are computed here, from a key this file chooses, with
// crypto/hmac directly: they do not use the package's own signing.
var (
	testKey    = []byte("authsvc-webhook-test-key-32bytes") // 32 bytes
	otherKey   = []byte("a-different-key-of-thirty-two-by")
	testSecret = "whsec_" + base64.StdEncoding.EncodeToString(testKey)
	testNow    = time.Unix(1_700_000_000, 0)
	testBody   = []byte(`{"data":{"id":"user_29w83sxmDNGwOuEthce5gg56FcC","object":"user"},"instance_id":"ins_123","object":"event","timestamp":1699999999123,"type":"user.created"}`)
)

// sign is "v1," + base64(HMAC-SHA256(key, id.ts.body)).
func sign(key []byte, id, ts string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func newTestVerifier(t *testing.T) *webhook.Verifier {
	t.Helper()
	v, err := webhook.New(webhook.Config{Secret: testSecret, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

// delivery is one request as a map of headers, svix- names, signed with
// testKey at ts over testBody unless a row changes it.
func delivery(ts time.Time) map[string]string {
	t := strconv.FormatInt(ts.Unix(), 10)
	return map[string]string{
		"svix-id":        "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
		"svix-timestamp": t,
		"svix-signature": sign(testKey, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", t, testBody),
	}
}

func with(h map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<delete>" {
			delete(out, kv[i])
			continue
		}
		out[kv[i]] = kv[i+1]
	}
	return out
}

// webhookNames renames svix-* to webhook-*.
func webhookNames(h map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[strings.Replace(k, "svix-", "webhook-", 1)] = v
	}
	return out
}

func TestVerifyMap(t *testing.T) {
	t.Parallel()
	good := delivery(testNow)
	goodSig := good["svix-signature"]
	ts := good["svix-timestamp"]
	tests := []struct {
		name    string
		header  map[string]string
		body    []byte
		wantErr error
	}{
		{name: "valid", header: good, body: testBody},
		{name: "valid/webhook- names", header: webhookNames(good), body: testBody},
		{name: "valid/names in upper case", header: map[string]string{"SVIX-ID": good["svix-id"], "Svix-Timestamp": ts, "svix-SIGNATURE": goodSig}, body: testBody},
		{name: "valid/timestamp exactly 5 min old", header: delivery(testNow.Add(-webhook.Tolerance)), body: testBody},
		{name: "valid/timestamp exactly 5 min ahead", header: delivery(testNow.Add(webhook.Tolerance)), body: testBody},
		{name: "valid/several signatures, the last matches", header: with(good, "svix-signature", sign(otherKey, "msg_x", ts, testBody)+" "+sign(otherKey, good["svix-id"], ts, testBody)+" "+goodSig), body: testBody},
		{name: "valid/several signatures, the first matches", header: with(good, "svix-signature", goodSig+" "+sign(otherKey, good["svix-id"], ts, testBody)), body: testBody},
		{name: "valid/v2 and v1a entries ignored beside a v1", header: with(good, "svix-signature", "v2,"+strings.TrimPrefix(goodSig, "v1,")+" v1a,AAAA "+goodSig), body: testBody},
		{name: "valid/extra spaces between entries", header: with(good, "svix-signature", "  v1,bm9wZQ==   "+goodSig+"  "), body: testBody},

		{name: "signature/tampered body", header: good, body: []byte(strings.Replace(string(testBody), "user.created", "user.deleted", 1)), wantErr: webhook.ErrSignatureInvalid},
		{name: "signature/body with a trailing newline", header: good, body: append(append([]byte(nil), testBody...), '\n'), wantErr: webhook.ErrSignatureInvalid},
		{name: "signature/wrong secret", header: with(good, "svix-signature", sign(otherKey, good["svix-id"], ts, testBody)), body: testBody, wantErr: webhook.ErrSignatureInvalid},
		{name: "signature/tampered id", header: with(good, "svix-id", "msg_other"), body: testBody, wantErr: webhook.ErrSignatureInvalid},
		{name: "signature/tampered timestamp within tolerance", header: with(good, "svix-timestamp", strconv.FormatInt(testNow.Unix()+1, 10)), body: testBody, wantErr: webhook.ErrSignatureInvalid},
		{name: "signature/valid signature under v2 only", header: with(good, "svix-signature", "v2,"+strings.TrimPrefix(goodSig, "v1,")), body: testBody, wantErr: webhook.ErrSignatureInvalid},
		{name: "signature/only v1a entries", header: with(good, "svix-signature", "v1a,"+strings.TrimPrefix(goodSig, "v1,")), body: testBody, wantErr: webhook.ErrSignatureInvalid},
		{name: "signature/no comma", header: with(good, "svix-signature", strings.TrimPrefix(goodSig, "v1,")), body: testBody, wantErr: webhook.ErrSignatureInvalid},
		{name: "signature/truncated", header: with(good, "svix-signature", goodSig[:len(goodSig)-2]), body: testBody, wantErr: webhook.ErrSignatureInvalid},
		{name: "signature/hex instead of base64", header: with(good, "svix-signature", "v1,"+strings.Repeat("ab", 32)), body: testBody, wantErr: webhook.ErrSignatureInvalid},
		{name: "signature/svix- set chosen, webhook- signature ignored", header: with(good, "svix-signature", "v1,bm9wZQ==", "webhook-signature", goodSig), body: testBody, wantErr: webhook.ErrSignatureInvalid},

		{name: "timestamp/old by more than 5 min", header: delivery(testNow.Add(-webhook.Tolerance - time.Second)), body: testBody, wantErr: webhook.ErrTimestampOutOfRange},
		{name: "timestamp/future by more than 5 min", header: delivery(testNow.Add(webhook.Tolerance + time.Second)), body: testBody, wantErr: webhook.ErrTimestampOutOfRange},
		{name: "timestamp/zero", header: with(good, "svix-timestamp", "0"), body: testBody, wantErr: webhook.ErrTimestampOutOfRange},
		{name: "timestamp/out of range is checked before the signature", header: with(delivery(testNow.Add(-time.Hour)), "svix-signature", "v1,bm9wZQ=="), body: testBody, wantErr: webhook.ErrTimestampOutOfRange},
		{name: "timestamp/in milliseconds", header: with(good, "svix-timestamp", ts+"000"), body: testBody, wantErr: webhook.ErrTimestampOutOfRange},

		{name: "headers/missing id", header: with(good, "svix-id", "<delete>"), body: testBody, wantErr: webhook.ErrHeadersMissing},
		{name: "headers/missing timestamp", header: with(good, "svix-timestamp", "<delete>"), body: testBody, wantErr: webhook.ErrHeadersMissing},
		{name: "headers/missing signature", header: with(good, "svix-signature", "<delete>"), body: testBody, wantErr: webhook.ErrHeadersMissing},
		{name: "headers/empty id", header: with(good, "svix-id", " "), body: testBody, wantErr: webhook.ErrHeadersMissing},
		{name: "headers/none", header: nil, body: testBody, wantErr: webhook.ErrHeadersMissing},
		{name: "headers/sets mixed: svix-id with webhook- others", header: map[string]string{"svix-id": good["svix-id"], "webhook-timestamp": ts, "webhook-signature": goodSig}, body: testBody, wantErr: webhook.ErrHeadersMissing},
		{name: "headers/timestamp not a number", header: with(good, "svix-timestamp", "yesterday"), body: testBody, wantErr: webhook.ErrTimestampMalformed},
		{name: "headers/timestamp negative", header: with(good, "svix-timestamp", "-"+ts), body: testBody, wantErr: webhook.ErrTimestampMalformed},
		{name: "headers/timestamp with a plus sign", header: with(good, "svix-timestamp", "+"+ts), body: testBody, wantErr: webhook.ErrTimestampMalformed},
		{name: "headers/timestamp fractional", header: with(good, "svix-timestamp", ts+".5"), body: testBody, wantErr: webhook.ErrTimestampMalformed},
		{name: "headers/timestamp overflows int64", header: with(good, "svix-timestamp", "99999999999999999999"), body: testBody, wantErr: webhook.ErrTimestampMalformed},

		{name: "body/larger than MaxBodyBytes", header: good, body: make([]byte, webhook.MaxBodyBytes+1), wantErr: webhook.ErrBodyTooLarge},
	}
	v := newTestVerifier(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := v.VerifyMap(tt.header, tt.body)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("VerifyMap: err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if ev != nil {
					t.Errorf("VerifyMap returned an event with error %v", err)
				}
				return
			}
			if ev.Type != "user.created" || ev.ID == "" {
				t.Errorf("event = %+v", ev)
			}
		})
	}
}

// TestVerifyPayload covers rule 6: the signature verifies, the body is
// not an event.
func TestVerifyPayload(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		want    *webhook.Event
		wantErr error
	}{
		{name: "Clerk event", body: string(testBody), want: &webhook.Event{
			ID: "msg_1", Timestamp: testNow.UTC(), Type: "user.created", Object: "event",
			Data:    json.RawMessage(`{"id":"user_29w83sxmDNGwOuEthce5gg56FcC","object":"user"}`),
			Payload: json.RawMessage(testBody),
		}},
		{name: "no data, no object", body: `{"type":"ping"}`, want: &webhook.Event{ID: "msg_1", Timestamp: testNow.UTC(), Type: "ping", Payload: json.RawMessage(`{"type":"ping"}`)}},
		{name: "object not a string is left empty", body: `{"type":"ping","object":7}`, want: &webhook.Event{ID: "msg_1", Timestamp: testNow.UTC(), Type: "ping", Payload: json.RawMessage(`{"type":"ping","object":7}`)}},
		{name: "not JSON", body: `type=user.created`, wantErr: webhook.ErrPayloadInvalid},
		{name: "empty body", body: ``, wantErr: webhook.ErrPayloadInvalid},
		{name: "JSON null", body: `null`, wantErr: webhook.ErrPayloadInvalid},
		{name: "JSON array", body: `[{"type":"user.created"}]`, wantErr: webhook.ErrPayloadInvalid},
		{name: "type missing", body: `{"data":{}}`, wantErr: webhook.ErrPayloadInvalid},
		{name: "type a number", body: `{"type":1}`, wantErr: webhook.ErrPayloadInvalid},
		{name: "type empty", body: `{"type":""}`, wantErr: webhook.ErrPayloadInvalid},
		{name: "type in another case only", body: `{"TYPE":"user.created"}`, wantErr: webhook.ErrPayloadInvalid},
		{name: "trailing garbage", body: `{"type":"x"} {}`, wantErr: webhook.ErrPayloadInvalid},
	}
	v := newTestVerifier(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := strconv.FormatInt(testNow.Unix(), 10)
			h := map[string]string{"webhook-id": "msg_1", "webhook-timestamp": ts, "webhook-signature": sign(testKey, "msg_1", ts, []byte(tt.body))}
			got, err := v.VerifyMap(h, []byte(tt.body))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("VerifyMap: err = %v, want %v", err, tt.wantErr)
			}
			if webhook.ReasonOf(err) != "" {
				t.Errorf("ReasonOf(%v) = %q, want none", err, webhook.ReasonOf(err))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVerifyHTTPHeader covers the http.Header entry point: canonical keys,
// hand-built lower-case keys, and the first of several values.
func TestVerifyHTTPHeader(t *testing.T) {
	t.Parallel()
	good := delivery(testNow)
	canonical := http.Header{}
	for k, val := range webhookNames(good) {
		canonical.Set(k, val)
	}
	lower := http.Header{}
	for k, val := range good {
		lower[k] = []string{val}
	}
	tests := []struct {
		name    string
		header  http.Header
		wantErr error
	}{
		{name: "canonical webhook- keys", header: canonical},
		{name: "lower-case svix- keys set by hand", header: lower},
		{name: "first value counts", header: func() http.Header {
			h := canonical.Clone()
			h.Add("Webhook-Signature", "v1,bm9wZQ==")
			return h
		}()},
		{name: "nil header", header: nil, wantErr: webhook.ErrHeadersMissing},
		{name: "empty value list", header: http.Header{"Webhook-Id": {}, "Webhook-Timestamp": canonical["Webhook-Timestamp"], "Webhook-Signature": canonical["Webhook-Signature"]}, wantErr: webhook.ErrHeadersMissing},
	}
	v := newTestVerifier(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := v.Verify(tt.header, testBody)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Verify: err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestReasonOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{name: "headers missing", err: webhook.ErrHeadersMissing, want: "webhook-headers-missing"},
		{name: "timestamp malformed is headers missing", err: webhook.ErrTimestampMalformed, want: "webhook-headers-missing"},
		{name: "timestamp out of range", err: webhook.ErrTimestampOutOfRange, want: "webhook-timestamp-out-of-range"},
		{name: "signature invalid", err: webhook.ErrSignatureInvalid, want: "webhook-signature-invalid"},
		{name: "body too large has none", err: webhook.ErrBodyTooLarge, want: ""},
		{name: "payload invalid has none", err: webhook.ErrPayloadInvalid, want: ""},
		{name: "nil has none", err: nil, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := webhook.ReasonOf(tt.err); got != tt.want {
				t.Errorf("ReasonOf = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestNewSecret covers the secret formats New accepts and refuses; no
// error message may contain the secret's text.
func TestNewSecret(t *testing.T) {
	t.Parallel()
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name    string
		secret  string
		wantErr error
	}{
		{name: "32-byte key", secret: testSecret},
		{name: "24-byte key, the minimum (Svix's size)", secret: "whsec_" + b64(make([]byte, 24))},
		{name: "64-byte key, the maximum", secret: "whsec_" + b64(make([]byte, 64))},
		{name: "empty", secret: "", wantErr: webhook.ErrSecretInvalid},
		{name: "prefix only", secret: "whsec_", wantErr: webhook.ErrSecretInvalid},
		{name: "bare base64 without the prefix", secret: b64(testKey), wantErr: webhook.ErrSecretInvalid},
		{name: "prefix in upper case", secret: "WHSEC_" + b64(testKey), wantErr: webhook.ErrSecretInvalid},
		{name: "asymmetric public key prefix", secret: "whpk_" + b64(testKey), wantErr: webhook.ErrSecretInvalid},
		{name: "url-safe alphabet", secret: "whsec_" + base64.URLEncoding.EncodeToString([]byte{0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe}), wantErr: webhook.ErrSecretInvalid},
		{name: "padding dropped", secret: "whsec_" + base64.RawStdEncoding.EncodeToString(make([]byte, 25)), wantErr: webhook.ErrSecretInvalid},
		{name: "line break inside", secret: "whsec_" + b64(testKey)[:20] + "\n" + b64(testKey)[20:], wantErr: webhook.ErrSecretInvalid},
		{name: "trailing space", secret: testSecret + " ", wantErr: webhook.ErrSecretInvalid},
		{name: "stray padding bits", secret: "whsec_" + b64(make([]byte, 25))[:32] + "AB==", wantErr: webhook.ErrSecretInvalid},
		{name: "16-byte key, too short", secret: "whsec_" + b64(make([]byte, 16)), wantErr: webhook.ErrSecretInvalid},
		{name: "65-byte key, too long", secret: "whsec_" + b64(make([]byte, 65)), wantErr: webhook.ErrSecretInvalid},
		{name: "not base64", secret: "whsec_not*base64*at*all*here!!!!", wantErr: webhook.ErrSecretInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := webhook.New(webhook.Config{Secret: tt.secret})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("New: err = %v, want %v", err, tt.wantErr)
			}
			if body := strings.TrimPrefix(tt.secret, "whsec_"); err != nil && len(body) > 4 && strings.Contains(err.Error(), body[:len(body)-4]) {
				t.Errorf("error %q quotes the secret", err)
			}
		})
	}
}

// TestSignRoundTrip checks that Sign produces what this file's
// independent signer produces, and that Verify accepts it.
func TestSignRoundTrip(t *testing.T) {
	t.Parallel()
	v := newTestVerifier(t)
	got := v.Sign("msg_1", testNow, testBody)
	if want := sign(testKey, "msg_1", strconv.FormatInt(testNow.Unix(), 10), testBody); got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
	h := map[string]string{"svix-id": "msg_1", "svix-timestamp": strconv.FormatInt(testNow.Unix(), 10), "svix-signature": got}
	if _, err := v.VerifyMap(h, testBody); err != nil {
		t.Fatalf("VerifyMap(Sign(...)): %v", err)
	}
}

// TestVerifyCopiesBody checks that the event does not alias the caller's
// buffer.
func TestVerifyCopiesBody(t *testing.T) {
	t.Parallel()
	v := newTestVerifier(t)
	body := append([]byte(nil), testBody...)
	ev, err := v.VerifyMap(delivery(testNow), body)
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = 'x'
	}
	if ev.Type != "user.created" || string(ev.Payload) != string(testBody) {
		t.Errorf("event changed with the caller's buffer: %s", ev.Payload)
	}
}
