package server

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/authsvc/authsvc/backendapi"
	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/policy"
)

// statusDetails splits err's status into its code, ErrorInfos and
// RetryInfo.
func statusDetails(t *testing.T, err error) (codes.Code, string, []*errdetails.ErrorInfo, *errdetails.RetryInfo) {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("not a status: %v", err)
	}
	var infos []*errdetails.ErrorInfo
	var retry *errdetails.RetryInfo
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			infos = append(infos, d)
		case *errdetails.RetryInfo:
			retry = d
		}
	}
	return st.Code(), st.Message(), infos, retry
}

// TestProxyErrorMapping covers DESIGN.md's table: each Backend API status
// becomes its gRPC code, with Clerk's errors[] and trace id as ErrorInfo
// details, and the secret key nowhere in the status.
func TestProxyErrorMapping(t *testing.T) {
	t.Parallel()
	clerkErr := func(code, msg string) string {
		return `{"errors":[{"code":"` + code + `","message":"` + msg + `","long_message":"long ` + msg + ` ` + testSecretKey + `","meta":{"param_name":"user_id"}}],"clerk_trace_id":"trace-1"}`
	}
	info := func(reason, msg, httpStatus string) *errdetails.ErrorInfo {
		return &errdetails.ErrorInfo{Domain: ClerkErrorDomain, Reason: reason, Metadata: map[string]string{
			"message": msg, "long_message": "long " + msg + " [REDACTED]", "meta": `{"param_name":"user_id"}`,
			"http_status": httpStatus, "trace_id": "trace-1"}}
	}
	tests := []struct {
		name      string
		rep       reply
		wantCode  codes.Code
		wantInfos []*errdetails.ErrorInfo
		wantRetry time.Duration // -1: no RetryInfo
	}{
		{"400 is INVALID_ARGUMENT", reply{status: 400, body: clerkErr("form_param_missing", "missing")}, codes.InvalidArgument, []*errdetails.ErrorInfo{info("form_param_missing", "missing", "400")}, -1},
		{"401 is UNAUTHENTICATED", reply{status: 401, body: clerkErr("authentication_invalid", "bad key")}, codes.Unauthenticated, []*errdetails.ErrorInfo{info("authentication_invalid", "bad key", "401")}, -1},
		{"403 is PERMISSION_DENIED", reply{status: 403, body: clerkErr("authorization_invalid", "no")}, codes.PermissionDenied, []*errdetails.ErrorInfo{info("authorization_invalid", "no", "403")}, -1},
		{"404 is NOT_FOUND", reply{status: 404, body: clerkErr("resource_not_found", "not found")}, codes.NotFound, []*errdetails.ErrorInfo{info("resource_not_found", "not found", "404")}, -1},
		{"409 is ALREADY_EXISTS", reply{status: 409, body: clerkErr("duplicate_record", "exists")}, codes.AlreadyExists, []*errdetails.ErrorInfo{info("duplicate_record", "exists", "409")}, -1},
		{
			"422 is INVALID_ARGUMENT, one ErrorInfo per entry",
			reply{status: 422, body: `{"errors":[{"code":"form_password_incorrect","message":"wrong"},{"code":"form_param_format_invalid","message":"bad","meta":{"param_name":"password"}}]}`, header: map[string]string{"Cf-Ray": "ray-9"}},
			codes.InvalidArgument,
			[]*errdetails.ErrorInfo{
				{Domain: ClerkErrorDomain, Reason: "form_password_incorrect", Metadata: map[string]string{"message": "wrong", "http_status": "422", "trace_id": "ray-9"}},
				{Domain: ClerkErrorDomain, Reason: "form_param_format_invalid", Metadata: map[string]string{"message": "bad", "meta": `{"param_name":"password"}`, "http_status": "422", "trace_id": "ray-9"}},
			},
			-1,
		},
		{"429 is RESOURCE_EXHAUSTED with RetryInfo", reply{status: 429, body: clerkErr("too_many_requests", "slow down"), header: map[string]string{"Retry-After": "7"}}, codes.ResourceExhausted, []*errdetails.ErrorInfo{info("too_many_requests", "slow down", "429")}, 7 * time.Second},
		{"500 is UNAVAILABLE", reply{status: 500, body: clerkErr("internal_clerk_error", "oops")}, codes.Unavailable, []*errdetails.ErrorInfo{info("internal_clerk_error", "oops", "500")}, -1},
		{
			"502 with a non-Clerk body is UNAVAILABLE with a generic ErrorInfo",
			reply{status: 502, body: "<html>bad gateway</html>", header: map[string]string{"Content-Type": "text/html"}},
			codes.Unavailable,
			[]*errdetails.ErrorInfo{{Domain: ErrorDomain, Reason: "BACKEND_API_ERROR", Metadata: map[string]string{"http_status": "502"}}},
			-1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stub := newClerkStub(t, map[string]reply{"GET /v1/users/user_1": tt.rep})
			client := newProxyClient(t, stub, policy.DevPolicy(testCallerKey))
			_, err := client.GetUser(withKey(t.Context(), testCallerKey), &pb.GetUserRequest{UserId: "user_1"})
			code, msg, infos, retry := statusDetails(t, err)
			if code != tt.wantCode {
				t.Fatalf("code = %v (%s), want %v", code, msg, tt.wantCode)
			}
			if diff := cmp.Diff(tt.wantInfos, infos, protocmp.Transform()); diff != "" {
				t.Errorf("ErrorInfo details (-want +got):\n%s", diff)
			}
			switch {
			case tt.wantRetry < 0 && retry != nil:
				t.Errorf("unexpected RetryInfo %v", retry)
			case tt.wantRetry >= 0 && (retry == nil || retry.GetRetryDelay().AsDuration() != tt.wantRetry):
				t.Errorf("RetryInfo = %v, want %v", retry, tt.wantRetry)
			}
			if strings.Contains(status.Convert(err).String(), testSecretKey) || strings.Contains(msg, testSecretKey) {
				t.Errorf("status leaks the secret key: %v", status.Convert(err).Proto())
			}
		})
	}
}

