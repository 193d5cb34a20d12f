package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/policy"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
	"github.com/authsvc/authsvc/webhook"
)

// The vectors are computed here with crypto/hmac from a key this file
// chooses, independently of the webhook package's signing.
var (
	whKey    = []byte("server-webhook-test-key-24+bytes")
	whSecret = "whsec_" + base64.StdEncoding.EncodeToString(whKey)
	whNow    = time.Unix(1_750_000_000, 0)
	whBody   = []byte(`{"data":{"id":"user_2abc","first_name":"Alice"},"instance_id":"ins_1","object":"event","timestamp":1749999999000,"type":"user.created"}`)
)

func whSign(key []byte, id, ts string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// whHeaders is a delivery signed with key at at over body, svix- names.
func whHeaders(key []byte, at time.Time, body []byte) map[string]string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return map[string]string{"svix-id": "msg_1", "svix-timestamp": ts, "svix-signature": whSign(key, "msg_1", ts, body), "content-type": "application/json"}
}

// newWebhookServer is a Server with the test secret and a fixed clock.
func newWebhookServer(t *testing.T, secret string) *Server {
	t.Helper()
	v, err := verifier.New(verifiertest.NewIssuer(t).Config())
	if err != nil {
		t.Fatalf("verifier.New: %v", err)
	}
	t.Cleanup(v.Close)
	srv, err := New(Config{Verifier: v, WebhookSecret: secret})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	if secret != "" {
		if srv.webhook, err = webhook.New(webhook.Config{Secret: secret, Now: func() time.Time { return whNow }}); err != nil {
			t.Fatalf("webhook.New: %v", err)
		}
	}
	return srv
}

// TestVerifyWebhookReasons covers the failure reasons of DESIGN.md
// "Machine tokens and webhooks" over gRPC: code, ErrorInfo domain,
// UPPER_SNAKE reason and metadata["reason"], and a message that quotes no
// signature.
func TestVerifyWebhookReasons(t *testing.T) {
	t.Parallel()
	// The message limit is raised above the webhook body limit, so that the
	// oversized-body row reaches the handler's own check.
	client := newTestClient(t, newWebhookServer(t, whSecret), GRPCOptions{Limits: Limits{MaxRecvBytes: 2 << 20}})
	good := whHeaders(whKey, whNow, whBody)
	edit := func(kv ...string) map[string]string {
		h := map[string]string{}
		for k, v := range good {
			h[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(h, kv[i])
			} else {
				h[kv[i]] = kv[i+1]
			}
		}
		return h
	}
	ts := good["svix-timestamp"]
	tests := []struct {
		name       string
		headers    map[string]string
		body       []byte
		wantCode   codes.Code
		wantReason string // metadata["reason"]; "" for none
	}{
		{"valid", good, whBody, codes.OK, ""},
		{"valid/webhook- names", map[string]string{"webhook-id": "msg_1", "webhook-timestamp": ts, "webhook-signature": good["svix-signature"]}, whBody, codes.OK, ""},
		{"valid/several signatures, one valid", edit("svix-signature", whSign([]byte("old-secret-old-secret-old-secret"), "msg_1", ts, whBody)+" "+good["svix-signature"]), whBody, codes.OK, ""},
		{"valid/v2 entry ignored", edit("svix-signature", "v2,AAAA "+good["svix-signature"]), whBody, codes.OK, ""},
		{"tampered body", good, []byte(strings.Replace(string(whBody), "Alice", "Mallory", 1)), codes.Unauthenticated, "webhook-signature-invalid"},
		{"wrong secret", whHeaders([]byte("another-secret-of-enough-bytes!!"), whNow, whBody), whBody, codes.Unauthenticated, "webhook-signature-invalid"},
		{"valid signature under v2 only", edit("svix-signature", "v2,"+strings.TrimPrefix(good["svix-signature"], "v1,")), whBody, codes.Unauthenticated, "webhook-signature-invalid"},
		{"old timestamp", whHeaders(whKey, whNow.Add(-5*time.Minute-time.Second), whBody), whBody, codes.Unauthenticated, "webhook-timestamp-out-of-range"},
		{"future timestamp", whHeaders(whKey, whNow.Add(5*time.Minute+time.Second), whBody), whBody, codes.Unauthenticated, "webhook-timestamp-out-of-range"},
		{"missing id", edit("svix-id", ""), whBody, codes.Unauthenticated, "webhook-headers-missing"},
		{"missing timestamp", edit("svix-timestamp", ""), whBody, codes.Unauthenticated, "webhook-headers-missing"},
		{"missing signature", edit("svix-signature", ""), whBody, codes.Unauthenticated, "webhook-headers-missing"},
		{"no headers", nil, whBody, codes.Unauthenticated, "webhook-headers-missing"},
		{"timestamp not a number", edit("svix-timestamp", "soon"), whBody, codes.Unauthenticated, "webhook-headers-missing"},
		{"body larger than 1 MiB", good, make([]byte, webhook.MaxBodyBytes+1), codes.InvalidArgument, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := client.VerifyWebhook(t.Context(), &authsvcv1.VerifyWebhookRequest{Headers: tt.headers, Body: tt.body})
			code, info := errorInfo(t, err)
			if code != tt.wantCode {
				t.Fatalf("code = %v, want %v (%v)", code, tt.wantCode, err)
			}
			if sig := tt.headers["svix-signature"]; sig != "" && strings.Contains(status.Convert(err).Message(), strings.TrimPrefix(sig, "v1,")) {
				t.Errorf("message %q quotes a signature", status.Convert(err).Message())
			}
			if tt.wantReason == "" {
				if info != nil {
					t.Errorf("unexpected ErrorInfo %v", info)
				}
				return
			}
			want := verifier.Reason(tt.wantReason).Code()
			if info == nil || info.GetDomain() != ErrorDomain || info.GetReason() != want || info.GetMetadata()["reason"] != tt.wantReason {
				t.Errorf("ErrorInfo = %v, want domain %s reason %s metadata[reason] %s", info, ErrorDomain, want, tt.wantReason)
			}
		})
	}
}

