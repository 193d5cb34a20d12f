package backendapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// List is one page of a list endpoint. Clerk answers some lists with a bare
// JSON array and others with {"data": [...], "total_count": n}; both decode
// into a List. TotalCount is Clerk's total_count (the number of matching
// items across all pages) when Clerk sent it, and the number of items in
// Data otherwise. Marshalling a List always gives the {"data", "total_count"}
// form. A nil *List is never returned with a nil error.
type List[T any] struct {
	Data       []*T  `json:"data"`
	TotalCount int64 `json:"total_count"`

	bare bool // Clerk answered a bare array: TotalCount is only len(Data)
}

// decode accepts both list shapes. An object without a data array is an
// error: a list endpoint that answers with a single object is a protocol
// error, not a page (the original unwrapped any object with a data key).
func (l *List[T]) decode(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var items []*T
		if err := json.Unmarshal(b, &items); err != nil {
			return fmt.Errorf("backendapi: decoding list: %w", err)
		}
		l.Data, l.TotalCount, l.bare = nonNil(items), int64(len(items)), true
		return nil
	}
	var page struct {
		Data       *[]*T  `json:"data"`
		TotalCount *int64 `json:"total_count"`
	}
	if err := json.Unmarshal(b, &page); err != nil {
		return fmt.Errorf("backendapi: decoding list: %w", err)
	}
	if page.Data == nil {
		return errors.New("backendapi: decoding list: no data array in response")
	}
	l.Data, l.TotalCount = nonNil(*page.Data), int64(len(*page.Data))
	if page.TotalCount != nil {
		l.TotalCount = *page.TotalCount
	}
	return nil
}

func nonNil[T any](s []*T) []*T {
	if s == nil {
		return []*T{}
	}
	return s
}

// decodeList decodes a list response body; see [List].
func decodeList[T any](b []byte) (*List[T], error) {
	l := new(List[T])
	if err := l.decode(b); err != nil {
		return nil, err
	}
	return l, nil
}

// ListOptions pages through a list: Limit items starting at Offset. nil
// fields are not sent and Clerk's defaults apply (limit 10, offset 0); a set
// field is sent even when zero. The client applies no maximum.
type ListOptions struct {
	Limit  *int64
	Offset *int64
}

func (o *ListOptions) values(q url.Values) {
	if o == nil {
		return
	}
	setInt(q, "limit", o.Limit)
	setInt(q, "offset", o.Offset)
}

func setInt(q url.Values, key string, v *int64) {
	if v != nil {
		q.Set(key, strconv.FormatInt(*v, 10))
	}
}

func setString(q url.Values, key string, v *string) {
	if v != nil {
		q.Set(key, *v)
	}
}

func addStrings(q url.Values, key string, vs []string) {
	for _, v := range vs {
		q.Add(key, v)
	}
}
