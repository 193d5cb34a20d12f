package server

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/authsvc/authsvc/backendapi"
	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// TestConvertBackendFixtures decodes every Clerk fixture of the backendapi
// package into its backendapi type and converts it to the matching
// message: no fixture may fail, and every key the message has must survive
// (checked by comparing the message's JSON keys with the fixture's).
func TestConvertBackendFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		conv func([]byte) (proto.Message, error)
	}{
		{"user.json", roundTrip[backendapi.User, pb.User]},
		{"user_list.json (bare array)", roundTrip[[]*backendapi.User, pb.ListUsersResponse]},
		{"session.json", roundTrip[backendapi.Session, pb.Session]},
		{"client.json", roundTrip[backendapi.ClerkClient, pb.Client]},
		{"organization.json", roundTrip[backendapi.Organization, pb.Organization]},
		{"organization_membership.json", roundTrip[backendapi.OrganizationMembership, pb.OrganizationMembership]},
		{"organization_invitation.json", roundTrip[backendapi.OrganizationInvitation, pb.OrganizationInvitation]},
		{"invitation.json", roundTrip[backendapi.Invitation, pb.Invitation]},
		{"email_address.json", roundTrip[backendapi.EmailAddress, pb.EmailAddress]},
		{"phone_number.json", roundTrip[backendapi.PhoneNumber, pb.PhoneNumber]},
		{"allowlist_identifier.json", roundTrip[backendapi.AllowlistIdentifier, pb.AllowlistIdentifier]},
		{"redirect_url.json", roundTrip[backendapi.RedirectURL, pb.RedirectUrl]},
		{"sign_in_token.json", roundTrip[backendapi.SignInToken, pb.SignInToken]},
		{"email.json", roundTrip[backendapi.Email, pb.Email]},
		{"sms_message.json", roundTrip[backendapi.SMSMessage, pb.SMSMessage]},
		{"deleted_user.json", roundTrip[backendapi.DeletedObject, pb.DeletedObject]},
		{"oauth_access_token_list.json (bare array)", roundTrip[[]*backendapi.OAuthAccessToken, pb.ListUserOAuthAccessTokensResponse]},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join("..", "backendapi", "testdata", strings.Fields(tt.file)[0]))
			if err != nil {
				t.Fatalf("backendapi fixture: %v", err)
			}
			msg, err := tt.conv(raw)
			if err != nil {
				t.Fatalf("convert: %v", err)
			}
			out, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(msg)
			if err != nil {
				t.Fatal(err)
			}
			var fixture, got map[string]any
			if json.Unmarshal(raw, &fixture) != nil {
				return // a bare array: the conversion succeeding is the check
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			for k, v := range got {
				if _, ok := fixture[k]; !ok && v != nil {
					t.Errorf("message has %q, which the fixture lacks", k)
				}
			}
			if id, ok := fixture["id"].(string); ok && got["id"] != id {
				t.Errorf("id = %v, want %q", got["id"], id)
			}
		})
	}
}

// roundTrip decodes a fixture as backendapi type B, as the client does, and
// converts it to message T. A bare array is wrapped as a list's data.
func roundTrip[B any, T any, PT message[T]](raw []byte) (proto.Message, error) {
	var v B
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	var src any = v
	switch items := src.(type) {
	case []*backendapi.OAuthAccessToken:
		src = backendapi.OAuthAccessTokenList{Data: items, TotalCount: int64(len(items))}
	case []*backendapi.User:
		src = backendapi.UserList{Data: items, TotalCount: int64(len(items))}
	}
	return convert[T, PT](src)
}

// TestConvertSessionActor: an impersonation session's actor (Clerk's actor
// object) reaches the Session message; a normal session's null actor leaves
// the field unset.
func TestConvertSessionActor(t *testing.T) {
	t.Parallel()
	impersonated := backendapi.Session{ID: "sess_1", Actor: map[string]any{"sub": "user_admin", "iss": "https://dashboard.clerk.com"}}
	got, err := convert[pb.Session](impersonated)
	if err != nil {
		t.Fatal(err)
	}
	if sub := got.GetActor().GetFields()["sub"].GetStringValue(); sub != "user_admin" {
		t.Errorf("actor.sub = %q, want user_admin (actor %v)", sub, got.GetActor())
	}
	plain, err := convert[pb.Session](backendapi.Session{ID: "sess_2"})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Actor != nil {
		t.Errorf("a session without actor has actor %v", plain.GetActor())
	}
}

// TestParamsRefusesValuesJSONCannotCarry: a metadata Struct holding NaN, an
// infinity or a Value with no kind (possible over binary gRPC) is the
// caller's INVALID_ARGUMENT naming the field, not an INTERNAL error, and
// reaches no upstream.
func TestParamsRefusesValuesJSONCannotCarry(t *testing.T) {
	t.Parallel()
	stub := newClerkStub(t, map[string]reply{"PATCH /v1/users/user_1/metadata": {body: userJSON}})
	s := newProxyServer(t, stub)
	for name, v := range map[string]*structpb.Value{
		"NaN":      structpb.NewNumberValue(math.NaN()),
		"infinity": structpb.NewNumberValue(math.Inf(1)),
		"no kind":  {},
	} {
		_, err := s.UpdateUserMetadata(t.Context(), &pb.UpdateUserMetadataRequest{
			UserId: "user_1", PublicMetadata: &structpb.Struct{Fields: map[string]*structpb.Value{"k": v}},
		})
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "public_metadata") {
			t.Errorf("%s in public_metadata: %v, want INVALID_ARGUMENT naming public_metadata", name, err)
		}
	}
	if n := len(stub.requests()); n != 0 {
		t.Errorf("%d upstream requests, want 0", n)
	}
}