// TestProxyRequiredIDs: an empty path id is INVALID_ARGUMENT naming the
// field, and nothing reaches Clerk (spec §6.15).
func TestProxyRequiredIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		call      func(context.Context, pb.AuthServiceClient) error
		wantField string
	}{
		{"GetUser", func(ctx context.Context, c pb.AuthServiceClient) error {
			_, err := c.GetUser(ctx, &pb.GetUserRequest{})
			return err
		}, "user_id"},
		{"DeleteOrganization (original sent DELETE /organizations)", func(ctx context.Context, c pb.AuthServiceClient) error {
			_, err := c.DeleteOrganization(ctx, &pb.DeleteOrganizationRequest{})
			return err
		}, "organization_id"},
		{"UpdateOrganizationMembershipMetadata user id (original had no checks)", func(ctx context.Context, c pb.AuthServiceClient) error {
			_, err := c.UpdateOrganizationMembershipMetadata(ctx, &pb.UpdateOrganizationMembershipMetadataRequest{OrganizationId: "org_1"})
			return err
		}, "user_id"},
		{"RevokeOrganizationInvitation invitation id", func(ctx context.Context, c pb.AuthServiceClient) error {
			_, err := c.RevokeOrganizationInvitation(ctx, &pb.RevokeOrganizationInvitationRequest{OrganizationId: "org_1"})
			return err
		}, "invitation_id"},
		{"GetOrganization with neither id nor slug", func(ctx context.Context, c pb.AuthServiceClient) error {
			_, err := c.GetOrganization(ctx, &pb.GetOrganizationRequest{})
			return err
		}, "organization_id"},
		{"GetOrganization with both id and slug", func(ctx context.Context, c pb.AuthServiceClient) error {
			_, err := c.GetOrganization(ctx, &pb.GetOrganizationRequest{OrganizationId: "org_1", Slug: "acme"})
			return err
		}, "slug"},
		{"ListUserOAuthAccessTokens provider", func(ctx context.Context, c pb.AuthServiceClient) error {
			_, err := c.ListUserOAuthAccessTokens(ctx, &pb.ListUserOAuthAccessTokensRequest{UserId: "user_1"})
			return err
		}, "provider"},
		{"CreateSessionToken", func(ctx context.Context, c pb.AuthServiceClient) error {
			_, err := c.CreateSessionToken(ctx, &pb.CreateSessionTokenRequest{Template: "t"})
			return err
		}, "session_id"},
		{"VerifyClient token", func(ctx context.Context, c pb.AuthServiceClient) error {
			_, err := c.VerifyClient(ctx, &pb.VerifyClientRequest{})
			return err
		}, "token"},
		{"DeleteRedirectUrl", func(ctx context.Context, c pb.AuthServiceClient) error {
			_, err := c.DeleteRedirectUrl(ctx, &pb.DeleteRedirectUrlRequest{})
			return err
		}, "redirect_url_id"},
	}
	stub := newClerkStub(t, nil)
	client := newProxyClient(t, stub, policy.DevPolicy(testCallerKey))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(withKey(t.Context(), testCallerKey), client)
			st := status.Convert(err)
			if st.Code() != codes.InvalidArgument {
				t.Fatalf("code = %v (%s), want InvalidArgument", st.Code(), st.Message())
			}
			var br *errdetails.BadRequest
			for _, d := range st.Details() {
				if b, ok := d.(*errdetails.BadRequest); ok {
					br = b
				}
			}
			if br == nil || len(br.GetFieldViolations()) != 1 || br.GetFieldViolations()[0].GetField() != tt.wantField {
				t.Errorf("BadRequest = %v, want field %q", br, tt.wantField)
			}
		})
	}
	t.Cleanup(func() {
		if n := len(stub.requests()); n != 0 {
			t.Errorf("Clerk got %d requests for invalid calls, want 0", n)
		}
	})
}

