package backendapi

import (
	"context"
	"net/http"
)

// RedirectURL is a whitelisted redirect URL for native applications.
type RedirectURL struct {
	Object    string `json:"object"`
	ID        string `json:"id"`
	URL       string `json:"url"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

// RedirectURLList is a page of redirect URLs; see [List].
type RedirectURLList = List[RedirectURL]

// CreateRedirectURLParams is the body of [RedirectURLsService.Create].
type CreateRedirectURLParams struct {
	URL string `json:"url"`
}

// RedirectURLsService manages redirect URLs. Its methods are safe for
// concurrent use.
type RedirectURLsService service

// List returns every redirect URL.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Redirect-URLs#operation/ListRedirectURLs
func (s *RedirectURLsService) List(ctx context.Context) (*RedirectURLList, error) {
	return call[RedirectURLList](ctx, s.client, newRequest(http.MethodGet, "redirect_urls"))
}

// Get returns the redirect URL with the given id.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Redirect-URLs#operation/GetRedirectURL
func (s *RedirectURLsService) Get(ctx context.Context, id string) (*RedirectURL, error) {
	return getByID[RedirectURL](ctx, s.client, "redirect_urls", id)
}

// Create adds a redirect URL.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Redirect-URLs#operation/CreateRedirectURL
func (s *RedirectURLsService) Create(ctx context.Context, params *CreateRedirectURLParams) (*RedirectURL, error) {
	if params == nil {
		return nil, errNilParams
	}
	return call[RedirectURL](ctx, s.client, newRequest(http.MethodPost, "redirect_urls").withBody(params))
}

// Delete removes a redirect URL.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Redirect-URLs#operation/DeleteRedirectURL
func (s *RedirectURLsService) Delete(ctx context.Context, id string) (*DeletedObject, error) {
	return s.client.deleteObject(ctx, "redirect_urls", id)
}
