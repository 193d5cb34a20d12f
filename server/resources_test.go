package server

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/policy"
)

// Fixture JSON in Clerk's wire shape, trimmed to what the rows check.
const (
	userJSON = `{"object":"user","id":"user_1","username":null,"first_name":"Ada","last_name":null,
		"profile_image_url":"https://img/ada","gender":"","birthday":"","primary_email_address_id":"idn_1",
		"primary_phone_number_id":null,"primary_web3_wallet_id":null,"password_enabled":true,"totp_enabled":false,
		"backup_code_enabled":false,"two_factor_enabled":false,"banned":false,"external_id":null,"last_sign_in_at":null,
		"public_metadata":{"planTier":"pro"},"private_metadata":{},"unsafe_metadata":{},
		"email_addresses":[{"object":"email_address","id":"idn_1","email_address":"ada@example.com",
			"verification":{"status":"verified","strategy":"email_code","attempts":1,"expire_at":null,"nonce":null,"external_verification_redirect_url":null},
			"linked_to":[{"type":"oauth_google","id":"idn_g"}]}],
		"phone_numbers":[],"web3_wallets":[],"external_accounts":[],"created_at":1651577314987,"updated_at":1651577314988}`
	sessionJSON = `{"object":"session","id":"sess_1","client_id":"client_1","user_id":"user_1","status":"active",
		"last_active_at":1,"expire_at":2,"abandon_at":3,"created_at":4,"updated_at":5}`
	clientJSON = `{"object":"client","id":"client_1","session_ids":["sess_1"],"sessions":[` + sessionJSON + `],
		"sign_in_attempt_id":null,"sign_up_attempt_id":null,"last_active_session_id":"sess_1","created_at":1,"updated_at":2}`
	orgJSON = `{"object":"organization","id":"org_1","name":"Acme","slug":"acme","logo_url":null,
		"public_metadata":{},"private_metadata":{},"created_by":"user_1","created_at":1,"updated_at":2}`
	orgInvitationJSON = `{"object":"organization_invitation","id":"orginv_1","email_address":"bob@example.com",
		"role":"basic_member","organization_id":"org_1","status":"revoked","public_metadata":{},"created_at":1,"updated_at":2}`
	emailAddressJSON = `{"object":"email_address","id":"idn_1","email_address":"ada@example.com","verification":null,"linked_to":[]}`
	deletedPhoneJSON = `{"object":"phone_number","id":"idn_p","deleted":true}`
	allowlistJSON    = `{"object":"allowlist_identifier","id":"alid_1","identifier":"ada@example.com","created_at":1,"updated_at":2}`
	invitationJSON   = `{"object":"invitation","id":"inv_1","email_address":"bob@example.com","public_metadata":{"team":"red"},"revoked":false,"created_at":1,"updated_at":2}`
	redirectURLsJSON = `[{"object":"redirect_url","id":"ru_1","url":"myapp://cb","created_at":1,"updated_at":2}]`
	signInTokenJSON  = `{"object":"sign_in_token","id":"sit_1","user_id":"user_1","token":"eyJ.x.y","status":"pending","created_at":1,"updated_at":2}`
	emailJSON        = `{"object":"email","id":"ema_1","from_email_name":"support","email_address_id":"idn_1","to_email_address":"ada@example.com","subject":"Hi","body":"Hello","status":"queued"}`
	smsJSON          = `{"object":"sms_message","id":"sms_1","from_phone_number":"+1555","to_phone_number":"+1666","message":"code 1","status":"queued","phone_number_id":"idn_p"}`
)

// proxyRow is one RPC called through gRPC against the Clerk stand-in.
type proxyRow struct {
	name    string
	route   string // "METHOD /v1/path" the stand-in answers
	rep     reply
	call    func(context.Context, pb.AuthServiceClient) (proto.Message, error)
	wantReq recorded
	want    proto.Message
}

