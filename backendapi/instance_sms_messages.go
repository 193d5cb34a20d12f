package backendapi

import (
	"context"
	"net/http"
)

// SMSMessage is a text message Clerk queued for sending.
type SMSMessage struct {
	Object          string  `json:"object"`
	ID              string  `json:"id"`
	FromPhoneNumber string  `json:"from_phone_number"`
	ToPhoneNumber   string  `json:"to_phone_number"`
	Message         string  `json:"message"`
	Status          string  `json:"status"`
	PhoneNumberID   *string `json:"phone_number_id"`
}

// CreateSMSMessageParams is the body of [SMSMessagesService.Create].
type CreateSMSMessageParams struct {
	PhoneNumberID string `json:"phone_number_id"`
	Message       string `json:"message"`
}

// SMSMessagesService sends text messages through Clerk. Its methods are
// safe for concurrent use.
type SMSMessagesService service

// Create queues a text message to one of a user's phone numbers. It is
// never retried after a 5xx, so a message is not sent twice by this client.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/SMS-Messages#operation/CreateSMSMessage
func (s *SMSMessagesService) Create(ctx context.Context, params *CreateSMSMessageParams) (*SMSMessage, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[SMSMessage](ctx, s.client, newRequest(http.MethodPost, "sms_messages").withBody(params))
}
