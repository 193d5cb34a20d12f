package main

import (
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseConfigEdge: AUTHSVC_EXT_AUTHZ, AUTHSVC_PUBLIC_PATHS and
// CLERK_PUBLISHABLE_KEY, each from the environment or its flag.
func TestParseConfigEdge(t *testing.T) {
	t.Parallel()
	pk := "pk_test_" + base64.RawStdEncoding.EncodeToString([]byte("happy-cat-12.clerk.accounts.dev$"))
	type edge struct {
		ExtAuthz       bool
		PublicPaths    []string
		PublishableKey string
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    edge
		wantErr string // a substring of the one-line error
	}{
		{"defaults: Check on, nothing public, no key", nil, nil, edge{ExtAuthz: true}, ""},
		{"ext_authz off", map[string]string{"AUTHSVC_EXT_AUTHZ": "false"}, nil, edge{}, ""},
		{"ext_authz flag wins", map[string]string{"AUTHSVC_EXT_AUTHZ": "false"}, []string{"--ext-authz=true"}, edge{ExtAuthz: true}, ""},
		{"ext_authz not a bool", map[string]string{"AUTHSVC_EXT_AUTHZ": "off"}, nil, edge{}, `AUTHSVC_EXT_AUTHZ (--ext-authz): "off" is not true or false`},
		{"public paths", map[string]string{"AUTHSVC_PUBLIC_PATHS": "/public/, /healthz,,"}, nil,
			edge{ExtAuthz: true, PublicPaths: []string{"/public/", "/healthz"}}, ""},
		{"public path without a slash", map[string]string{"AUTHSVC_PUBLIC_PATHS": "/ok,public"}, nil, edge{},
			`AUTHSVC_PUBLIC_PATHS (--public-paths): path prefix "public" does not start with /`},
		{"public path flag", nil, []string{"--public-paths", "assets"}, edge{}, "--public-paths (AUTHSVC_PUBLIC_PATHS): path prefix"},
		{"publishable key", map[string]string{"CLERK_PUBLISHABLE_KEY": pk}, nil, edge{ExtAuthz: true, PublishableKey: pk}, ""},
		{"secret key as publishable key", map[string]string{"CLERK_PUBLISHABLE_KEY": "sk_live_secret"}, nil, edge{},
			"CLERK_PUBLISHABLE_KEY (--publishable-key): invalid publishable key: it must start with pk_test_ or pk_live_"},
		{"publishable key that does not decode", map[string]string{"CLERK_PUBLISHABLE_KEY": "pk_live_!!!"}, nil, edge{},
			"CLERK_PUBLISHABLE_KEY (--publishable-key): invalid publishable key: the part after the prefix is not base64"},
		{"publishable key flag", nil, []string{"--publishable-key", "pk_test_" + base64.RawStdEncoding.EncodeToString([]byte("x$"))}, edge{},
			"--publishable-key (CLERK_PUBLISHABLE_KEY): invalid publishable key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := parseConfig("authsvc", tt.args, envFrom(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want one line containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "sk_live_secret") {
					t.Errorf("error %q repeats the key", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := edge{c.ExtAuthz, c.PublicPaths, c.PublishableKey}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("edge settings (-want +got):\n%s", diff)
			}
		})
	}
}
