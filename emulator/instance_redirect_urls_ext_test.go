package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedirectURLs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	ru := f.object(http.MethodPost, "/v1/redirect_urls", map[string]any{"url": "myapp://callback"}, 200)
	if diff := cmp.Diff([]string{"created_at", "id", "object", "updated_at", "url"}, keys(ru)); diff != "" {
		t.Fatalf("keys (-want +got):\n%s", diff)
	}
	id := ru["id"].(string)
	if !strings.HasPrefix(id, "ru_") || ru["object"] != "redirect_url" {
		t.Fatalf("redirect url %v", ru)
	}
	if diff := cmp.Diff(ru, f.object(http.MethodGet, "/v1/redirect_urls/"+id, nil, 200)); diff != "" {
		t.Fatalf("get (-post +get):\n%s", diff)
	}
	if diff := cmp.Diff([]string{id}, ids(f.array("/v1/redirect_urls"))); diff != "" {
		t.Fatalf("list (-want +got):\n%s", diff)
	}
	f.apiError(http.MethodPost, "/v1/redirect_urls", map[string]any{"url": "myapp://callback"}, 422, "duplicate_record")
	f.apiError(http.MethodPost, "/v1/redirect_urls", map[string]any{"url": "/relative"}, 422, "form_param_format_invalid")
	f.apiError(http.MethodPost, "/v1/redirect_urls", map[string]any{"url": 3}, 422, "form_param_format_invalid")
	del := f.object(http.MethodDelete, "/v1/redirect_urls/"+id, nil, 200)
	if del["deleted"] != true || del["object"] != "redirect_url" {
		t.Fatalf("delete %v", del)
	}
	f.apiError(http.MethodGet, "/v1/redirect_urls/"+id, nil, 404, "resource_not_found")
}
