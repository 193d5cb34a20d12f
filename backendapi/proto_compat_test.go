package backendapi

import (
	"encoding/json"
	"testing"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestProtoCompat checks the contract with the gRPC proxy, which turns these
// structs into protobuf messages through JSON: the JSON of each decoded
// fixture unmarshals into its message with unknown fields rejected (no key
// the proto lacks), and every field of the message, nested ones included,
// is a key of that JSON (no proto field left empty for want of a struct
// field). Proto3 optional fields may be absent (omitempty in the struct).
func TestProtoCompat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture string
		decode  func([]byte) (any, error)
		msg     proto.Message
	}{
		{"user.json", decodeAs[User], &authsvcv1.User{}},
		{"session.json", decodeAs[Session], &authsvcv1.Session{}},
		{"client.json", decodeAs[ClerkClient], &authsvcv1.Client{}},
		{"organization.json", decodeAs[Organization], &authsvcv1.Organization{}},
		{"organization_membership.json", decodeAs[OrganizationMembership], &authsvcv1.OrganizationMembership{}},
		{"organization_invitation.json", decodeAs[OrganizationInvitation], &authsvcv1.OrganizationInvitation{}},
		{"invitation.json", decodeAs[Invitation], &authsvcv1.Invitation{}},
		{"email_address.json", decodeAs[EmailAddress], &authsvcv1.EmailAddress{}},
		{"phone_number.json", decodeAs[PhoneNumber], &authsvcv1.PhoneNumber{}},
		{"allowlist_identifier.json", decodeAs[AllowlistIdentifier], &authsvcv1.AllowlistIdentifier{}},
		{"redirect_url.json", decodeAs[RedirectURL], &authsvcv1.RedirectUrl{}},
		{"sign_in_token.json", decodeAs[SignInToken], &authsvcv1.SignInToken{}},
		{"email.json", decodeAs[Email], &authsvcv1.Email{}},
		{"sms_message.json", decodeAs[SMSMessage], &authsvcv1.SMSMessage{}},
		{"deleted_organization.json", decodeAs[DeletedObject], &authsvcv1.DeletedObject{}},
		{"user_list.json", decodeListAs[User], &authsvcv1.ListUsersResponse{}},
		{"session_list.json", decodeListAs[Session], &authsvcv1.ListSessionsResponse{}},
		{"oauth_access_token_list.json", decodeListAs[OAuthAccessToken], &authsvcv1.ListUserOAuthAccessTokensResponse{}},
		{"organization_membership_list.json", decodeListAs[OrganizationMembership], &authsvcv1.ListOrganizationMembershipsResponse{}},
		{"verify_password.json", decodeAs[PasswordVerification], &authsvcv1.VerifyUserPasswordResponse{}},
		{"disabled_mfa.json", decodeAs[DisabledMFA], &authsvcv1.DisableUserMFAResponse{}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			v, err := tt.decode(fixture(t, tt.fixture))
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if err := protojson.Unmarshal(b, tt.msg); err != nil {
				t.Fatalf("protojson rejects the JSON of %T: %v", v, err)
			}
			var doc any
			_ = json.Unmarshal(b, &doc)
			missingFields(t, tt.msg.ProtoReflect().Descriptor(), doc, string(tt.msg.ProtoReflect().Descriptor().Name()))
		})
	}
}

func decodeAs[T any](b []byte) (any, error) {
	v := new(T)
	err := json.Unmarshal(b, v)
	return v, err
}

func decodeListAs[T any](b []byte) (any, error) { return decodeList[T](b) }

// missingFields reports every field of md that doc (the JSON of the struct)
// lacks, recursing into message fields and the first element of lists.
func missingFields(t *testing.T, md protoreflect.MessageDescriptor, doc any, path string) {
	t.Helper()
	obj, ok := doc.(map[string]any)
	if !ok {
		return
	}
	fields := md.Fields()
	for k := range fields.Len() {
		fd := fields.Get(k)
		name := string(fd.Name())
		val, ok := obj[name]
		if !ok && fd.HasOptionalKeyword() {
			continue // a proto3 optional field: Clerk may omit it, and so may the struct
		}
		if !ok {
			t.Errorf("%s.%s is in the proto but not in the struct's JSON", path, name)
			continue
		}
		if fd.Kind() != protoreflect.MessageKind || fd.Message().FullName() == "google.protobuf.Struct" {
			continue
		}
		if list, ok := val.([]any); ok && fd.IsList() {
			if len(list) > 0 {
				missingFields(t, fd.Message(), list[0], path+"."+name+"[0]")
			}
			continue
		}
		missingFields(t, fd.Message(), val, path+"."+name)
	}
}
