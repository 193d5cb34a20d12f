package backendapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/authsvc/authsvc/backendapi"
)

// newUserServer is a tiny stand-in for Clerk's GET /v1/users with five users.
func newUserServer() *httptest.Server {
	names := []string{"ada", "grace", "linus", "margaret", "ken"}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		page := []map[string]any{}
		for i := offset; i < len(names) && i < offset+limit; i++ {
			page = append(page, map[string]any{"object": "user", "id": "user_" + strconv.Itoa(i), "username": names[i]})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": page, "total_count": len(names)})
	}))
}

// Listing every user page by page: raise the offset by the page size until
// it reaches TotalCount.
func ExampleUsersService_List() {
	srv := newUserServer()
	defer srv.Close()

	client, err := backendapi.NewClient("sk_test_example", backendapi.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	opts := &backendapi.UserListOptions{ListOptions: backendapi.ListOptions{Limit: backendapi.Ptr(int64(2))}}
	for offset := int64(0); ; {
		opts.Offset = backendapi.Ptr(offset)
		page, err := client.Users.List(ctx, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		if len(page.Data) == 0 {
			break
		}
		for _, u := range page.Data {
			fmt.Printf("offset %d: %s %s\n", offset, u.ID, *u.Username)
		}
		offset += int64(len(page.Data))
		if offset >= page.TotalCount {
			break
		}
	}
	// Output:
	// offset 0: user_0 ada
	// offset 0: user_1 grace
	// offset 2: user_2 linus
	// offset 2: user_3 margaret
	// offset 4: user_4 ken
}

// Telling a missing user apart from other failures with errors.As.
func ExampleAPIError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"errors":[{"code":"resource_not_found","message":"not found"}],"clerk_trace_id":"abc"}`))
	}))
	defer srv.Close()

	client, _ := backendapi.NewClient("sk_test_example", backendapi.WithBaseURL(srv.URL))
	_, err := client.Users.Get(context.Background(), "user_missing")
	var apiErr *backendapi.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		fmt.Println(apiErr.Errors[0].Code, apiErr.TraceID)
	}
	fmt.Println(err)
	// Output:
	// resource_not_found abc
	// backendapi: 404 not found: resource_not_found: not found (trace abc)
}