// TestProxyDotSegmentID: a "." or ".." id is rejected before any request.
func TestProxyDotSegmentID(t *testing.T) {
	t.Parallel()
	stub := newClerkStub(t, nil)
	client := newProxyClient(t, stub, policy.DevPolicy(testCallerKey))
	_, err := client.GetUser(withKey(t.Context(), testCallerKey), &pb.GetUserRequest{UserId: ".."})
	if code := status.Code(err); code != codes.InvalidArgument {
		t.Errorf("code = %v, want InvalidArgument", code)
	}
	if n := len(stub.requests()); n != 0 {
		t.Errorf("Clerk got %d requests, want 0", n)
	}
}

// TestProxyBackendNotConfigured: without a Backend every proxy RPC is
// FAILED_PRECONDITION.
func TestProxyBackendNotConfigured(t *testing.T) {
	t.Parallel()
	client := newProxyClient(t, nil, policy.DevPolicy(testCallerKey))
	ctx := withKey(t.Context(), testCallerKey)
	_, err1 := client.GetUser(ctx, &pb.GetUserRequest{UserId: "user_1"})
	_, err2 := client.GetInterstitial(ctx, &pb.GetInterstitialRequest{})
	for _, err := range []error{err1, err2} {
		if st := status.Convert(err); st.Code() != codes.FailedPrecondition || st.Message() != "backend api not configured" {
			t.Errorf("status = %v %q, want FailedPrecondition \"backend api not configured\"", st.Code(), st.Message())
		}
	}
}

// TestProxyCallerDeadline: a Clerk that does not answer within the
// caller's deadline gives DEADLINE_EXCEEDED.
func TestProxyCallerDeadline(t *testing.T) {
	t.Parallel()
	stub := newClerkStub(t, map[string]reply{"GET /v1/users/user_1": {status: hangUntilCanceled}})
	client := newProxyClient(t, stub, policy.DevPolicy(testCallerKey))
	ctx, cancel := context.WithTimeout(withKey(t.Context(), testCallerKey), 200*time.Millisecond)
	defer cancel()
	_, err := client.GetUser(ctx, &pb.GetUserRequest{UserId: "user_1"})
	if code := status.Code(err); code != codes.DeadlineExceeded {
		t.Errorf("code = %v (%v), want DeadlineExceeded", code, err)
	}
}

// TestBackendStatusErrors maps the backendapi errors that need no HTTP
// exchange.
func TestBackendStatusErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want codes.Code
	}{
		{"missing id", backendapi.ErrMissingID, codes.InvalidArgument},
		{"transport failure after retries", errors.Join(backendapi.ErrUnavailable, errors.New("connection refused")), codes.Unavailable},
		{"client-side rate limit", &backendapi.RateLimitError{RetryAfter: time.Second}, codes.ResourceExhausted},
		{"caller deadline", context.DeadlineExceeded, codes.DeadlineExceeded},
		{"caller cancel", context.Canceled, codes.Canceled},
		{"unknown", errors.New("boom"), codes.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := status.Code(backendStatus(tt.err)); got != tt.want {
				t.Errorf("code = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBackendStatusBoundsUpstreamText: an upstream error of fifty 50 KB
// entries and a 900 KB trace id (a hostile or broken Clerk), or a bare
// error body with such a trace id, becomes a status that fits in a trailer
// Envoy accepts (60 KiB), each string cut with "…" at a UTF-8 boundary.
func TestBackendStatusBoundsUpstreamText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 25000) // 50 KB, two bytes a rune
	trace := strings.Repeat("t", 900_000)
	if size := proto.Size(status.Convert(backendStatus(&backendapi.APIError{StatusCode: 500, TraceID: trace})).Proto()); size*4/3 > 60<<10 {
		t.Errorf("a bare error with a long trace id: status of %d bytes base64-encoded", size*4/3)
	}
	e := &backendapi.APIError{StatusCode: 422, TraceID: trace}
	for range 50 {
		e.Errors = append(e.Errors, backendapi.ErrorItem{Code: long, Message: long, LongMessage: long, Meta: map[string]any{"m": long}})
	}
	st := status.Convert(backendStatus(e))
	if size := proto.Size(st.Proto()); size*4/3 > 60<<10 {
		t.Errorf("status of %d bytes (%d base64-encoded) would not pass Envoy's 60 KiB", size, size*4/3)
	}
	if len(st.Details()) != maxErrorDetails {
		t.Fatalf("%d details, want %d", len(st.Details()), maxErrorDetails)
	}
	for _, d := range st.Details() {
		info, ok := d.(*errdetails.ErrorInfo)
		if !ok {
			continue
		}
		for k, v := range info.GetMetadata() {
			if !utf8.ValidString(v) || len(v) > maxDetailValue+len("…") {
				t.Errorf("detail %s: %d bytes, valid UTF-8 %v", k, len(v), utf8.ValidString(v))
			}
		}
	}
}
