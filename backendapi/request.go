package backendapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// maxResponseSize bounds a successful response body (a page of users with
// every nested resource stays far below it).
const maxResponseSize = 32 << 20

// request is one Backend API call before it is sent: the path segments
// after {base}/{version} (ids raw, escaped when the URL is built), the query,
// the JSON body (nil for none), the Accept type and the values to redact from
// error bodies.
type request struct {
	method   string
	segments []string
	query    url.Values
	body     any
	accept   string
	redact   []string
}

func newRequest(method string, segments ...string) *request {
	return &request{method: method, segments: segments, accept: "application/json"}
}

// requireIDs checks path ids: every one must be non-empty and not a dot
// segment. It runs before anything is sent.
func requireIDs(ids ...string) error {
	for _, id := range ids {
		switch id {
		case "":
			return ErrMissingID
		case ".", "..":
			return ErrInvalidID
		}
	}
	return nil
}

// errNilParams is returned, without a request, when a method whose body has
// required fields gets nil params.
var errNilParams = errors.New("backendapi: params are required")

// idempotent reports whether a failed attempt may be repeated after a 5xx or
// a transport failure. GET and DELETE are idempotent by HTTP semantics. Clerk
// documents no POST or PATCH of this client as idempotent (no idempotency
// keys), so they are never repeated after the request may have reached
// Clerk; a 429 is retried for every method because Clerk rejected it before
// doing anything.
func (r *request) idempotent() bool {
	return r.method == http.MethodGet || r.method == http.MethodDelete
}

// url builds the absolute URL: the base URL's path, the API version, then
// each segment path-escaped, with RawPath set so that an id such as
// "a/../b" stays one segment on the wire.
func (c *Client) url(r *request) *url.URL {
	u := *c.base
	raw := []string{c.base.EscapedPath(), url.PathEscape(c.cfg.apiVersion)}
	plain := []string{c.base.Path, c.cfg.apiVersion}
	for _, s := range r.segments {
		raw = append(raw, url.PathEscape(s))
		plain = append(plain, s)
	}
	u.Path = strings.Join(plain, "/")
	u.RawPath = strings.Join(raw, "/")
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	return &u
}

// httpRequest builds one attempt's *http.Request.
func (c *Client) httpRequest(ctx context.Context, r *request, body []byte) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.url(r).String(), rd)
	if err != nil {
		return nil, fmt.Errorf("backendapi: building request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.secret)
	req.Header.Set("User-Agent", "authsvc/"+Version)
	req.Header.Set("Accept", r.accept)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// encodeBody marshals the request body, or returns nil when there is none.
func encodeBody(r *request) ([]byte, error) {
	if r.body == nil {
		return nil, nil
	}
	b, err := json.Marshal(r.body)
	if err != nil {
		return nil, fmt.Errorf("backendapi: encoding request body: %w", err)
	}
	return b, nil
}

// readBody reads a 2xx response body, at most maxResponseSize+1 bytes. A
// read error (a stalled or broken body) is a transport failure of the
// attempt. A body that is too large is no read error (retrying would not
// help): decodeBody reports it.
func readBody(resp *http.Response) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize+1))
	if err != nil {
		return nil, fmt.Errorf("backendapi: reading response: %w", err)
	}
	return body, nil
}

// decodeBody reads a 2xx response body into v by the response's content
// type: JSON into v (a *string receives the raw text of a JSON body), text
// into a *string. v nil discards the body.
func decodeBody(resp *http.Response, body []byte, v any) error {
	if len(body) > maxResponseSize {
		return errors.New("backendapi: response body too large")
	}
	if v == nil {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	isJSON := mt == "application/json" || strings.HasSuffix(mt, "+json")
	if s, ok := v.(*string); ok {
		*s = string(body)
		return nil
	}
	if !isJSON {
		return fmt.Errorf("backendapi: unexpected response content type %q", mt)
	}
	if d, ok := v.(interface{ decode([]byte) error }); ok {
		return d.decode(body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("backendapi: decoding response: %w", err)
	}
	return nil
}

// call sends req and decodes the response into a new T.
func call[T any](ctx context.Context, c *Client, req *request) (*T, error) {
	v := new(T)
	if err := c.do(ctx, req, v); err != nil {
		return nil, err
	}
	return v, nil
}

// withBody attaches a JSON body to req and returns req.
func (r *request) withBody(body any) *request {
	r.body = body
	return r
}

// withQuery attaches query values to req and returns req.
func (r *request) withQuery(q url.Values) *request {
	r.query = q
	return r
}

// deleteObject sends DELETE /{collection}/{id}.
func (c *Client) deleteObject(ctx context.Context, collection, id string) (*DeletedObject, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	return call[DeletedObject](ctx, c, newRequest(http.MethodDelete, collection, id))
}

// routeIDs are the literal words that follow a collection in a GET route
// of their own, where getByID's id would stand: GET /users/count beside
// GET /users/{id}. GetUser of "count" asked for the user count and
// answered a user made of it. (Clerk's ids carry a prefix, user_ and so
// on, so none is such a word.)
var routeIDs = map[string]string{"users": "count"}

// getByID sends GET /{collection}/{id} and decodes a T.
func getByID[T any](ctx context.Context, c *Client, collection, id string) (*T, error) {
	if err := requireIDs(id); err != nil {
		return nil, err
	}
	if w, ok := routeIDs[collection]; ok && id == w {
		return nil, ErrInvalidID
	}
	return call[T](ctx, c, newRequest(http.MethodGet, collection, id))
}
