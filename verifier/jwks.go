package verifier

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// maxJWKSBody bounds the key-set response read into memory.
const maxJWKSBody = 1 << 20

// errFetchTimedOut is the cause of a fetch that ran out of its own time
// (the fetch timeout or the HTTP client's). It is deliberately not a
// context error: no caller's deadline passed, so a service must answer it
// as an outage (UNAVAILABLE), not as DEADLINE_EXCEEDED.
var errFetchTimedOut = errors.New("verifier: key set fetch timed out")

// errFetchStopped is the cause of a fetch cut short because the key set
// was closed; again no caller's context ended.
var errFetchStopped = errors.New("verifier: key set fetch stopped: the verifier is closed")

// fetch loads the key set once, on the set's own context with its own
// timeout. Errors are *Error values that never contain the secret key and
// never wrap a context error (see [remoteKeySet.ownErr]).
func (r *remoteKeySet) fetch() (map[string]*verKey, error) {
	keys, err := r.fetchOnce()
	if err != nil {
		return nil, r.ownErr(err)
	}
	return keys, nil
}

// ownErr replaces a context error inside a fetch error with the fetch's
// own cause. The fetch runs on the set's context, never the caller's, so a
// deadline in its chain is the set's own timer (or the HTTP client's) and
// a cancellation is the set closing. Callers whose own context ends get
// their context error from [remoteKeySet.key] instead.
func (r *remoteKeySet) ownErr(err error) error {
	var ne net.Error
	timedOut := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
	switch {
	case r.ctx.Err() != nil:
		return &Error{Reason: ReasonKeyFetch, Detail: "the key set was closed during the fetch", Err: errFetchStopped}
	case timedOut:
		limit := r.timeout()
		if t := r.client.Timeout; t > 0 && t < limit {
			limit = t
		}
		return &Error{Reason: ReasonKeyFetch, Detail: fmt.Sprintf("the fetch timed out (limit %s)", limit), Err: errFetchTimedOut}
	case errors.Is(err, context.Canceled):
		return &Error{Reason: ReasonKeyFetch, Detail: "the fetch was cut short", Err: errFetchStopped}
	}
	return err
}

// timeout is the bound of one fetch: remoteConfig.fetchTimeout, or the
// package default.
func (r *remoteKeySet) timeout() time.Duration {
	if r.fetchTimeout > 0 {
		return r.fetchTimeout
	}
	return fetchTimeout
}

// fetchOnce does the HTTP round trip of [remoteKeySet.fetch].
func (r *remoteKeySet) fetchOnce() (map[string]*verKey, error) {
	ctx, cancel := context.WithTimeout(r.ctx, r.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, fetchErr("building the request", err)
	}
	req.Header.Set("Authorization", "Bearer "+r.secretKey)
	req.Header.Set("Cache-Control", "no-cache")
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fetchErr("request failed", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBody+1))
	if err != nil {
		return nil, fetchErr("reading the response", err)
	}
	if len(body) > maxJWKSBody {
		return nil, fetchErr("response is larger than 1 MiB", nil)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusErr(resp.StatusCode, body)
	}
	return parseJWKS(body)
}

// statusErr maps a non-200 answer: 401, or any Clerk error with code
// clerk_key_invalid, means Clerk rejected the secret key.
func statusErr(status int, body []byte) error {
	if invalid := hasClerkErrorCode(body, "clerk_key_invalid"); status == http.StatusUnauthorized || invalid {
		code := ""
		if invalid {
			code = " clerk_key_invalid"
		}
		return &Error{Reason: ReasonSecretKeyInvalid, Detail: fmt.Sprintf("clerk rejected the secret key (%d%s)", status, code)}
	}
	return fetchErr(fmt.Sprintf("key set fetch answered %d", status), nil)
}

func hasClerkErrorCode(body []byte, code string) bool {
	var e struct {
		Errors []struct {
			Code string `json:"code"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil {
		return false
	}
	for _, item := range e.Errors {
		if item.Code == code {
			return true
		}
	}
	return false
}

// parseJWKS keeps the usable keys of a JWKS: RSA, for signatures, with a kid,
// an alg that is absent or RS256/384/512, and an accepted size. A set with
// no usable key is an error, so the old keys stay in use.
func parseJWKS(body []byte) (map[string]*verKey, error) {
	set, err := jwk.Parse(body)
	if err != nil {
		return nil, fetchErr("key set does not parse", err)
	}
	keys := make(map[string]*verKey, set.Len())
	for i := 0; i < set.Len(); i++ {
		k, ok := set.Key(i)
		if !ok {
			continue
		}
		if kid, vk := usableKey(k); vk != nil {
			keys[kid] = vk
		}
	}
	if len(keys) == 0 {
		return nil, fetchErr("key set has no usable rsa signing key", nil)
	}
	return keys, nil
}

// usableKey returns the key's kid and verification key, or nil when the key
// is not one parseJWKS keeps.
func usableKey(k jwk.Key) (string, *verKey) {
	kid, _ := k.KeyID()
	use, _ := k.KeyUsage()
	if k.KeyType() != jwa.RSA() || kid == "" || (use != "" && use != "sig") {
		return "", nil
	}
	alg := ""
	if a, ok := k.Algorithm(); ok {
		alg = a.String()
	}
	switch alg {
	case "", "RS256", "RS384", "RS512":
	default:
		return "", nil
	}
	pk, err := k.PublicKey()
	if err != nil {
		return "", nil
	}
	var pub rsa.PublicKey
	if jwk.Export(pk, &pub) != nil || checkRSAKey(&pub) != nil {
		return "", nil
	}
	return kid, &verKey{pub: &pub, alg: alg}
}

func fetchErr(detail string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		// Keep the cause (a timeout, a refused connection), not the
		// *url.Error text around it.
		err = ue.Err
	}
	return &Error{Reason: ReasonKeyFetch, Detail: detail, Err: err}
}
