package webhook

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSignatureHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   []string
	}{
		{name: "one v1", header: "v1,abc=", want: []string{"abc="}},
		{name: "two v1, space separated", header: "v1,abc= v1,def=", want: []string{"abc=", "def="}},
		{name: "v1a and v2 ignored", header: "v1a,xyz v2,uvw v1,abc=", want: []string{"abc="}},
		{name: "runs of spaces and tabs", header: "  v1,abc=\t v1,def=  ", want: []string{"abc=", "def="}},
		{name: "signature keeps later commas", header: "v1,a,b", want: []string{"a,b"}},
		{name: "empty signature skipped", header: "v1, v1,abc=", want: []string{"abc="}},
		{name: "no comma skipped", header: "v1abc= abc=", want: nil},
		{name: "version in upper case is not v1", header: "V1,abc=", want: nil},
		{name: "comma-separated list is one entry", header: "v1,abc=,v1,def=", want: []string{"abc=,v1,def="}},
		{name: "empty", header: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, parseSignatureHeader(tt.header)); diff != "" {
				t.Errorf("parseSignatureHeader(%q) (-want +got):\n%s", tt.header, diff)
			}
		})
	}
}

func TestPickHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    map[string]string
		want signedHeaders
	}{
		{name: "svix set", m: map[string]string{"svix-id": "a", "svix-timestamp": "1", "svix-signature": "s"}, want: signedHeaders{"a", "1", "s"}},
		{name: "webhook set", m: map[string]string{"webhook-id": "a", "webhook-timestamp": "1", "webhook-signature": "s"}, want: signedHeaders{"a", "1", "s"}},
		{name: "any svix name picks the svix set", m: map[string]string{"svix-signature": "s", "webhook-id": "a", "webhook-timestamp": "1"}, want: signedHeaders{signature: "s"}},
		{name: "values trimmed", m: map[string]string{"Webhook-Id": " a ", "WEBHOOK-TIMESTAMP": "1\t", "webhook-signature": " s"}, want: signedHeaders{"a", "1", "s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, pickHeaders(mapHeaderGetter(tt.m)), cmp.AllowUnexported(signedHeaders{})); diff != "" {
				t.Errorf("pickHeaders (-want +got):\n%s", diff)
			}
		})
	}
}
