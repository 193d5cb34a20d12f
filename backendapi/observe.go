package backendapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Observer receives the client's events for metrics. The zero value
// observes nothing; set it with [WithObserver]. The client calls it
// synchronously from the calling goroutine, so each function must be quick
// and safe for concurrent use. It never receives an id, a token, a body or
// the secret key: operations are route templates such as
// "GET /users/{id}/metadata", built only from the literal path words of this
// package, so their set is bounded.
type Observer struct {
	// Attempt is called after each HTTP attempt with the operation, the
	// response's status code as text ("200", "429") or "error" when no
	// response arrived, and the time until the response headers (or the
	// failure). Nil means not observed.
	Attempt func(operation, code string, d time.Duration)
	// Retry is called before an attempt is repeated, with the cause:
	// "rate_limited" (429), "server_error" (5xx) or "transport". Nil means
	// not observed.
	Retry func(operation, cause string)
	// RateLimitWait is called once per attempt with the time it waited for
	// the client-side rate limiter (0 when a slot was free). Nil means not
	// observed.
	RateLimitWait func(d time.Duration)
}

// WithObserver sets the [Observer] that receives attempts, retries and
// rate-limit waits. Default: none.
func WithObserver(o Observer) Option { return optionFunc(func(c *config) { c.observer = o }) }

// literalIDWords are the literal path words that stand where an id usually
// stands (GET /users/count); every other such segment is reported as {id}.
var literalIDWords = map[string]bool{"count": true, "verify": true, "interstitial": true, "pending": true}

// operation is r's route template: "METHOD /a/{id}/b/{id}". Clerk's paths
// alternate collection words (even positions, always literals in this
// package) and ids (odd positions, replaced unless a known literal word).
func (r *request) operation() string {
	var b strings.Builder
	b.WriteString(r.method)
	b.WriteByte(' ')
	for i, s := range r.segments {
		b.WriteByte('/')
		if i%2 == 1 && !literalIDWords[s] {
			s = "{id}"
		}
		b.WriteString(s)
	}
	return b.String()
}

// observeAttempt reports one attempt that started at start.
func (c *Client) observeAttempt(r *request, resp *http.Response, start time.Time) {
	if c.cfg.observer.Attempt == nil {
		return
	}
	code := "error"
	if resp != nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	c.cfg.observer.Attempt(r.operation(), code, c.cfg.clock.Now().Sub(start))
}

// observeRetry reports that the attempt that failed with err is repeated.
func (c *Client) observeRetry(r *request, err error) {
	if c.cfg.observer.Retry == nil {
		return
	}
	cause := "transport"
	var rl *RateLimitError
	var ae *APIError
	switch {
	case errors.As(err, &rl):
		cause = "rate_limited"
	case errors.As(err, &ae) && ae.StatusCode >= 500:
		cause = "server_error"
	}
	c.cfg.observer.Retry(r.operation(), cause)
}

// observeWait reports the rate-limiter wait of an attempt that began
// waiting at start.
func (c *Client) observeWait(start time.Time) {
	if c.cfg.observer.RateLimitWait != nil {
		c.cfg.observer.RateLimitWait(c.cfg.clock.Now().Sub(start))
	}
}
