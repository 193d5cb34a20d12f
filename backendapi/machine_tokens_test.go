package backendapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
)

// machineEndpoints are the machine-token operations (issue 14), kept out
// of the spec §4.7 table that TestOperationsCount pins, and run through
// the same request and failure checks.
var machineEndpoints = []endpoint{
	{name: "m2m.create", method: "POST", path: "/v1/m2m_tokens",
		body: `{"seconds_until_expiration":600,"token_format":"jwt"}`, fixture: "m2m_token.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.M2MTokens.Create(ctx, &CreateM2MTokenParams{SecondsUntilExpiration: i(600), TokenFormat: "jwt"})
		}},
	{name: "m2m.revoke", ids: []string{"mt_1"}, method: "POST", path: "/v1/m2m_tokens/mt_1/revoke", body: `{}`, fixture: "m2m_token.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.M2MTokens.Revoke(ctx, id[0]) }},
	{name: "m2m.verify", method: "POST", path: "/v1/m2m_tokens/verify", body: `{"token":"mt_secret"}`, fixture: "m2m_token.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.M2MTokens.Verify(ctx, "mt_secret")
		}},
	{name: "apiKeys.create", method: "POST", path: "/v1/api_keys",
		body: `{"name":"ci","subject":"user_1","scopes":["read"]}`, fixture: "api_key.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.APIKeys.Create(ctx, &CreateAPIKeyParams{Name: "ci", Subject: "user_1", Scopes: []string{"read"}})
		}},
	{name: "apiKeys.revoke", ids: []string{"ak_1"}, method: "POST", path: "/v1/api_keys/ak_1/revoke", body: `{}`, fixture: "api_key.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.APIKeys.Revoke(ctx, id[0]) }},
	{name: "apiKeys.verify", method: "POST", path: "/v1/api_keys/verify", body: `{"secret":"ak_secret"}`, fixture: "api_key.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.APIKeys.Verify(ctx, "ak_secret")
		}},
	{name: "oauthAccessTokens.verify", method: "POST", path: "/v1/oauth_applications/access_tokens/verify", body: `{"access_token":"oat_secret"}`, fixture: "oauth_access_token.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.OAuthAccessTokens.Verify(ctx, "oat_secret")
		}},
}

func TestMachineOperations(t *testing.T) {
	t.Parallel()
	for _, tt := range machineEndpoints {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := fixture(t, tt.fixture)
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) { replyJSON(w, http.StatusOK, body) })
			got, err := tt.call(t.Context(), api.client(t), tt.ids)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := api.requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			checkRequest(t, tt, reqs[0])
			gotJSON, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if d := jsonDiff(t, tt.wantJSON(t), gotJSON); d != "" {
				t.Errorf("decoded result, re-marshalled (-want +got):\n%s", d)
			}
		})
	}
}

// TestMachineOperationsFailure: a 404 (Clerk's answer for an unknown or
// revoked token) is an *APIError with the status, never retried.
func TestMachineOperationsFailure(t *testing.T) {
	t.Parallel()
	for _, tt := range machineEndpoints {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := fixture(t, "error.json")
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) { replyJSON(w, http.StatusNotFound, body) })
			got, err := tt.call(t.Context(), api.client(t), tt.ids)
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
				t.Fatalf("error %v, want a 404 *APIError", err)
			}
			if !isZeroResult(got) {
				t.Errorf("result = %#v, want nil", got)
			}
			if n := len(api.requests()); n != 1 {
				t.Errorf("sent %d requests, want 1", n)
			}
		})
	}
}