func mustStruct(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// TestProxyResourceGroups calls a representative RPC of every resource
// group (spec §4.7 row in the name) and checks the request Clerk received
// (verb, escaped path, query, body, the secret key as Bearer) and the
// converted response.
func TestProxyResourceGroups(t *testing.T) {
	t.Parallel()
	for _, tt := range proxyRows(t) {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stub := newClerkStub(t, map[string]reply{tt.route: tt.rep})
			client := newProxyClient(t, stub, policy.DevPolicy(testCallerKey))
			got, err := tt.call(withKey(t.Context(), testCallerKey), client)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			reqs := stub.requests()
			if len(reqs) != 1 {
				t.Fatalf("Clerk got %d requests, want 1: %+v", len(reqs), reqs)
			}
			tt.wantReq.Auth = "Bearer " + testSecretKey
			if diff := cmp.Diff(tt.wantReq, reqs[0]); diff != "" {
				t.Errorf("request to Clerk (-want +got):\n%s", diff)
			}
		})
	}
}

// proxyRows are the rows of TestProxyResourceGroups; the emulator run
// (resources_emulator_test.go) uses them too.
func proxyRows(t *testing.T) []proxyRow {
	empty := &structpb.Struct{Fields: map[string]*structpb.Value{}}
	user := &pb.User{
		Id: "user_1", Object: "user", FirstName: ptr("Ada"), ProfileImageUrl: "https://img/ada",
		PrimaryEmailAddressId: ptr("idn_1"), PasswordEnabled: true,
		PublicMetadata: mustStruct(t, map[string]any{"planTier": "pro"}), PrivateMetadata: empty, UnsafeMetadata: empty,
		EmailAddresses: []*pb.EmailAddress{{
			Id: "idn_1", Object: "email_address", EmailAddress: "ada@example.com",
			Verification: &pb.Verification{Status: "verified", Strategy: "email_code", Attempts: ptr[int64](1)},
			LinkedTo:     []*pb.IdentificationLink{{Type: "oauth_google", Id: "idn_g"}},
		}},
		CreatedAt: 1651577314987, UpdatedAt: 1651577314988,
	}
	session := &pb.Session{Id: "sess_1", Object: "session", ClientId: "client_1", UserId: "user_1", Status: "active",
		LastActiveAt: 1, ExpireAt: 2, AbandonAt: 3, CreatedAt: 4, UpdatedAt: 5}
	return []proxyRow{
		{
			name:  "users: GetUser (#46) converts nested identifications, nulls and metadata",
			route: "GET /v1/users/user_1", rep: reply{body: userJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.GetUser(ctx, &pb.GetUserRequest{UserId: "user_1"})
			},
			wantReq: recorded{Method: "GET", Path: "/v1/users/user_1"},
			want:    &pb.GetUserResponse{User: user},
		},
		{
			name:  "users: ListUsers (#45) sends repeated filters and an explicit offset 0",
			route: "GET /v1/users", rep: reply{body: `{"data":[` + userJSON + `],"total_count":7}`},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.ListUsers(ctx, &pb.ListUsersRequest{EmailAddress: []string{"a@x.io", "b@x.io"}, Limit: ptr[int64](10), Offset: ptr[int64](0), OrderBy: ptr("-created_at")})
			},
			wantReq: recorded{Method: "GET", Path: "/v1/users", RawQuery: "email_address=a%40x.io&email_address=b%40x.io&limit=10&offset=0&order_by=-created_at"},
			want:    &pb.ListUsersResponse{Data: []*pb.User{user}, TotalCount: 7},
		},
		{
			name:  "users: CreateUser (#47) sends set fields and metadata keys untouched",
			route: "POST /v1/users", rep: reply{body: userJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.CreateUser(ctx, &pb.CreateUserRequest{EmailAddress: []string{"ada@example.com"}, FirstName: ptr("Ada"),
					SkipPasswordRequirement: ptr(false), PublicMetadata: mustStruct(t, map[string]any{"planTier": "pro"})})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/users", Body: map[string]any{
				"email_address": []any{"ada@example.com"}, "first_name": "Ada", "skip_password_requirement": false,
				"public_metadata": map[string]any{"planTier": "pro"}}},
			want: &pb.CreateUserResponse{User: user},
		},
		{
			name:  "users: DeleteUser (#50) returns a DeletedObject",
			route: "DELETE /v1/users/user_1", rep: reply{body: `{"object":"user","id":"user_1","deleted":true}`},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.DeleteUser(ctx, &pb.DeleteUserRequest{UserId: "user_1"})
			},
			wantReq: recorded{Method: "DELETE", Path: "/v1/users/user_1"},
			want:    &pb.DeleteUserResponse{DeletedObject: &pb.DeletedObject{Id: ptr("user_1"), Object: "user", Deleted: true}},
		},
		{
			name:  "users: CountUsers (#51) returns total_count",
			route: "GET /v1/users/count", rep: reply{body: `{"object":"total_count","total_count":3}`},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.CountUsers(ctx, &pb.CountUsersRequest{Query: ptr("ada")})
			},
			wantReq: recorded{Method: "GET", Path: "/v1/users/count", RawQuery: "query=ada"},
			want:    &pb.CountUsersResponse{TotalCount: 3},
		},
		{
			name:  "users: ListUserOAuthAccessTokens (#52) escapes the provider",
			route: "GET /v1/users/user_1/oauth_access_tokens/oauth_google", rep: reply{body: `[{"object":"oauth_access_token","provider":"oauth_google","token":"tok","public_metadata":{},"label":null,"scopes":["email"]}]`},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.ListUserOAuthAccessTokens(ctx, &pb.ListUserOAuthAccessTokensRequest{UserId: "user_1", Provider: "oauth_google"})
			},
			wantReq: recorded{Method: "GET", Path: "/v1/users/user_1/oauth_access_tokens/oauth_google"},
			want: &pb.ListUserOAuthAccessTokensResponse{Data: []*pb.OAuthAccessToken{{Object: "oauth_access_token", Provider: "oauth_google",
				Token: "tok", PublicMetadata: empty, Scopes: []string{"email"}}}, TotalCount: 1},
		},
		{
			name:  "users: DisableUserMFA (#53) returns the raw user_id",
			route: "DELETE /v1/users/user_1/mfa", rep: reply{body: `{"user_id":"user_1"}`},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.DisableUserMFA(ctx, &pb.DisableUserMFARequest{UserId: "user_1"})
			},
			wantReq: recorded{Method: "DELETE", Path: "/v1/users/user_1/mfa"},
			want:    &pb.DisableUserMFAResponse{UserId: "user_1"},
		},
		{
			name:  "users: VerifyUserPassword (later addition) posts the password",
			route: "POST /v1/users/user_1/verify_password", rep: reply{body: `{"verified":true}`},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.VerifyUserPassword(ctx, &pb.VerifyUserPasswordRequest{UserId: "user_1", Password: "hunter22"})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/users/user_1/verify_password", Body: map[string]any{"password": "hunter22"}},
			want:    &pb.VerifyUserPasswordResponse{Verified: true},
		},
		{
			name:  "users: BanUser (later addition)",
			route: "POST /v1/users/user_1/ban", rep: reply{body: userJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.BanUser(ctx, &pb.BanUserRequest{UserId: "user_1"})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/users/user_1/ban"},
			want:    &pb.BanUserResponse{User: user},
		},
		{
			name:  "sessions: ListSessions (#37) filters by user",
			route: "GET /v1/sessions", rep: reply{body: `[` + sessionJSON + `]`},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.ListSessions(ctx, &pb.ListSessionsRequest{UserId: ptr("user_1")})
			},
			wantReq: recorded{Method: "GET", Path: "/v1/sessions", RawQuery: "user_id=user_1"},
			want:    &pb.ListSessionsResponse{Data: []*pb.Session{session}, TotalCount: 1},
		},
		{
			name:  "sessions: CreateSessionToken (#41) with a template",
			route: "POST /v1/sessions/sess_1/tokens/my%20tpl", rep: reply{body: `{"object":"token","jwt":"eyJ.a.b"}`},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.CreateSessionToken(ctx, &pb.CreateSessionTokenRequest{SessionId: "sess_1", Template: "my tpl"})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/sessions/sess_1/tokens/my%20tpl"},
			want:    &pb.CreateSessionTokenResponse{Jwt: "eyJ.a.b"},
		},
		{
			name:  "sessions: CreateSession (later addition)",
			route: "POST /v1/sessions", rep: reply{body: sessionJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.CreateSession(ctx, &pb.CreateSessionRequest{UserId: "user_1"})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/sessions", Body: map[string]any{"user_id": "user_1"}},
			want:    &pb.CreateSessionResponse{Session: session},
		},
		{
			name:  "clients: GetClient (#5) with its sessions",
			route: "GET /v1/clients/client_1", rep: reply{body: clientJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.GetClient(ctx, &pb.GetClientRequest{ClientId: "client_1"})
			},
			wantReq: recorded{Method: "GET", Path: "/v1/clients/client_1"},
			want: &pb.GetClientResponse{Client: &pb.Client{Id: "client_1", Object: "client", SessionIds: []string{"sess_1"},
				Sessions: []*pb.Session{session}, LastActiveSessionId: ptr("sess_1"), CreatedAt: 1, UpdatedAt: 2}},
		},
		{
			name:  "organizations: GetOrganization (#17) by slug",
			route: "GET /v1/organizations/acme", rep: reply{body: orgJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.GetOrganization(ctx, &pb.GetOrganizationRequest{Slug: "acme"})
			},
			wantReq: recorded{Method: "GET", Path: "/v1/organizations/acme"},
			want: &pb.GetOrganizationResponse{Organization: &pb.Organization{Id: "org_1", Object: "organization", Name: "Acme",
				Slug: ptr("acme"), CreatedBy: ptr("user_1"), PublicMetadata: empty, PrivateMetadata: empty, CreatedAt: 1, UpdatedAt: 2}},
		},
		{
			name:  "organization memberships: ListOrganizationMemberships (#21) sends limit and offset 0",
			route: "GET /v1/organizations/org_1/memberships", rep: reply{body: `{"data":[],"total_count":0}`},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.ListOrganizationMemberships(ctx, &pb.ListOrganizationMembershipsRequest{OrganizationId: "org_1", Limit: ptr[int64](5), Offset: ptr[int64](0)})
			},
			wantReq: recorded{Method: "GET", Path: "/v1/organizations/org_1/memberships", RawQuery: "limit=5&offset=0"},
			want:    &pb.ListOrganizationMembershipsResponse{},
		},
		{
			name:  "organization invitations: RevokeOrganizationInvitation (#28)",
			route: "POST /v1/organizations/org_1/invitations/orginv_1/revoke", rep: reply{body: orgInvitationJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.RevokeOrganizationInvitation(ctx, &pb.RevokeOrganizationInvitationRequest{OrganizationId: "org_1", InvitationId: "orginv_1", RequestingUserId: "user_1"})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/organizations/org_1/invitations/orginv_1/revoke", Body: map[string]any{"requesting_user_id": "user_1"}},
			want: &pb.RevokeOrganizationInvitationResponse{OrganizationInvitation: &pb.OrganizationInvitation{Id: "orginv_1", Object: "organization_invitation",
				EmailAddress: "bob@example.com", Role: "basic_member", OrganizationId: "org_1", Status: "revoked", PublicMetadata: empty, CreatedAt: 1, UpdatedAt: 2}},
		},
		{
			name:  "email addresses: UpdateEmailAddress (#9) sends an explicit false",
			route: "PATCH /v1/email_addresses/idn_1", rep: reply{body: emailAddressJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.UpdateEmailAddress(ctx, &pb.UpdateEmailAddressRequest{EmailAddressId: "idn_1", Verified: ptr(false)})
			},
			wantReq: recorded{Method: "PATCH", Path: "/v1/email_addresses/idn_1", Body: map[string]any{"verified": false}},
			want:    &pb.UpdateEmailAddressResponse{EmailAddress: &pb.EmailAddress{Id: "idn_1", Object: "email_address", EmailAddress: "ada@example.com"}},
		},
		{
			name:  "phone numbers: DeletePhoneNumber (#32) returns a DeletedObject",
			route: "DELETE /v1/phone_numbers/idn_p", rep: reply{body: deletedPhoneJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.DeletePhoneNumber(ctx, &pb.DeletePhoneNumberRequest{PhoneNumberId: "idn_p"})
			},
			wantReq: recorded{Method: "DELETE", Path: "/v1/phone_numbers/idn_p"},
			want:    &pb.DeletePhoneNumberResponse{DeletedObject: &pb.DeletedObject{Id: ptr("idn_p"), Object: "phone_number", Deleted: true}},
		},
		{
			name:  "allowlist: CreateAllowlistIdentifier (#2) sends notify false",
			route: "POST /v1/allowlist_identifiers", rep: reply{body: allowlistJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.CreateAllowlistIdentifier(ctx, &pb.CreateAllowlistIdentifierRequest{Identifier: "ada@example.com", Notify: ptr(false)})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/allowlist_identifiers", Body: map[string]any{"identifier": "ada@example.com", "notify": false}},
			want: &pb.CreateAllowlistIdentifierResponse{AllowlistIdentifier: &pb.AllowlistIdentifier{Id: "alid_1", Object: "allowlist_identifier",
				Identifier: "ada@example.com", CreatedAt: 1, UpdatedAt: 2}},
		},
		{
			name:  "invitations: CreateInvitation (#13) with metadata",
			route: "POST /v1/invitations", rep: reply{body: invitationJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.CreateInvitation(ctx, &pb.CreateInvitationRequest{EmailAddress: "bob@example.com", PublicMetadata: mustStruct(t, map[string]any{"team": "red"})})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/invitations", Body: map[string]any{"email_address": "bob@example.com", "public_metadata": map[string]any{"team": "red"}}},
			want: &pb.CreateInvitationResponse{Invitation: &pb.Invitation{Id: "inv_1", Object: "invitation", EmailAddress: "bob@example.com",
				PublicMetadata: mustStruct(t, map[string]any{"team": "red"}), CreatedAt: 1, UpdatedAt: 2}},
		},
		{
			name:  "redirect urls: ListRedirectUrls (#33) from a bare array",
			route: "GET /v1/redirect_urls", rep: reply{body: redirectURLsJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.ListRedirectUrls(ctx, &pb.ListRedirectUrlsRequest{})
			},
			wantReq: recorded{Method: "GET", Path: "/v1/redirect_urls"},
			want:    &pb.ListRedirectUrlsResponse{Data: []*pb.RedirectUrl{{Id: "ru_1", Object: "redirect_url", Url: "myapp://cb", CreatedAt: 1, UpdatedAt: 2}}, TotalCount: 1},
		},
		{
			name:  "sign-in tokens: CreateSignInToken (#42) sends expires_in_seconds",
			route: "POST /v1/sign_in_tokens", rep: reply{body: signInTokenJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.CreateSignInToken(ctx, &pb.CreateSignInTokenRequest{UserId: "user_1", ExpiresInSeconds: ptr[int64](600)})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/sign_in_tokens", Body: map[string]any{"user_id": "user_1", "expires_in_seconds": float64(600)}},
			want: &pb.CreateSignInTokenResponse{SignInToken: &pb.SignInToken{Id: "sit_1", Object: "sign_in_token", UserId: "user_1",
				Token: "eyJ.x.y", Status: "pending", CreatedAt: 1, UpdatedAt: 2}},
		},
		{
			name:  "emails: CreateEmail (#11)",
			route: "POST /v1/emails", rep: reply{body: emailJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.CreateEmail(ctx, &pb.CreateEmailRequest{FromEmailName: "support", EmailAddressId: "idn_1", Subject: "Hi", Body: "Hello"})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/emails", Body: map[string]any{"from_email_name": "support", "email_address_id": "idn_1", "subject": "Hi", "body": "Hello"}},
			want: &pb.CreateEmailResponse{Email: &pb.Email{Id: "ema_1", Object: "email", FromEmailName: "support", EmailAddressId: ptr("idn_1"),
				ToEmailAddress: ptr("ada@example.com"), Subject: ptr("Hi"), Body: ptr("Hello"), Status: ptr("queued")}},
		},
		{
			name:  "sms messages: CreateSMSMessage (#44)",
			route: "POST /v1/sms_messages", rep: reply{body: smsJSON},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.CreateSMSMessage(ctx, &pb.CreateSMSMessageRequest{PhoneNumberId: "idn_p", Message: "code 1"})
			},
			wantReq: recorded{Method: "POST", Path: "/v1/sms_messages", Body: map[string]any{"phone_number_id": "idn_p", "message": "code 1"}},
			want: &pb.CreateSMSMessageResponse{SmsMessage: &pb.SMSMessage{Id: "sms_1", Object: "sms_message", FromPhoneNumber: "+1555",
				ToPhoneNumber: "+1666", Message: "code 1", Status: "queued", PhoneNumberId: ptr("idn_p")}},
		},
		{
			name:  "interstitial: GetInterstitial (#55) passes the page through",
			route: "GET /v1/internal/interstitial", rep: reply{body: "<html>interstitial</html>", header: map[string]string{"Content-Type": "text/html"}},
			call: func(ctx context.Context, c pb.AuthServiceClient) (proto.Message, error) {
				return c.GetInterstitial(ctx, &pb.GetInterstitialRequest{})
			},
			wantReq: recorded{Method: "GET", Path: "/v1/internal/interstitial"},
			want:    &pb.GetInterstitialResponse{Html: "<html>interstitial</html>"},
		},
	}
}

// TestEveryProxyRPCImplemented calls every method of AuthService with an
// empty request and no backend: each proxy RPC must answer from its own
// handler (FAILED_PRECONDITION, or INVALID_ARGUMENT for a missing id),
// never UNIMPLEMENTED.
func TestEveryProxyRPCImplemented(t *testing.T) {
	t.Parallel()
	conn := startBufconn(t, withPolicy(newProxyServer(t, nil), policy.DevPolicy(testCallerKey)), GRPCOptions{})
	proxied := 0
	for _, m := range pb.AuthService_ServiceDesc.Methods {
		if m.MethodName == "VerifySessionToken" || m.MethodName == "GetAuthState" || m.MethodName == "VerifyWebhook" || m.MethodName == "VerifyToken" {
			continue
		}
		proxied++
		t.Run(m.MethodName, func(t *testing.T) {
			t.Parallel()
			err := conn.Invoke(withKey(t.Context(), testCallerKey), "/authsvc.v1.AuthService/"+m.MethodName, &emptypb.Empty{}, &emptypb.Empty{})
			if code := status.Code(err); code != codes.FailedPrecondition && code != codes.InvalidArgument {
				t.Errorf("code = %v (%v), want FailedPrecondition or InvalidArgument", code, err)
			}
		})
	}
	if proxied != 59 {
		t.Errorf("AuthService has %d proxy RPCs, want 59", proxied)
	}
}
