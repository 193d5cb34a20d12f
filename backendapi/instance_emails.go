package backendapi

import (
	"context"
	"net/http"
)

// Email is an email message Clerk queued for sending.
type Email struct {
	Object         string  `json:"object"`
	ID             string  `json:"id"`
	FromEmailName  string  `json:"from_email_name"`
	EmailAddressID *string `json:"email_address_id"`
	ToEmailAddress string  `json:"to_email_address,omitempty"`
	Subject        string  `json:"subject,omitempty"`
	Body           string  `json:"body,omitempty"`
	Status         string  `json:"status,omitempty"`
}

// CreateEmailParams is the body of [EmailsService.Create]; every field is sent.
type CreateEmailParams struct {
	FromEmailName  string `json:"from_email_name"`
	EmailAddressID string `json:"email_address_id"`
	Subject        string `json:"subject"`
	Body           string `json:"body"`
}

// EmailsService sends email through Clerk. Its methods are safe for
// concurrent use.
type EmailsService service

// Create queues an email to one of a user's email addresses. It is never
// retried after a 5xx, so an email is not sent twice by this client.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Emails#operation/CreateEmail
func (s *EmailsService) Create(ctx context.Context, params *CreateEmailParams) (*Email, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[Email](ctx, s.client, newRequest(http.MethodPost, "emails").withBody(params))
}
