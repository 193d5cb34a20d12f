package backendapi

import (
	"context"
	"net/http"
)

// ClerkClient is a Clerk client: one browser or device, with its sessions.
// The name keeps it apart from this package's [Client].
type ClerkClient struct {
	Object              string     `json:"object"`
	ID                  string     `json:"id"`
	SessionIDs          []string   `json:"session_ids"`
	Sessions            []*Session `json:"sessions"`
	SignInAttemptID     *string    `json:"sign_in_attempt_id"`
	SignUpAttemptID     *string    `json:"sign_up_attempt_id"`
	SignInID            *string    `json:"sign_in_id"`
	SignUpID            *string    `json:"sign_up_id"`
	LastActiveSessionID *string    `json:"last_active_session_id"`
	CreatedAt           int64      `json:"created_at"`
	UpdatedAt           int64      `json:"updated_at"`
}

// ClerkClientList is a page of Clerk clients; see [List].
type ClerkClientList = List[ClerkClient]

// verifyClientParams is the body of [ClientsService.Verify].
type verifyClientParams struct {
	Token string `json:"token"`
}

// ClientsService reads Clerk clients. Its methods are safe for concurrent use.
type ClientsService service

// List returns the instance's clients.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Clients#operation/GetClientList
func (s *ClientsService) List(ctx context.Context) (*ClerkClientList, error) {
	return call[ClerkClientList](ctx, s.client, newRequest(http.MethodGet, "clients"))
}

// Get returns the client with the given id.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Clients#operation/GetClient
func (s *ClientsService) Get(ctx context.Context, clientID string) (*ClerkClient, error) {
	return getByID[ClerkClient](ctx, s.client, "clients", clientID)
}

// Verify returns the client that a client token (the __client JWT)
// belongs to. The token is sent in the body and redacted from errors; an
// empty token is sent as is and Clerk rejects it.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Clients#operation/VerifyClient
func (s *ClientsService) Verify(ctx context.Context, token string) (*ClerkClient, error) {
	req := newRequest(http.MethodPost, "clients", "verify").withBody(verifyClientParams{Token: token})
	req.redact = []string{token}
	return call[ClerkClient](ctx, s.client, req)
}
