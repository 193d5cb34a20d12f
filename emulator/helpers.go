package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// idLen is the length of the random part of an id, as in Clerk's ids
// ("user_2NNEqL2nrIRdJ194ndJqAHwEfxC").
const idLen = 27

// newID returns prefix followed by idLen random base62 characters.
func newID(prefix string) string { return randomBase62(prefix, idLen) }

// randomBase62 returns prefix followed by n random base62 characters from
// crypto/rand, drawn without modulo bias.
func randomBase62(prefix string, n int) string {
	out := make([]byte, 0, len(prefix)+n)
	out = append(out, prefix...)
	var buf [64]byte
	for len(out) < cap(out) {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never returns an error
		for _, b := range buf {
			if b >= 248 { // 248 = 4*62: reject to keep the distribution uniform
				continue
			}
			out = append(out, base62[b%62])
			if len(out) == cap(out) {
				break
			}
		}
	}
	return string(out)
}

// newTraceID returns a random 32-hex-digit trace id for clerk_trace_id.
func newTraceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// queryInt parses an optional non-negative integer query parameter, bounded
// by maxVal. Missing gives def.
func queryInt(r *http.Request, name string, def, minVal, maxVal int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errParamInvalid(name, name+" must be an integer")
	}
	if n < minVal || n > maxVal {
		return 0, errParamValue(name, name+" must be between "+strconv.Itoa(minVal)+" and "+strconv.Itoa(maxVal))
	}
	return n, nil
}

// page is a limit/offset window parsed from the query string with Clerk's
// defaults (limit 10, at most 500).
type page struct{ limit, offset int }

func parsePage(r *http.Request) (page, error) {
	limit, err := queryInt(r, "limit", 10, 1, 500)
	if err != nil {
		return page{}, err
	}
	offset, err := queryInt(r, "offset", 0, 0, 1<<30)
	if err != nil {
		return page{}, err
	}
	return page{limit: limit, offset: offset}, nil
}

// window returns the [lo, hi) bounds of p over n items.
func (p page) window(n int) (lo, hi int) {
	lo = min(p.offset, n)
	hi = min(lo+p.limit, n)
	return lo, hi
}

// listJSON is Clerk's paginated list envelope.
type listJSON[T any] struct {
	Data       []T `json:"data"`
	TotalCount int `json:"total_count"`
}

// paginate cuts p's window out of items and wraps it with the total count.
func paginate[T any](items []T, p page) listJSON[T] {
	lo, hi := p.window(len(items))
	return listJSON[T]{Data: append([]T{}, items[lo:hi]...), TotalCount: len(items)}
}

// totalCount is Clerk's {"object":"total_count","total_count":N}.
type totalCount struct {
	Object     string `json:"object"`
	TotalCount int    `json:"total_count"`
}

// deletedObject is Clerk's answer to a deletion.
type deletedObject struct {
	Object  string `json:"object"`
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// metadataRequest is the body of the .../metadata merge endpoints.
type metadataRequest struct {
	PublicMetadata  map[string]any `json:"public_metadata"`
	PrivateMetadata map[string]any `json:"private_metadata"`
	UnsafeMetadata  map[string]any `json:"unsafe_metadata"`
}

// orgMetadataRequest is the body of the organization and membership
// metadata merge endpoints.
type orgMetadataRequest struct {
	PublicMetadata  map[string]any `json:"public_metadata"`
	PrivateMetadata map[string]any `json:"private_metadata"`
}

// mergeMetadata returns a fresh map: old with patch applied, where each
// top-level key of patch replaces the old value and a null value deletes it.
func mergeMetadata(old, patch map[string]any) map[string]any {
	out := make(map[string]any, len(old)+len(patch))
	for k, v := range old {
		out[k] = v
	}
	for k, v := range patch {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// orEmpty returns m, or a fresh empty map when m is nil, so that metadata
// always encodes as an object.
func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// strOrNil encodes "" as JSON null.
func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// int64OrNil encodes 0 as JSON null.
func int64OrNil(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func setIf(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

// attach appends the identification id to a user's ids; the first one
// becomes primary.
func attach(ids *[]string, primary *string, id string) {
	*ids = append(*ids, id)
	if *primary == "" {
		*primary = id
	}
}

// detach removes the identification id from a user's ids; when it was
// primary, the oldest remaining one (or none) becomes primary.
func detach(ids *[]string, primary *string, id string) {
	*ids = slices.DeleteFunc(*ids, func(x string) bool { return x == id })
	if *primary == id {
		*primary = ""
		if len(*ids) > 0 {
			*primary = (*ids)[0]
		}
	}
}

func containsFold(list []string, v string) bool {
	return v != "" && slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
}

func anyFold(want, have []string) bool {
	return slices.ContainsFunc(have, func(h string) bool { return containsFold(want, h) })
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const defaultImageURL = "https://img.clerk.com/authsvc-emulator/default.png"
