// Package backendapi is a typed Go client for Clerk's Backend API
// (https://api.clerk.com/v1): users, sessions, organizations with their
// memberships and invitations, clients, email addresses, phone numbers,
// emails, SMS messages, invitations, allowlist identifiers, redirect URLs,
// sign-in tokens, and the interstitial page.
//
// It is what authsvc's resource proxy RPCs call. It is not a session-token
// verifier (see package verifier), does not fetch JWKS, does not cache
// resources, and does not log.
//
// Usage, in the style of go-github:
//
//	c, err := backendapi.NewClient(os.Getenv("CLERK_SECRET_KEY"))
//	if err != nil { … }
//	u, err := c.Users.Get(ctx, "user_123")
//
// Resource types use Clerk's JSON wire names as tags, timestamps are int64
// Unix milliseconds, nullable strings are *string, and metadata is
// map[string]any passed through untouched. Optional request fields are
// pointers, so an explicitly set zero value (offset 0, false) is sent; use
// [Ptr]. Every path id is required and path-escaped: an empty id returns
// [ErrMissingID] and "." or ".." returns [ErrInvalidID], without a request.
//
// # Errors
//
// A non-2xx response is an [*APIError] carrying the status code, Clerk's
// errors array (code, message, long_message, meta) and the trace id (the
// body's clerk_trace_id, else the cf-ray header). At most 1 MiB of an error
// body is read, and the secret key and any token or password sent with the
// request are redacted from it first. A 429 that could not be retried is a
// [*RateLimitError] wrapping the APIError:
//
//	var apiErr *backendapi.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound { … }
//
// Transport failures that remain after retries wrap [ErrUnavailable] and
// their cause. An attempt that runs out of its own timeout
// ([WithAttemptTimeout]), before the headers or while the body is still
// arriving, is such a transport failure, and its error is deliberately not
// a context error. Only when the caller's own context ends is its error
// wrapped instead (and the call not retried), so errors.Is(err,
// context.DeadlineExceeded) reports exactly a missed caller deadline.
//
// Retries: at most 4 attempts per call ([WithRetry]). A 429 is retried for
// every method after its Retry-After (or the backoff when it has none),
// unless Retry-After exceeds 10 s or the wait would pass the caller's
// deadline; then the RateLimitError is returned at once. 5xx responses and
// transport failures are retried with exponential backoff and jitter for GET
// and DELETE only: Clerk documents no POST or PATCH as idempotent, so
// creating, updating, sending, revoking and verifying calls are never
// repeated once they may have reached Clerk. Each attempt has its own
// timeout ([WithAttemptTimeout]) under the caller's deadline.
//
// # Rate limits
//
// Clerk allows 1000 requests per 10 s for production instances and 100 per
// 10 s for development instances. A Client counts its own requests in a
// sliding window of that size (every attempt counts; no window of that
// length ever holds more starts than the limit), shared by all its calls.
// Development keys ("sk_test_", "test_") get the lower limit by default;
// [WithRateLimit] overrides it. Several Clients, or several processes, with
// the same key share Clerk's limit but not this counter, so give each its
// share.
//
// When the window is full a call waits in line, first come first served,
// but only until the earlier of its deadline and the max wait
// ([WithMaxWait], default 2 s). Only requests that are sent take a slot: a
// waiting call holds a place in the line, and when it is cancelled or gives
// up it leaves the line at once, so a flood of abandoned calls cannot book
// the window for later callers. A call whose turn would come after its
// give-up time is refused at once; a call still waiting at that time is
// refused then. Either way it gets a [*RateLimitError] with a nil APIError
// and RetryAfter set to the wait it would have needed, and nothing is sent.
//
// [WithCallerBudget] gives one caller its own budget, in requests per
// 10 s, on top of the shared one: a call takes a slot of its caller's
// budget first, then of the shared one (giving the first back if the
// second is refused), so a caller at its own rate is refused without
// taking anything from the others.
//
// # Pagination
//
// Lists that Clerk pages take a [ListOptions] (limit, offset) or, for users,
// a [UserListOptions]. Every list method returns a [List]: Data holds the
// page and TotalCount Clerk's total_count, the number of matching items
// across all pages (for endpoints that answer with a bare array, the number
// of items). To walk all users, raise Offset by len(Data) until it reaches
// TotalCount or a page comes back empty:
//
//	opts := &backendapi.UserListOptions{ListOptions: backendapi.ListOptions{Limit: backendapi.Ptr(int64(100))}}
//	for offset := int64(0); ; {
//		opts.Offset = backendapi.Ptr(offset)
//		page, err := c.Users.List(ctx, opts)
//		if err != nil || len(page.Data) == 0 { … }
//		offset += int64(len(page.Data))
//		if offset >= page.TotalCount { break }
//	}
package backendapi
