package backendapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"time"
)

// maxRetryAfter caps how long a 429's Retry-After is honoured. A longer
// Retry-After returns the *RateLimitError at once instead of waiting.
const maxRetryAfter = 10 * time.Second

// outcome is the result of one attempt as seen by the retry loop.
type outcome struct {
	err   error
	retry bool          // the attempt may be repeated
	wait  time.Duration // a Retry-After to honour; < 0 means "use backoff"
}

// do sends r, retrying as the package documentation describes, and decodes
// a 2xx response into v.
func (c *Client) do(ctx context.Context, r *request, v any) error {
	body, err := encodeBody(r)
	if err != nil {
		return err
	}
	redact := append([]string{c.secret}, r.redact...)
	// uncertain is the failure of an earlier attempt of a DELETE that may
	// have reached Clerk (a 5xx, a transport failure; not a 429, which
	// Clerk refuses before doing anything). A later 404 then most likely
	// means that attempt deleted it, so the earlier failure is returned:
	// the outcome is unknown, not "there was nothing to delete".
	var uncertain error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return c.ctxError(r, err)
		}
		waitStart := c.cfg.clock.Now()
		if err := c.budget.wait(ctx); err != nil {
			return c.limiterError(r, err)
		}
		c.observeWait(waitStart)
		out := c.attempt(ctx, r, body, redact, v)
		if uncertain != nil && hasStatus(out.err, http.StatusNotFound) {
			return uncertain
		}
		if out.err == nil || !out.retry || attempt >= c.cfg.maxAttempts {
			return out.err
		}
		if r.method == http.MethodDelete && !hasStatus(out.err, http.StatusTooManyRequests) {
			uncertain = out.err
		}
		wait := out.wait
		if wait < 0 {
			wait = c.backoff(attempt)
		} else if wait > maxRetryAfter {
			return out.err
		}
		if !c.fits(ctx, wait) {
			return out.err
		}
		c.observeRetry(r, out.err)
		if err := c.sleep(ctx, wait); err != nil {
			return c.ctxError(r, err)
		}
	}
}

// errAttemptTimedOut is the cause of an attempt that ran out of its own
// timer (WithAttemptTimeout, or the HTTP client's Timeout) while the
// caller's context was still alive. It is deliberately not a context
// error: no caller's deadline passed, so the call is an outage
// (ErrUnavailable), retried like any transport failure.
var errAttemptTimedOut = errors.New("backendapi: attempt timed out")

// attempt sends one HTTP request under the per-attempt timeout. The
// response body is read under the same timer: a body that stalls after
// its headers is a transport failure of this attempt.
func (c *Client) attempt(ctx context.Context, r *request, body []byte, redact []string, v any) outcome {
	actx, cancel := context.WithTimeout(ctx, c.cfg.attemptTimeout)
	defer cancel()
	req, err := c.httpRequest(actx, r, body)
	if err != nil {
		return outcome{err: err}
	}
	start := c.cfg.clock.Now()
	resp, err := c.cfg.httpClient.Do(req)
	c.observeAttempt(r, resp, start)
	if err != nil {
		return c.transportOutcome(ctx, r, err)
	}
	defer closeBody(resp.Body)
	if err := checkResponse(resp, redact, c.cfg.clock.Now()); err != nil {
		return c.statusOutcome(r, resp, err)
	}
	raw, err := readBody(resp)
	if err != nil {
		return c.transportOutcome(ctx, r, err)
	}
	if err := decodeBody(resp, raw, v); err != nil {
		return outcome{err: fmt.Errorf("%w: %s %s: %w", ErrUnavailable, r.method, c.url(r).EscapedPath(), err)}
	}
	return outcome{}
}

// transportOutcome classifies an error of one attempt's round trip
// (http.Client.Do or reading the body). Only the caller's own context
// ending is reported as a context error, and it is not retried; any other
// failure, the attempt's own timeout included, wraps ErrUnavailable and
// is retried for idempotent methods.
func (c *Client) transportOutcome(ctx context.Context, r *request, err error) outcome {
	if ctx.Err() != nil {
		return outcome{err: c.ctxError(r, ctx.Err())}
	}
	// The cause stays wrapped (a *url.Error whose text names the URL without
	// credentials) unless it is a timeout or a cancellation: those are the
	// attempt's own, never the caller's, so they must not satisfy
	// errors.Is(err, context.DeadlineExceeded).
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || (errors.As(err, &ne) && ne.Timeout()) {
		err = fmt.Errorf("%w after %s", errAttemptTimedOut, c.cfg.attemptTimeout)
	}
	return outcome{
		err:   fmt.Errorf("%w: %s %s: %w", ErrUnavailable, r.method, c.url(r).EscapedPath(), err),
		retry: r.idempotent(),
		wait:  -1,
	}
}

// statusOutcome classifies a non-2xx response.
func (c *Client) statusOutcome(r *request, resp *http.Response, err error) outcome {
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.clock.Now())
		if !ok {
			wait = -1
		}
		return outcome{err: err, retry: true, wait: wait}
	case resp.StatusCode >= 500:
		return outcome{err: err, retry: r.idempotent(), wait: -1}
	default:
		return outcome{err: err}
	}
}

// backoff is the exponential backoff before attempt+1, with jitter: a
// uniform duration in [d/2, d] where d = base × 2^(attempt-1).
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.baseBackoff << (attempt - 1)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// fits reports whether waiting d still leaves the caller's deadline ahead.
func (c *Client) fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || c.cfg.clock.Now().Add(d).Before(dl)
}

// sleep waits d on the client's clock, or until ctx ends.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	select {
	case <-c.cfg.clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ctxError wraps the caller's context error so errors.Is finds it.
func (c *Client) ctxError(r *request, err error) error {
	return fmt.Errorf("backendapi: %s %s: %w", r.method, c.url(r).EscapedPath(), err)
}

// limiterError passes a *RateLimitError through and wraps context errors.
func (c *Client) limiterError(r *request, err error) error {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl
	}
	return c.ctxError(r, err)
}

// closeBody drains a little of the body so the connection can be reused,
// then closes it.
func closeBody(b io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, b, 4096)
	_ = b.Close()
}

// hasStatus reports whether err is Clerk's answer with HTTP status code.
func hasStatus(err error, code int) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == code
}
