package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// decodeBody reads the request body (at most maxBodyBytes) into dst, a
// pointer to a struct with json tags. An empty body decodes as {}. Failures
// are Clerk errors: 413 for an oversized body, 400 when the body is not one
// JSON object, 422 form_param_unknown for an unknown key and 422
// form_param_format_invalid (with meta.param_name) for a value of the wrong
// type. dst is left in an unspecified state on error; callers discard it.
func decodeBody(r *http.Request, dst any) error {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return errBadRequest("request_body_invalid", "the request body could not be read")
	}
	if len(raw) > maxBodyBytes {
		return &apiError{status: http.StatusRequestEntityTooLarge, code: "request_body_too_large",
			message: "request body too large", long: "the request body must not exceed 1 MiB"}
	}
	return decodeJSON(raw, dst)
}

// decodeJSON is the body decoding step of decodeBody, split out for fuzzing.
func decodeJSON(raw []byte, dst any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	if raw[0] != '{' {
		return errBadRequest("request_body_invalid", "the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errBadRequest("request_body_invalid", "the request body must hold exactly one JSON object")
	}
	return nil
}

// decodeError maps an encoding/json error to a Clerk error.
func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		param := typeErr.Field
		if i := strings.IndexByte(param, '.'); i >= 0 {
			param = param[:i]
		}
		return errParamInvalid(param, param+" has the wrong type, expected "+typeErr.Type.String())
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unq, uerr := strconv.Unquote(name); uerr == nil {
			name = unq
		}
		return errParamUnknown(name)
	}
	return errBadRequest("request_body_invalid", "the request body is not valid JSON")
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
