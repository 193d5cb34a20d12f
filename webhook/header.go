package webhook

import (
	"net/http"
	"strings"
)

// The two header sets a sender may use: Svix's names, which Clerk sends,
// and the Standard Webhooks names. They carry the same values.
var headerSets = [...]headerNames{
	{id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature"},
	{id: "webhook-id", timestamp: "webhook-timestamp", signature: "webhook-signature"},
}

type headerNames struct{ id, timestamp, signature string }

// signedHeaders are the three header values one delivery carries.
type signedHeaders struct{ id, timestamp, signature string }

// pickHeaders chooses the svix- set when any of its three names is
// present and the webhook- set otherwise, then reads all three from that
// set only; get looks one name up case-insensitively.
func pickHeaders(get func(name string) (string, bool)) signedHeaders {
	names := headerSets[1]
	for _, n := range []string{headerSets[0].id, headerSets[0].timestamp, headerSets[0].signature} {
		if _, ok := get(n); ok {
			names = headerSets[0]
			break
		}
	}
	val := func(n string) string { v, _ := get(n); return strings.TrimSpace(v) }
	return signedHeaders{id: val(names.id), timestamp: val(names.timestamp), signature: val(names.signature)}
}

// httpHeaderGetter looks a name up in h: the canonical key first, then
// any key equal under case folding (an http.Header built by hand may hold
// lower-case keys). The first value counts.
func httpHeaderGetter(h http.Header) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if vs := h.Values(name); len(vs) > 0 {
			return vs[0], true
		}
		for k, vs := range h {
			if strings.EqualFold(k, name) && len(vs) > 0 {
				return vs[0], true
			}
		}
		return "", false
	}
}

// mapHeaderGetter looks a name up in m case-insensitively. When two keys
// differ only in case, the exact lower-case name wins, then any other.
func mapHeaderGetter(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if v, ok := m[name]; ok {
			return v, true
		}
		for k, v := range m {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
		return "", false
	}
}

// parseSignatureHeader returns the signatures of the v1 entries of a
// signature header: a list of "version,signature" entries separated by
// spaces. Entries of other versions (v1a, v2, …), entries without a comma
// and empty signatures are skipped; the signatures are returned as
// written, still base64.
func parseSignatureHeader(h string) []string {
	var sigs []string
	for _, entry := range strings.Fields(h) {
		version, sig, ok := strings.Cut(entry, ",")
		if ok && version == "v1" && sig != "" {
			sigs = append(sigs, sig)
		}
	}
	return sigs
}
