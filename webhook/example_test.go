package webhook_test

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/authsvc/authsvc/webhook"
)

// Verify a delivery as an HTTP handler receives it. The secret and clock
// are fixed here so the output is deterministic; a service passes its
// CLERK_WEBHOOK_SIGNING_SECRET and leaves Now nil.
func ExampleVerifier_Verify() {
	sent := time.Unix(1_700_000_000, 0)
	v, err := webhook.New(webhook.Config{
		Secret: "whsec_YXV0aHN2YyBleGFtcGxlIHNlY3JldCEh",
		Now:    func() time.Time { return sent.Add(30 * time.Second) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	body := []byte(`{"type":"user.created","object":"event","data":{"id":"user_123"}}`)

	// What Clerk (Svix) sends with the body.
	header := http.Header{}
	header.Set("svix-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
	header.Set("svix-timestamp", strconv.FormatInt(sent.Unix(), 10))
	header.Set("svix-signature", v.Sign("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", sent, body))

	ev, err := v.Verify(header, body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Type, ev.ID, string(ev.Data))

	// The same delivery with its body changed in transit.
	_, err = v.Verify(header, []byte(`{"type":"user.deleted","object":"event","data":{"id":"user_123"}}`))
	fmt.Println(errors.Is(err, webhook.ErrSignatureInvalid), webhook.ReasonOf(err))
	// Output:
	// user.created msg_2KWPBgLlAfxdpx2AI54pPJ85f4W {"id":"user_123"}
	// true webhook-signature-invalid
}
