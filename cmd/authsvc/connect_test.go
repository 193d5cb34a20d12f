package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// rpcResult is one call's outcome as any of the HTTP protocols tells it.
type rpcResult struct {
	httpStatus int
	code       codes.Code
	reason     string // the authsvc ErrorInfo's metadata reason
	header     http.Header
}

// httpProtocol calls a method of the AuthService over the HTTP listener.
type httpProtocol struct {
	name string
	call func(t *testing.T, url string, hdr http.Header, req, resp proto.Message) rpcResult
}

var rpcProtocols = []httpProtocol{
	{"connect-json", connectUnary("application/json", protojson.Marshal, protojson.Unmarshal)},
	{"connect-proto", connectUnary("application/proto", proto.Marshal, proto.Unmarshal)},
	{"grpc-web-proto", grpcWeb("application/grpc-web+proto", proto.Marshal, proto.Unmarshal)},
	// The server forces a proto codec; vanguard must transcode JSON for it.
	{"grpc-web-json", grpcWeb("application/grpc-web+json", protojson.Marshal, protojson.Unmarshal)},
}

func post(t *testing.T, url, contentType string, hdr http.Header, body []byte) (*http.Response, []byte) {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		r.Header[k] = v
	}
	r.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// connectUnary is the Connect unary protocol with one codec; its errors
// are JSON whatever the codec (Connect's rule).
func connectUnary(ct string, marshal func(proto.Message) ([]byte, error), unmarshal func([]byte, proto.Message) error) func(*testing.T, string, http.Header, proto.Message, proto.Message) rpcResult {
	return func(t *testing.T, url string, hdr http.Header, req, resp proto.Message) rpcResult {
		body, err := marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		hr, b := post(t, url, ct, hdr, body)
		res := rpcResult{httpStatus: hr.StatusCode, header: hr.Header}
		if hr.StatusCode == http.StatusOK {
			if got := hr.Header.Get("Content-Type"); got != ct {
				t.Errorf("response content type %q, want %q", got, ct)
			}
			if err := unmarshal(b, resp); err != nil {
				t.Fatalf("response %q: %v", b, err)
			}
			return res
		}
		res.code, res.reason = parseConnectError(t, b)
		return res
	}
}

