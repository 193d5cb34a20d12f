package verifier

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// maxJWKSBody bounds the key-set response read into memory.
const maxJWKSBody = 1 << 20

// fetch loads the key set once, on the set's own context with its own
// timeout. Errors are *Error values that never contain the secret key.
func (r *remoteKeySet) fetch() (map[string]*verKey, error) {
	ctx, cancel := context.WithTimeout(r.ctx, fetchTimeout)
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
		if vk := usableKey(k); vk != nil {
			keys[k.KeyID()] = vk
		}
	}
	if len(keys) == 0 {
		return nil, fetchErr("key set has no usable rsa signing key", nil)
	}
	return keys, nil
}

func usableKey(k jwk.Key) *verKey {
	if k.KeyType() != jwa.RSA || k.KeyID() == "" || (k.KeyUsage() != "" && k.KeyUsage() != "sig") {
		return nil
	}
	alg := k.Algorithm().String()
	switch alg {
	case "", "RS256", "RS384", "RS512":
	default:
		return nil
	}
	pk, err := k.PublicKey()
	if err != nil {
		return nil
	}
	var pub rsa.PublicKey
	if pk.Raw(&pub) != nil || checkRSAKey(&pub) != nil {
		return nil
	}
	return &verKey{pub: &pub, alg: alg}
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