// TestVerifyWebhookEvent checks the response of a valid delivery field by
// field, and that a signed body that is not an event is INVALID_ARGUMENT.
func TestVerifyWebhookEvent(t *testing.T) {
	t.Parallel()
	client := newTestClient(t, newWebhookServer(t, whSecret), GRPCOptions{})
	mustStruct := func(m map[string]any) *structpb.Struct {
		s, err := structpb.NewStruct(m)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name     string
		body     string
		want     *authsvcv1.VerifyWebhookResponse
		wantCode codes.Code
	}{
		{name: "Clerk user.created", body: string(whBody), want: &authsvcv1.VerifyWebhookResponse{
			Type: "user.created", Id: "msg_1", Object: "event", Timestamp: whNow.Unix(),
			Data: mustStruct(map[string]any{"id": "user_2abc", "first_name": "Alice"}),
			Payload: mustStruct(map[string]any{
				"data": map[string]any{"id": "user_2abc", "first_name": "Alice"}, "instance_id": "ins_1",
				"object": "event", "timestamp": 1749999999000.0, "type": "user.created",
			}),
		}},
		{name: "null data is absent", body: `{"type":"ping","data":null}`, want: &authsvcv1.VerifyWebhookResponse{
			Type: "ping", Id: "msg_1", Timestamp: whNow.Unix(), Payload: mustStruct(map[string]any{"type": "ping", "data": nil}),
		}},
		{name: "not JSON", body: `hello`, wantCode: codes.InvalidArgument},
		{name: "JSON array", body: `[]`, wantCode: codes.InvalidArgument},
		{name: "type missing", body: `{"data":{}}`, wantCode: codes.InvalidArgument},
		{name: "type not a string", body: `{"type":["user.created"]}`, wantCode: codes.InvalidArgument},
		{name: "data an array", body: `{"type":"x","data":[1]}`, wantCode: codes.InvalidArgument},
		{name: "data a string", body: `{"type":"x","data":"{}"}`, wantCode: codes.InvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := client.VerifyWebhook(t.Context(), &authsvcv1.VerifyWebhookRequest{Headers: whHeaders(whKey, whNow, []byte(tt.body)), Body: []byte(tt.body)})
			if status.Code(err) != tt.wantCode {
				t.Fatalf("code = %v, want %v (%v)", status.Code(err), tt.wantCode, err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVerifyWebhookNotConfigured: no secret, no verification.
func TestVerifyWebhookNotConfigured(t *testing.T) {
	t.Parallel()
	client := newTestClient(t, newWebhookServer(t, ""), GRPCOptions{})
	_, err := client.VerifyWebhook(t.Context(), &authsvcv1.VerifyWebhookRequest{Headers: whHeaders(whKey, time.Now(), whBody), Body: whBody})
	if status.Code(err) != codes.FailedPrecondition || status.Convert(err).Message() != "webhook signing secret not configured" {
		t.Fatalf("err = %v, want FAILED_PRECONDITION webhook signing secret not configured", err)
	}
}

// TestNewWebhookSecret: a malformed secret fails New, without quoting it.
func TestNewWebhookSecret(t *testing.T) {
	t.Parallel()
	v, err := verifier.New(verifiertest.NewIssuer(t).Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	for _, secret := range []string{base64.StdEncoding.EncodeToString(whKey), "whsec_!!not-base64!!", "whsec_" + base64.StdEncoding.EncodeToString(whKey[:16])} {
		_, err := New(Config{Verifier: v, WebhookSecret: secret})
		if !errors.Is(err, webhook.ErrSecretInvalid) {
			t.Errorf("New(secret %d bytes) err = %v, want ErrSecretInvalid", len(secret), err)
		}
		if err != nil && strings.Contains(err.Error(), strings.TrimPrefix(secret, "whsec_")) {
			t.Errorf("error %q quotes the secret", err)
		}
	}
}

// TestVerifyWebhookOpen: VerifyWebhook is an open method, callable without
// a credential through the authz interceptor, like VerifySessionToken.
func TestVerifyWebhookOpen(t *testing.T) {
	t.Parallel()
	pol, err := policy.Parse([]byte("callers:\n  - name: billing\n    key_sha256: " + keyHash("some-key") + "\n    allow: [\"authsvc.v1.AuthService/GetUser\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	client := newTestClient(t, withPolicy(newWebhookServer(t, whSecret), pol), GRPCOptions{})
	if _, err := client.VerifyWebhook(t.Context(), &authsvcv1.VerifyWebhookRequest{Headers: whHeaders(whKey, whNow, whBody), Body: whBody}); err != nil {
		t.Fatalf("VerifyWebhook without a credential: %v", err)
	}
}
