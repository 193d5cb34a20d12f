// Package webhook verifies Clerk webhooks in-process: the Svix / Standard
// Webhooks signature scheme that Clerk signs every delivery with.
//
// [New] takes a [Config] with the endpoint's signing secret
// (CLERK_WEBHOOK_SIGNING_SECRET, "whsec_…") and returns a [Verifier];
// [Verifier.Verify] (an http.Header) or [Verifier.VerifyMap] (a map) turns
// the delivery's headers and raw body into an [Event], or an error that is
// one of the sentinels below. A handler reads the body once, verifies it,
// and only then decodes it:
//
//	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, webhook.MaxBodyBytes))
//	…
//	ev, err := v.Verify(r.Header, body)
//	if err != nil {
//		http.Error(w, "invalid webhook", http.StatusBadRequest)
//		return
//	}
//
// It is a pure library: no HTTP server, no logging, no network. Services
// that would rather not hold the secret call authsvc's VerifyWebhook RPC,
// which uses this package.
//
// # The scheme
//
// A delivery carries three headers, under Svix's names (svix-id,
// svix-timestamp, svix-signature), which Clerk sends, or the Standard
// Webhooks names (webhook-id, webhook-timestamp, webhook-signature). Names
// match case-insensitively. The signature header is a space-separated list
// of "version,signature" entries; each v1 entry is the standard base64 of
// HMAC-SHA256, keyed with the decoded secret, over "id.timestamp.body".
// The delivery is authentic when any v1 entry matches (senders list two
// while rotating secrets); entries of other versions, such as v1a
// (asymmetric) or a future v2, are ignored, never failed on. Every match
// is checked with hmac.Equal.
//
// # Errors
//
// The checks run in the order [Verifier.VerifyMap] lists, and the first
// that fails decides the error. [ReasonOf] maps it to the reason authsvc
// reports over gRPC:
//
//	error                    reason
//	ErrHeadersMissing        webhook-headers-missing
//	ErrTimestampMalformed    webhook-headers-missing (it wraps ErrHeadersMissing)
//	ErrTimestampOutOfRange   webhook-timestamp-out-of-range
//	ErrSignatureInvalid      webhook-signature-invalid
//	ErrBodyTooLarge          none: bad input, nothing was verified
//	ErrPayloadInvalid        none: signed, but not a JSON object with a type
//
// The timestamp must be within [Tolerance] (5 minutes) of the clock in
// either direction, checked before any hashing. No error message contains
// the secret, a signature, a header value or the body.
//
// # What it does not do
//
// It does not stop replays inside the tolerance window: keep the [Event.ID]
// of handled deliveries for a little over 5 minutes and drop repeats. It
// does not verify asymmetric (v1a, whpk_) signatures, fetch secrets, or
// decode Clerk's event types into Go structs: [Event.Data] is the raw JSON.
// It accepts only the whsec_ form of a secret, not bare base64.
package webhook
