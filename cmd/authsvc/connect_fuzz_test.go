package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// fuzzContentTypes are the protocols the HTTP listener tells apart.
var fuzzContentTypes = []string{
	"application/json", "application/proto", "application/grpc-web+proto", "application/grpc-web+json",
	"application/connect+json", "text/plain", "",
}

// FuzzConnectHandler feeds the HTTP listener's AuthService arbitrary
// bodies under each content type. It must never panic, and every Connect
// error must be a JSON body with a code. A 5xx may only be internal or
// unknown: an undecodable message, which grpc-go itself answers internal on
// the gRPC port and vanguard unknown for bad JSON. Run longer with:
//
//	go test -run '^$' -fuzz FuzzConnectHandler -fuzztime 60s ./cmd/authsvc
func FuzzConnectHandler(f *testing.F) {
	iss := verifiertest.NewIssuer(f)
	v, err := verifier.New(verifier.Config{JWTKey: iss.PublicKeyPEM()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(v.Close)
	srv, err := server.New(server.Config{Verifier: v})
	if err != nil {
		f.Fatal(err)
	}
	gs, _ := server.NewGRPCServer(srv, server.GRPCOptions{})
	h, err := connectHandler(gs, 16<<10)
	if err != nil {
		f.Fatal(err)
	}
	for i := range fuzzContentTypes {
		f.Add(uint8(i), "VerifySessionToken", []byte(`{"token":"`+iss.Mint(f, nil)+`"}`))
		f.Add(uint8(i), "GetAuthState", []byte(`{"headers":{"cookie":"__session=x"}}`))
		f.Add(uint8(i), "GetUser", []byte{0, 0, 0, 0, 2, 10, 0})
	}
	f.Add(uint8(0), "VerifySessionToken", []byte(`{"token":1}`))
	f.Add(uint8(2), "VerifySessionToken", []byte{0x80, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, ct uint8, method string, body []byte) {
		// A method that cannot be a request path (net/http refuses control
		// characters in one before any handler runs) is not an input.
		if strings.ContainsAny(method, "/?#% \t\r\n") || method == "" ||
			strings.ContainsFunc(method, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return
		}
		r := httptest.NewRequest(http.MethodPost, "/authsvc.v1.AuthService/"+method, bytes.NewReader(body))
		if c := fuzzContentTypes[int(ct)%len(fuzzContentTypes)]; c != "" {
			r.Header.Set("Content-Type", c)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code == http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
			return
		}
		var e struct{ Code string }
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Code == "" {
			t.Fatalf("HTTP %d with a body that is no Connect error: %q", w.Code, w.Body.String())
		}
		if w.Code >= 500 && e.Code != "internal" && e.Code != "unknown" && e.Code != "unimplemented" {
			t.Fatalf("HTTP %d %s for %q: %s", w.Code, e.Code, body, w.Body.String())
		}
	})
}
