package backendapi

import (
	"context"
	"net/http"
)

// GetInterstitial fetches the HTML interstitial page that a browser is shown
// while Clerk refreshes its session cookie. It uses this client's base URL and
// API version (the original used the module defaults) and does not cache.
//
// Backend API docs: https://clerk.com/docs/reference/backend-api/tag/Miscellaneous#operation/GetInterstitial
func (c *Client) GetInterstitial(ctx context.Context) (string, error) {
	req := newRequest(http.MethodGet, "internal", "interstitial")
	req.accept = "text/html"
	var html string
	if err := c.do(ctx, req, &html); err != nil {
		return "", err
	}
	return html, nil
}
