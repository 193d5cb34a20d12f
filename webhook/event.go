package webhook

import (
	"encoding/json"
	"time"
)

// Event is one verified delivery. Every field comes from signed bytes.
type Event struct {
	// ID is the delivery's id header (svix-id or webhook-id), the same
	// across retries of one event: the idempotency key.
	ID string
	// Timestamp is the delivery's timestamp header, in UTC, to the second.
	// It is when this attempt was signed, not when the event happened:
	// Clerk puts that in the payload's "timestamp" (Unix milliseconds).
	Timestamp time.Time
	// Type is the payload's "type", such as "user.created"; never empty.
	Type string
	// Object is the payload's "object" when it is a JSON string ("event"
	// for Clerk), and "" otherwise.
	Object string
	// Data is the payload's "data" exactly as sent, or nil when the
	// payload has none. It is not checked to be an object.
	Data json.RawMessage
	// Payload is the whole verified body, for the fields Event does not
	// name (Clerk's "instance_id", "event_attributes", "timestamp"). It and
	// Data are a copy: they do not share memory with the body passed in.
	Payload json.RawMessage
}

// parseEvent reads the payload's top-level names exactly (encoding/json's
// struct decoding would also take "TYPE" for "type").
func parseEvent(body []byte) (*Event, error) {
	body = append([]byte(nil), body...)
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return nil, ErrPayloadInvalid
	}
	ev := &Event{Payload: json.RawMessage(body)}
	if raw, ok := top["type"]; !ok || len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &ev.Type) != nil || ev.Type == "" {
		return nil, ErrPayloadInvalid
	}
	if raw, ok := top["object"]; ok && len(raw) > 0 && raw[0] == '"' {
		_ = json.Unmarshal(raw, &ev.Object)
	}
	if raw, ok := top["data"]; ok {
		ev.Data = raw
	}
	return ev, nil
}
