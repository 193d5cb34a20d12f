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