// TestConnectJSONNames: Connect JSON answers use the proto field names,
// which are Clerk's (user_id, session_id, org_slug), not lowerCamel.
func TestConnectJSONNames(t *testing.T) {
	t.Parallel()
	d := startDev(t, nil)
	body, _ := json.Marshal(map[string]string{"token": d.token})
	resp, err := http.Post("http://"+d.httpAddr+"/authsvc.v1.AuthService/VerifySessionToken", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Claims map[string]any `json:"claims"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, decode: %v", resp.StatusCode, err)
	}
	for _, k := range []string{"user_id", "session_id", "org_slug", "expires_at"} {
		if _, ok := got.Claims[k]; !ok {
			t.Errorf("claims lack %q: %v", k, got.Claims)
		}
	}
	if _, ok := got.Claims["userId"]; ok {
		t.Errorf("claims use lowerCamel names: %v", got.Claims)
	}
}

// parseConnectError reads a Connect JSON error body: its code and the
// reason of its google.rpc.ErrorInfo detail.
func parseConnectError(t *testing.T, b []byte) (codes.Code, string) {
	t.Helper()
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"details"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q is not a Connect error: %v", b, err)
	}
	code, ok := connectCodes[e.Code]
	if !ok {
		t.Fatalf("error body %q: unknown Connect code", b)
	}
	for _, d := range e.Details {
		if d.Type != "google.rpc.ErrorInfo" {
			continue
		}
		raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(d.Value, "="))
		if err != nil {
			t.Fatalf("detail value %q: %v", d.Value, err)
		}
		var info errdetails.ErrorInfo
		if err := proto.Unmarshal(raw, &info); err != nil {
			t.Fatal(err)
		}
		return code, info.GetMetadata()["reason"]
	}
	return code, ""
}

// connectCodes maps Connect's code names (snake case of gRPC's) to codes.
var connectCodes = func() map[string]codes.Code {
	m := map[string]codes.Code{}
	for c := codes.OK; c <= codes.Unauthenticated; c++ {
		var b strings.Builder
		for i, r := range c.String() {
			if unicode.IsUpper(r) && i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		}
		m[b.String()] = c
	}
	m["canceled"] = codes.Canceled
	return m
}()

// grpcWeb is the gRPC-Web protocol with one codec: enveloped messages,
// status in a trailer frame (or in the headers for a trailers-only
// answer), details in grpc-status-details-bin.
func grpcWeb(ct string, marshal func(proto.Message) ([]byte, error), unmarshal func([]byte, proto.Message) error) func(*testing.T, string, http.Header, proto.Message, proto.Message) rpcResult {
	return func(t *testing.T, url string, hdr http.Header, req, resp proto.Message) rpcResult {
		body, err := marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		hr, b := post(t, url, ct, hdr, envelope(0, body))
		res := rpcResult{httpStatus: hr.StatusCode, header: hr.Header}
		trailer := http.Header{}
		for k, v := range hr.Header {
			trailer[k] = v
		}
		for len(b) > 0 {
			if len(b) < 5 || int(binary.BigEndian.Uint32(b[1:5])) > len(b)-5 {
				t.Fatalf("truncated gRPC-Web frame %q", b)
			}
			flags, n := b[0], binary.BigEndian.Uint32(b[1:5])
			frame := b[5 : 5+n]
			b = b[5+n:]
			if flags&0x80 == 0 {
				if err := unmarshal(frame, resp); err != nil {
					t.Fatalf("response frame: %v", err)
				}
				continue
			}
			tr, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(frame, "\r\n"...)))).ReadMIMEHeader()
			if err != nil && err != io.EOF {
				t.Fatalf("trailer frame %q: %v", frame, err)
			}
			for k, v := range tr {
				trailer[k] = v
			}
		}
		n, err := strconv.Atoi(trailer.Get("Grpc-Status"))
		if err != nil {
			t.Fatalf("no grpc-status in %v", trailer)
		}
		res.code, res.header = codes.Code(n), trailer
		if bin := trailer.Get("Grpc-Status-Details-Bin"); bin != "" {
			res.reason = reasonFromStatusBin(t, bin)
		}
		return res
	}
}

func envelope(flags byte, msg []byte) []byte {
	out := make([]byte, 5, 5+len(msg))
	out[0] = flags
	binary.BigEndian.PutUint32(out[1:], uint32(len(msg)))
	return append(out, msg...)
}

func reasonFromStatusBin(t *testing.T, bin string) string {
	t.Helper()
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(bin, "="))
	if err != nil {
		t.Fatal(err)
	}
	var st spb.Status
	if err := proto.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	for _, d := range st.GetDetails() {
		var info errdetails.ErrorInfo
		if d.MessageIs(&info) {
			if err := anypb.UnmarshalTo(d, &info, proto.UnmarshalOptions{}); err != nil {
				t.Fatal(err)
			}
			return info.GetMetadata()["reason"]
		}
	}
	return ""
}

// connectRows are the DESIGN "HTTP listener" rows every protocol must
// answer alike: the result, the code with its HTTP status and the reason.
var connectRows = []struct {
	name       string
	method     string
	key        func(*devService) string // caller key sent as Authorization: Bearer
	req        func(*devService) proto.Message
	resp       func() proto.Message
	want       codes.Code
	wantStatus int // Connect's HTTP status for want (gRPC-Web always says 200)
	wantReason string
	check      func(t *testing.T, resp proto.Message)
}{
	{
		name: "verify: the banner's token is valid", method: "VerifySessionToken",
		req:  func(d *devService) proto.Message { return &authsvcv1.VerifySessionTokenRequest{Token: d.token} },
		resp: func() proto.Message { return &authsvcv1.VerifySessionTokenResponse{} },
		want: codes.OK, wantStatus: http.StatusOK,
		check: func(t *testing.T, m proto.Message) {
			if got := m.(*authsvcv1.VerifySessionTokenResponse).GetClaims().GetUserId(); got != devUser {
				t.Errorf("claims user %q, want %q", got, devUser)
			}
		},
	},
	{
		name: "verify: garbage is unauthenticated token-invalid", method: "VerifySessionToken",
		req:  func(*devService) proto.Message { return &authsvcv1.VerifySessionTokenRequest{Token: "garbage"} },
		resp: func() proto.Message { return &authsvcv1.VerifySessionTokenResponse{} },
		want: codes.Unauthenticated, wantStatus: http.StatusUnauthorized, wantReason: "token-invalid",
	},
	{
		name: "verify: an empty token is invalid_argument", method: "VerifySessionToken",
		req:  func(*devService) proto.Message { return &authsvcv1.VerifySessionTokenRequest{} },
		resp: func() proto.Message { return &authsvcv1.VerifySessionTokenResponse{} },
		want: codes.InvalidArgument, wantStatus: http.StatusBadRequest,
	},
	{
		name: "policy: a proxy call without the caller key is unauthenticated", method: "GetUser",
		req:  func(*devService) proto.Message { return &authsvcv1.GetUserRequest{UserId: devUser} },
		resp: func() proto.Message { return &authsvcv1.GetUserResponse{} },
		want: codes.Unauthenticated, wantStatus: http.StatusUnauthorized, wantReason: "caller-credential-missing",
	},
	{
		name: "policy: a wrong caller key is permission_denied", method: "GetUser",
		key:  func(*devService) string { return "ak_dev_wrong" },
		req:  func(*devService) proto.Message { return &authsvcv1.GetUserRequest{UserId: devUser} },
		resp: func() proto.Message { return &authsvcv1.GetUserResponse{} },
		want: codes.PermissionDenied, wantStatus: http.StatusForbidden, wantReason: "caller-unknown",
	},
	{
		name: "policy: the caller key in Authorization reaches the proxy", method: "GetUser",
		key:  func(d *devService) string { return d.callerKey },
		req:  func(*devService) proto.Message { return &authsvcv1.GetUserRequest{UserId: devUser} },
		resp: func() proto.Message { return &authsvcv1.GetUserResponse{} },
		want: codes.OK, wantStatus: http.StatusOK,
		check: func(t *testing.T, m proto.Message) {
			if got := m.(*authsvcv1.GetUserResponse).GetUser().GetId(); got != devUser {
				t.Errorf("user %q, want %q", got, devUser)
			}
		},
	},
}

// TestConnectHTTP: DESIGN "HTTP listener". The AuthService answers on the
// HTTP port in Connect JSON, Connect binary and gRPC-Web (proto and JSON),
// each call passing the gRPC server's own chain: the caller policy reads
// the Authorization header, errors are Connect errors with the ErrorInfo
// in details (and its reason in the authsvc-reason trailer), and the
// metrics and the call log saw every call.
func TestConnectHTTP(t *testing.T) {
	t.Parallel()
	d := startDev(t, map[string]string{"AUTHSVC_LOG_LEVEL": "debug"})
	for _, p := range rpcProtocols {
		for i, tt := range connectRows {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				hdr := http.Header{"X-Request-Id": {fmt.Sprintf("%s-%d", p.name, i)}}
				if tt.key != nil {
					hdr.Set("Authorization", "Bearer "+tt.key(d))
				}
				resp := tt.resp()
				got := p.call(t, "http://"+d.httpAddr+"/authsvc.v1.AuthService/"+tt.method, hdr, tt.req(d), resp)
				if got.code != tt.want || got.reason != tt.wantReason {
					t.Fatalf("code %v reason %q, want %v %q", got.code, got.reason, tt.want, tt.wantReason)
				}
				wantStatus := tt.wantStatus
				if strings.HasPrefix(p.name, "grpc-web") {
					wantStatus = http.StatusOK
				}
				if got.httpStatus != wantStatus {
					t.Errorf("HTTP status %d, want %d", got.httpStatus, wantStatus)
				}
				if tt.wantReason != "" && !slices.Contains(trailerValues(got.header, "authsvc-reason"), tt.wantReason) {
					t.Errorf("authsvc-reason trailer missing from %v", got.header)
				}
				if tt.check != nil {
					tt.check(t, resp)
				}
			})
		}
	}
	metrics := httpGet(t, "http://"+d.httpAddr+"/metrics")
	n := len(rpcProtocols)
	for _, want := range []string{
		fmt.Sprintf(`authsvc_verifications_total{method="VerifySessionToken",outcome="valid",reason=""} %d`, n),
		fmt.Sprintf(`authsvc_verifications_total{method="VerifySessionToken",outcome="invalid",reason="token-invalid"} %d`, n),
		fmt.Sprintf(`grpc_server_handled_total{grpc_code="PermissionDenied",grpc_method="GetUser",grpc_service="authsvc.v1.AuthService",grpc_type="unary"} %d`, n),
		fmt.Sprintf(`authsvc_backend_requests_total{code="200",operation="GET /users/{id}"} %d`, n),
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	calls := map[string]map[string]any{}
	for _, l := range logLinesOf(t, d.log.String(), "grpc call") {
		if id, ok := l["request_id"].(string); ok {
			calls[id] = l
		}
	}
	for _, p := range rpcProtocols {
		line := calls[p.name+"-5"] // the row with the caller key
		got := map[string]any{"method": line["method"], "code": line["code"], "caller": line["caller"]}
		want := map[string]any{"method": "/authsvc.v1.AuthService/GetUser", "code": "OK", "caller": "dev"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: the call log line (-want +got):\n%s", p.name, diff)
		}
	}
	wantNoSecrets(t, d.log.String(), d.token, d.callerKey)
}

// TestConnectHTTPLimits: the HTTP listener bounds request bodies at
// AUTHSVC_MAX_RECV_BYTES, serves nothing of the gRPC server but the
// AuthService, and answers the Connect protocol only on its path.
func TestConnectHTTPLimits(t *testing.T) {
	t.Parallel()
	d := startDev(t, map[string]string{"AUTHSVC_MAX_RECV_BYTES": "16384"})
	base := "http://" + d.httpAddr
	big := []byte(`{"token":"` + strings.Repeat("a", 20000) + `"}`)
	tests := []struct {
		name, path, contentType string
		body                    []byte
		wantStatus              int
		wantCode                string // Connect error code, when the answer is one
	}{
		{"a body over AUTHSVC_MAX_RECV_BYTES is refused", "/authsvc.v1.AuthService/VerifySessionToken", "application/json", big, http.StatusTooManyRequests, "resource_exhausted"},
		{"a gzip body inflating past the limit is refused", "/authsvc.v1.AuthService/VerifySessionToken", "application/json", gzipped(t, big), http.StatusTooManyRequests, "resource_exhausted"},
		{"a body under the limit is served", "/authsvc.v1.AuthService/VerifySessionToken", "application/json", []byte(`{"token":"x"}`), http.StatusUnauthorized, "unauthenticated"},
		{"an unknown method is not found", "/authsvc.v1.AuthService/NoSuchMethod", "application/json", []byte(`{}`), http.StatusNotFound, ""},
		{"health is not served over HTTP", "/grpc.health.v1.Health/Check", "application/json", []byte(`{}`), http.StatusNotFound, ""},
		{"Envoy's Check is not served over HTTP", "/envoy.service.auth.v3.Authorization/Check", "application/json", []byte(`{}`), http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hdr http.Header
			if bytes.HasPrefix(tt.body, []byte{0x1f, 0x8b}) {
				hdr = http.Header{"Content-Encoding": {"gzip"}}
			}
			resp, b := post(t, base+tt.path, tt.contentType, hdr, tt.body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("HTTP %d %q, want %d", resp.StatusCode, b, tt.wantStatus)
			}
			if tt.wantCode == "" {
				return
			}
			var e struct{ Code string }
			if err := json.Unmarshal(b, &e); err != nil || e.Code != tt.wantCode {
				t.Errorf("body %q, want Connect code %s", b, tt.wantCode)
			}
		})
	}
}

// TestConnectBadJSONQuotesNothing: a JSON body that does not decode is the
// caller's invalid_argument (HTTP 400), and its message quotes nothing of
// the body: protojson's error quotes the offending value, here the token
// put in a bool field, and vanguard passed it on as a 500 "unknown".
func TestConnectBadJSONQuotesNothing(t *testing.T) {
	t.Parallel()
	d := startDev(t, nil)
	base := "http://" + d.httpAddr
	for name, tc := range map[string]struct{ path, body string }{
		"the token in a bool field":  {"/authsvc.v1.AuthService/VerifySessionToken", `{"token":"x","accept_pending":"` + d.token + `"}`},
		"the token unquoted":         {"/authsvc.v1.AuthService/VerifySessionToken", `{"token":` + d.token + `}`},
		"a header of the wrong type": {"/authsvc.v1.AuthService/GetAuthState", `{"headers":{"authorization":["` + d.token + `"]}}`},
	} {
		resp, b := post(t, base+tc.path, "application/json", nil, []byte(tc.body))
		var e struct{ Code, Message string }
		if resp.StatusCode != http.StatusBadRequest || json.Unmarshal(b, &e) != nil || e.Code != "invalid_argument" {
			t.Errorf("%s: HTTP %d %.120s, want 400 invalid_argument", name, resp.StatusCode, b)
		}
		if strings.Contains(string(b), d.token[:32]) {
			t.Errorf("%s: the answer quotes the token", name)
		}
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func trailerValues(h http.Header, name string) []string {
	var out []string
	for k, v := range h {
		if strings.EqualFold(k, name) || strings.EqualFold(k, "trailer-"+name) {
			out = append(out, v...)
		}
	}
	return out
}

var curlCmd = regexp.MustCompile(`curl -H '(Content-Type: application/json)' -d '([^']+)' (http://\S+)`)

// TestConnectHTTP2: DESIGN "HTTP listener" serves HTTP/2 as well: a
// cleartext HTTP/2 client (prior knowledge, as gRPC-Web and Connect
// clients in a mesh use it) gets a Connect answer over HTTP/2.
func TestConnectHTTP2(t *testing.T) {
	t.Parallel()
	d := startDev(t, nil)
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	client := &http.Client{Transport: &http.Transport{Protocols: p}}
	body := []byte(`{"token":"` + d.token + `"}`)
	resp, err := client.Post("http://"+d.httpAddr+"/authsvc.v1.AuthService/VerifySessionToken", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var got authsvcv1.VerifySessionTokenResponse
	if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusOK || protojson.Unmarshal(b, &got) != nil || got.GetClaims().GetUserId() != devUser {
		t.Fatalf("%s %d %s, want HTTP/2 200 with %s's claims", resp.Proto, resp.StatusCode, b, devUser)
	}
}
