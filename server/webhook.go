package server

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/webhook"
)

// VerifyWebhook checks one Clerk webhook delivery with the configured
// signing secret and returns its event. The checks and their order are
// [webhook.Verifier.VerifyMap]'s.
func (s *Server) VerifyWebhook(_ context.Context, req *authsvcv1.VerifyWebhookRequest) (*authsvcv1.VerifyWebhookResponse, error) {
	if s.webhook == nil {
		return nil, status.Error(codes.FailedPrecondition, "webhook signing secret not configured")
	}
	ev, err := s.webhook.VerifyMap(req.GetHeaders(), req.GetBody())
	if err != nil {
		return nil, webhookStatus(err)
	}
	return webhookResponse(ev)
}

// newWebhookVerifier builds the verifier for Config.WebhookSecret; an
// empty secret gives nil (VerifyWebhook then answers FAILED_PRECONDITION).
func newWebhookVerifier(secret string) (*webhook.Verifier, error) {
	if secret == "" {
		return nil, nil
	}
	v, err := webhook.New(webhook.Config{Secret: secret})
	if err != nil {
		return nil, fmt.Errorf("server: webhook secret: %w", err)
	}
	return v, nil
}

// webhookResponse converts a verified event. A data member that is present
// but neither an object nor null cannot be a Struct: INVALID_ARGUMENT, as
// for any signed body that is not an event.
func webhookResponse(ev *webhook.Event) (*authsvcv1.VerifyWebhookResponse, error) {
	resp := &authsvcv1.VerifyWebhookResponse{
		Type:      ev.Type,
		Timestamp: ev.Timestamp.Unix(),
		Id:        ev.ID,
		Object:    ev.Object,
	}
	if len(ev.Data) > 0 && string(ev.Data) != "null" {
		if ev.Data[0] != '{' {
			return nil, invalidArgument("body", "data is not a JSON object")
		}
		data, err := jsonStruct(ev.Data)
		if err != nil {
			return nil, invalidArgument("body", "data is not a JSON object")
		}
		resp.Data = data
	}
	payload, err := jsonStruct(ev.Payload)
	if err != nil {
		return nil, invalidArgument("body", "payload cannot be represented as a Struct")
	}
	resp.Payload = payload
	return resp, nil
}
