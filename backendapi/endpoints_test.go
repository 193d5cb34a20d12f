package backendapi

import (
	"context"
	"strings"
)

// endpoint is one row of the operation table: spec §4.7 rows 1–55 (row
// number in the name) plus the later additions VerifyPassword, Ban, Unban
// and Sessions.Create. Wire expectations follow the endpoint-test vectors of
// spec §3.4 where it gives them.
type endpoint struct {
	name    string
	ids     []string // path ids, in the order call uses them
	lastOK  bool     // the last id may be empty (a JWT template name)
	call    func(ctx context.Context, c *Client, ids []string) (any, error)
	method  string
	path    string // escaped, relative to {base}
	query   string
	body    string // exact JSON body; "" means no body and no Content-Type
	fixture string // testdata file the fake server answers with
	want    string // JSON of the decoded result when it differs from the fixture
	// count, when set, is the query of the GET /v1/users/count that must
	// follow (Users.List on Clerk's bare array); the fake server answers it
	// with user_list_total.json, whose total then is the result's.
	count *string
}

func b(v bool) *bool     { return &v }
func s(v string) *string { return &v }
func i(v int64) *int64   { return &v }
func m(kv ...any) map[string]any {
	out := map[string]any{}
	for n := 0; n+1 < len(kv); n += 2 {
		out[kv[n].(string)] = kv[n+1]
	}
	return out
}

var endpoints = []endpoint{
	{name: "01 allowlistIdentifiers.getAllowlistIdentifierList", method: "GET", path: "/v1/allowlist_identifiers", fixture: "allowlist_identifier_list.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) { return c.AllowlistIdentifiers.List(ctx) }},
	{name: "02 allowlistIdentifiers.createAllowlistIdentifier", method: "POST", path: "/v1/allowlist_identifiers",
		body: `{"identifier":"test@example.com","notify":false}`, fixture: "allowlist_identifier.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.AllowlistIdentifiers.Create(ctx, &CreateAllowlistIdentifierParams{Identifier: "test@example.com", Notify: b(false)})
		}},
	{name: "03 allowlistIdentifiers.deleteAllowlistIdentifier", ids: []string{"alid_randomid"}, method: "DELETE", path: "/v1/allowlist_identifiers/alid_randomid", fixture: "deleted_allowlist_identifier.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.AllowlistIdentifiers.Delete(ctx, id[0])
		}},
	{name: "04 clients.getClientList", method: "GET", path: "/v1/clients", fixture: "client_list.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) { return c.Clients.List(ctx) }},
	{name: "05 clients.getClient", ids: []string{"client_server"}, method: "GET", path: "/v1/clients/client_server", fixture: "client.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.Clients.Get(ctx, id[0]) }},
	{name: "06 clients.verifyClient", method: "POST", path: "/v1/clients/verify", body: `{"token":"random_jwt_token"}`, fixture: "client.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Clients.Verify(ctx, "random_jwt_token")
		}},
	{name: "07 emailAddresses.getEmailAddress", ids: []string{"idn_banana"}, method: "GET", path: "/v1/email_addresses/idn_banana", fixture: "email_address.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.EmailAddresses.Get(ctx, id[0])
		}},
	{name: "08 emailAddresses.createEmailAddress", method: "POST", path: "/v1/email_addresses",
		body: `{"user_id":"user_deadbeef","email_address":"new@clerk.dev","verified":false,"primary":false}`, fixture: "email_address_unverified.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.EmailAddresses.Create(ctx, &CreateEmailAddressParams{UserID: "user_deadbeef", EmailAddress: "new@clerk.dev", Verified: b(false), Primary: b(false)})
		}},
	{name: "09 emailAddresses.updateEmailAddress", ids: []string{"idn_banana"}, method: "PATCH", path: "/v1/email_addresses/idn_banana",
		body: `{"verified":true,"primary":true}`, fixture: "email_address.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.EmailAddresses.Update(ctx, id[0], &UpdateEmailAddressParams{Verified: b(true), Primary: b(true)})
		}},
	{name: "10 emailAddresses.deleteEmailAddress", ids: []string{"idn_banana"}, method: "DELETE", path: "/v1/email_addresses/idn_banana", fixture: "deleted_email_address.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.EmailAddresses.Delete(ctx, id[0])
		}},
	{name: "11 emails.createEmail", method: "POST", path: "/v1/emails",
		body: `{"from_email_name":"accounting","email_address_id":"idn_whatever","subject":"Your invoice","body":"Pay up"}`, fixture: "email.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Emails.Create(ctx, &CreateEmailParams{FromEmailName: "accounting", EmailAddressID: "idn_whatever", Subject: "Your invoice", Body: "Pay up"})
		}},
	{name: "12 invitations.getInvitationList", method: "GET", path: "/v1/invitations", fixture: "invitation_list.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) { return c.Invitations.List(ctx) }},
	{name: "13 invitations.createInvitation metadata keys not snake-cased", method: "POST", path: "/v1/invitations",
		body: `{"email_address":"invitee@clerk.dev","redirect_url":"https://app.example/welcome","public_metadata":{"helloWorld":42}}`, fixture: "invitation.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Invitations.Create(ctx, &CreateInvitationParams{EmailAddress: "invitee@clerk.dev", RedirectURL: s("https://app.example/welcome"), PublicMetadata: m("helloWorld", 42)})
		}},
	{name: "14 invitations.revokeInvitation", ids: []string{"inv_randomid"}, method: "POST", path: "/v1/invitations/inv_randomid/revoke", fixture: "invitation_revoked.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Invitations.Revoke(ctx, id[0])
		}},
	{name: "15 organizations.getOrganizationList offset=0 sent", method: "GET", path: "/v1/organizations", query: "limit=10&offset=0", fixture: "organization_list.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Organizations.List(ctx, &ListOptions{Limit: i(10), Offset: i(0)})
		}},
	{name: "16 organizations.createOrganization", method: "POST", path: "/v1/organizations",
		body: `{"name":"Acme Inc","slug":"acme-inc","created_by":"user_deadbeef","public_metadata":{"helloWorld":42},"private_metadata":{"goodbyeWorld":42}}`, fixture: "organization.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Organizations.Create(ctx, &CreateOrganizationParams{Name: "Acme Inc", Slug: s("acme-inc"), CreatedBy: "user_deadbeef",
				PublicMetadata: m("helloWorld", 42), PrivateMetadata: m("goodbyeWorld", 42)})
		}},
	{name: "17 organizations.getOrganization by id", ids: []string{"org_randomid"}, method: "GET", path: "/v1/organizations/org_randomid", fixture: "organization.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.Organizations.Get(ctx, id[0]) }},
	{name: "17 organizations.getOrganization by slug", ids: []string{"acme-inc"}, method: "GET", path: "/v1/organizations/acme-inc", fixture: "organization.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.Organizations.Get(ctx, id[0]) }},
	{name: "18 organizations.updateOrganization", ids: []string{"org_randomid"}, method: "PATCH", path: "/v1/organizations/org_randomid",
		body: `{"name":"Acme Inc"}`, fixture: "organization.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.Update(ctx, id[0], &UpdateOrganizationParams{Name: s("Acme Inc")})
		}},
	{name: "19 organizations.updateOrganizationMetadata", ids: []string{"org_randomid"}, method: "PATCH", path: "/v1/organizations/org_randomid/metadata",
		body: `{"public_metadata":{"helloWorld":42},"private_metadata":{"goodbyeWorld":42}}`, fixture: "organization.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.UpdateMetadata(ctx, id[0], &UpdateOrganizationMetadataParams{PublicMetadata: m("helloWorld", 42), PrivateMetadata: m("goodbyeWorld", 42)})
		}},
	{name: "20 organizations.deleteOrganization", ids: []string{"org_randomid"}, method: "DELETE", path: "/v1/organizations/org_randomid", fixture: "deleted_organization.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.Delete(ctx, id[0])
		}},
	{name: "21 organizations.getOrganizationMembershipList", ids: []string{"org_randomid"}, method: "GET", path: "/v1/organizations/org_randomid/memberships",
		query: "limit=1&offset=1", fixture: "organization_membership_list.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.ListMemberships(ctx, id[0], &ListOptions{Limit: i(1), Offset: i(1)})
		}},
	{name: "22 organizations.createOrganizationMembership", ids: []string{"org_randomid"}, method: "POST", path: "/v1/organizations/org_randomid/memberships",
		body: `{"user_id":"user_randomid","role":"admin"}`, fixture: "organization_membership.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.CreateMembership(ctx, id[0], &CreateOrganizationMembershipParams{UserID: "user_randomid", Role: "admin"})
		}},
	{name: "23 organizations.updateOrganizationMembership", ids: []string{"org_randomid", "user_randomid"}, method: "PATCH",
		path: "/v1/organizations/org_randomid/memberships/user_randomid", body: `{"role":"admin"}`, fixture: "organization_membership.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.UpdateMembership(ctx, id[0], id[1], &UpdateOrganizationMembershipParams{Role: "admin"})
		}},
	{name: "24 organizations.updateOrganizationMembershipMetadata", ids: []string{"org_randomid", "user_randomid"}, method: "PATCH",
		path: "/v1/organizations/org_randomid/memberships/user_randomid/metadata", body: `{"public_metadata":{"helloWorld":42}}`, fixture: "organization_membership.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.UpdateMembershipMetadata(ctx, id[0], id[1], &UpdateOrganizationMembershipMetadataParams{PublicMetadata: m("helloWorld", 42)})
		}},
	{name: "25 organizations.deleteOrganizationMembership replies {}", ids: []string{"org_randomid", "user_randomid"}, method: "DELETE",
		path: "/v1/organizations/org_randomid/memberships/user_randomid", fixture: "empty_object.json", want: `{"object":"","deleted":true}`,
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.DeleteMembership(ctx, id[0], id[1])
		}},
	{name: "25 organizations.deleteOrganizationMembership replies the removed membership", ids: []string{"org_randomid", "user_randomid"}, method: "DELETE",
		path: "/v1/organizations/org_randomid/memberships/user_randomid", fixture: "organization_membership.json",
		want: `{"object":"organization_membership","id":"orgmem_1","deleted":true}`,
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.DeleteMembership(ctx, id[0], id[1])
		}},
	{name: "26 organizations.getPendingOrganizationInvitationList", ids: []string{"org_randomid"}, method: "GET",
		path: "/v1/organizations/org_randomid/invitations/pending", fixture: "organization_invitation_list.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.ListPendingInvitations(ctx, id[0], nil)
		}},
	{name: "27 organizations.createOrganizationInvitation", ids: []string{"org_randomid"}, method: "POST", path: "/v1/organizations/org_randomid/invitations",
		body:    `{"inviter_user_id":"user_deadbeef","email_address":"member@clerk.dev","role":"basic_member","public_metadata":{"teamName":"core"},"redirect_url":"https://app.example/join"}`,
		fixture: "organization_invitation.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.CreateInvitation(ctx, id[0], &CreateOrganizationInvitationParams{InviterUserID: "user_deadbeef",
				EmailAddress: "member@clerk.dev", Role: "basic_member", PublicMetadata: m("teamName", "core"), RedirectURL: s("https://app.example/join")})
		}},
	{name: "28 organizations.revokeOrganizationInvitation", ids: []string{"org_randomid", "orginv_1"}, method: "POST",
		path: "/v1/organizations/org_randomid/invitations/orginv_1/revoke", body: `{"requesting_user_id":"user_deadbeef"}`, fixture: "organization_invitation_revoked.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Organizations.RevokeInvitation(ctx, id[0], id[1], &RevokeOrganizationInvitationParams{RequestingUserID: "user_deadbeef"})
		}},
	{name: "29 phoneNumbers.getPhoneNumber", ids: []string{"idn_phone"}, method: "GET", path: "/v1/phone_numbers/idn_phone", fixture: "phone_number.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.PhoneNumbers.Get(ctx, id[0]) }},
	{name: "30 phoneNumbers.createPhoneNumber", method: "POST", path: "/v1/phone_numbers",
		body: `{"user_id":"user_deadbeef","phone_number":"+306957178227","verified":false,"primary":false}`, fixture: "phone_number.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.PhoneNumbers.Create(ctx, &CreatePhoneNumberParams{UserID: "user_deadbeef", PhoneNumber: "+306957178227", Verified: b(false), Primary: b(false)})
		}},
	{name: "31 phoneNumbers.updatePhoneNumber", ids: []string{"idn_phone"}, method: "PATCH", path: "/v1/phone_numbers/idn_phone",
		body: `{"verified":true,"primary":true}`, fixture: "phone_number.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.PhoneNumbers.Update(ctx, id[0], &UpdatePhoneNumberParams{Verified: b(true), Primary: b(true)})
		}},
	{name: "32 phoneNumbers.deletePhoneNumber", ids: []string{"idn_phone"}, method: "DELETE", path: "/v1/phone_numbers/idn_phone", fixture: "deleted_phone_number.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.PhoneNumbers.Delete(ctx, id[0])
		}},
	{name: "33 redirectUrls.getRedirectUrlList", method: "GET", path: "/v1/redirect_urls", fixture: "redirect_url_list.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) { return c.RedirectURLs.List(ctx) }},
	{name: "34 redirectUrls.getRedirectUrl", ids: []string{"ru_28eW1GeqywLZSzoBoaHJ79pkPR6"}, method: "GET", path: "/v1/redirect_urls/ru_28eW1GeqywLZSzoBoaHJ79pkPR6", fixture: "redirect_url.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.RedirectURLs.Get(ctx, id[0]) }},
	{name: "35 redirectUrls.createRedirectUrl", method: "POST", path: "/v1/redirect_urls", body: `{"url":"my-app://oauth-callback"}`, fixture: "redirect_url.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.RedirectURLs.Create(ctx, &CreateRedirectURLParams{URL: "my-app://oauth-callback"})
		}},
	{name: "36 redirectUrls.deleteRedirectUrl replies {}", ids: []string{"ru_28eW1GeqywLZSzoBoaHJ79pkPR6"}, method: "DELETE", path: "/v1/redirect_urls/ru_28eW1GeqywLZSzoBoaHJ79pkPR6",
		fixture: "empty_object.json", want: `{"object":"","deleted":false}`,
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.RedirectURLs.Delete(ctx, id[0])
		}},
	{name: "37 sessions.getSessionList", method: "GET", path: "/v1/sessions", query: "client_id=client_1&user_id=user_deadbeef", fixture: "session_list.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Sessions.List(ctx, &SessionListOptions{ClientID: s("client_1"), UserID: s("user_deadbeef")})
		}},
	{name: "38 sessions.getSession", ids: []string{"sess_1"}, method: "GET", path: "/v1/sessions/sess_1", fixture: "session.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.Sessions.Get(ctx, id[0]) }},
	{name: "39 sessions.revokeSession", ids: []string{"sess_1"}, method: "POST", path: "/v1/sessions/sess_1/revoke", fixture: "session.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.Sessions.Revoke(ctx, id[0]) }},
	{name: "40 sessions.verifySession", ids: []string{"sess_1"}, method: "POST", path: "/v1/sessions/sess_1/verify", body: `{"token":"eyJ.session.token"}`, fixture: "session.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Sessions.Verify(ctx, id[0], "eyJ.session.token")
		}},
	{name: "41 sessions.getToken with template", ids: []string{"sess_1", "supabase"}, lastOK: true, method: "POST", path: "/v1/sessions/sess_1/tokens/supabase", fixture: "token.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Sessions.CreateToken(ctx, id[0], id[1])
		}},
	{name: "41 sessions.getToken without template", ids: []string{"sess_1"}, method: "POST", path: "/v1/sessions/sess_1/tokens", fixture: "token.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Sessions.CreateToken(ctx, id[0], "")
		}},
	{name: "42 signInTokens.createSignInToken", method: "POST", path: "/v1/sign_in_tokens",
		body: `{"user_id":"user_26Ect5GuCCeaFWwSDiiKcgAGtVk","expires_in_seconds":2592000}`, fixture: "sign_in_token.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.SignInTokens.Create(ctx, &CreateSignInTokenParams{UserID: "user_26Ect5GuCCeaFWwSDiiKcgAGtVk", ExpiresInSeconds: i(2592000)})
		}},
	{name: "43 signInTokens.revokeSignInToken", ids: []string{"sit_1"}, method: "POST", path: "/v1/sign_in_tokens/sit_1/revoke", fixture: "sign_in_token_revoked.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.SignInTokens.Revoke(ctx, id[0])
		}},
	{name: "44 smsMessages.createSMSMessage", method: "POST", path: "/v1/sms_messages",
		body: `{"phone_number_id":"idn_random","message":"Press F to pay respects"}`, fixture: "sms_message.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.SMSMessages.Create(ctx, &CreateSMSMessageParams{PhoneNumberID: "idn_random", Message: "Press F to pay respects"})
		}},
	{name: "45 users.getUserList no params", method: "GET", path: "/v1/users", fixture: "user_list.json", count: s(""),
		call: func(ctx context.Context, c *Client, _ []string) (any, error) { return c.Users.List(ctx, nil) }},
	{name: "45 users.getUserList repeated email_address and phone_number", method: "GET", path: "/v1/users",
		query: "email_address=email1&email_address=email2&phone_number=phone1&phone_number=phone2", fixture: "user_list.json",
		count: s("email_address=email1&email_address=email2&phone_number=phone1&phone_number=phone2"),
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Users.List(ctx, &UserListOptions{EmailAddress: []string{"email1", "email2"}, PhoneNumber: []string{"phone1", "phone2"}})
		}},
	{name: "45 users.getUserList order_by=+updated_at limit=0 offset=0", method: "GET", path: "/v1/users",
		query: "limit=0&offset=0&order_by=%2Bupdated_at", fixture: "user_list.json", count: s(""), // the total of every page
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Users.List(ctx, &UserListOptions{ListOptions: ListOptions{Limit: i(0), Offset: i(0)}, OrderBy: s("+updated_at")})
		}},
	{name: "45 users.getUserList every filter", method: "GET", path: "/v1/users",
		query: "query=boss%40clerk.dev&user_id=user_a&user_id=user_b&username=u1&web3_wallet=0xabc", fixture: "user_list.json",
		count: s("query=boss%40clerk.dev&user_id=user_a&user_id=user_b&username=u1&web3_wallet=0xabc"),
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Users.List(ctx, &UserListOptions{UserID: []string{"user_a", "user_b"}, Username: []string{"u1"}, Web3Wallet: []string{"0xabc"}, Query: s("boss@clerk.dev")})
		}},
	{name: "46 users.getUser", ids: []string{"user_deadbeef"}, method: "GET", path: "/v1/users/user_deadbeef", fixture: "user.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.Users.Get(ctx, id[0]) }},
	{name: "47 users.createUser", method: "POST", path: "/v1/users",
		body:    `{"email_address":["boss@clerk.dev"],"phone_number":["+15555550100"],"password":"correct horse","first_name":"Boss","last_name":"Clerk","totp_secret":"AICJ3HCXKO4KOU6NDHLYGBLRQXAE5ELG","backup_codes":["123456"]}`,
		fixture: "user.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Users.Create(ctx, &CreateUserParams{EmailAddress: []string{"boss@clerk.dev"}, PhoneNumber: []string{"+15555550100"},
				Password: s("correct horse"), FirstName: s("Boss"), LastName: s("Clerk"), TOTPSecret: s("AICJ3HCXKO4KOU6NDHLYGBLRQXAE5ELG"), BackupCodes: []string{"123456"}})
		}},
	{name: "48 users.updateUser nested metadata keys untouched", ids: []string{"user_1oBNj55jOjSK9rOYrT5QHqj7eaK"}, method: "PATCH", path: "/v1/users/user_1oBNj55jOjSK9rOYrT5QHqj7eaK",
		body:    `{"first_name":"Boss","totp_secret":"AICJ3HCXKO4KOU6NDHLYGBLRQXAE5ELG","backup_codes":["123456"],"public_metadata":{"topKey":{"nestedKey":42}}}`,
		fixture: "user.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Users.Update(ctx, id[0], &UpdateUserParams{FirstName: s("Boss"), TOTPSecret: s("AICJ3HCXKO4KOU6NDHLYGBLRQXAE5ELG"),
				BackupCodes: []string{"123456"}, PublicMetadata: m("topKey", m("nestedKey", 42))})
		}},
	{name: "49 users.updateUserMetadata planTier stays camelCase", ids: []string{"user_deadbeef"}, method: "PATCH", path: "/v1/users/user_deadbeef/metadata",
		body: `{"public_metadata":{"planTier":"pro"},"private_metadata":{"stripeId":"cus_1"},"unsafe_metadata":{}}`, fixture: "user.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Users.UpdateMetadata(ctx, id[0], &UpdateUserMetadataParams{PublicMetadata: m("planTier", "pro"), PrivateMetadata: m("stripeId", "cus_1"), UnsafeMetadata: m()})
		}},
	{name: "50 users.deleteUser", ids: []string{"user_deadbeef"}, method: "DELETE", path: "/v1/users/user_deadbeef", fixture: "deleted_user.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.Users.Delete(ctx, id[0]) }},
	{name: "51 users.getCount", method: "GET", path: "/v1/users/count", query: "query=boss", fixture: "total_count.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Users.Count(ctx, &UserListOptions{Query: s("boss")})
		}},
	{name: "52 users.getUserOauthAccessToken", ids: []string{"user_randomid", "oauth_test"}, method: "GET", path: "/v1/users/user_randomid/oauth_access_tokens/oauth_test",
		fixture: "oauth_access_token_list.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Users.ListOAuthAccessTokens(ctx, id[0], id[1])
		}},
	{name: "53 users.disableUserMFA", ids: []string{"user_deadbeef"}, method: "DELETE", path: "/v1/users/user_deadbeef/mfa", fixture: "disabled_mfa.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.Users.DisableMFA(ctx, id[0]) }},
	{name: "54 users.getOrganizationMembershipList", ids: []string{"user_deadbeef"}, method: "GET", path: "/v1/users/user_deadbeef/organization_memberships",
		query: "limit=5", fixture: "organization_membership_list.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Users.ListOrganizationMemberships(ctx, id[0], &ListOptions{Limit: i(5)})
		}},
	{name: "55 fetchInterstitial uses the instance URL and version", method: "GET", path: "/v1/internal/interstitial", fixture: "interstitial.html",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) { return c.GetInterstitial(ctx) }},
	{name: "+ users.verifyPassword", ids: []string{"user_deadbeef"}, method: "POST", path: "/v1/users/user_deadbeef/verify_password",
		body: `{"password":"correct horse"}`, fixture: "verify_password.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) {
			return c.Users.VerifyPassword(ctx, id[0], "correct horse")
		}},
	{name: "+ users.banUser", ids: []string{"user_deadbeef"}, method: "POST", path: "/v1/users/user_deadbeef/ban", fixture: "user.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.Users.Ban(ctx, id[0]) }},
	{name: "+ users.unbanUser", ids: []string{"user_deadbeef"}, method: "POST", path: "/v1/users/user_deadbeef/unban", fixture: "user.json",
		call: func(ctx context.Context, c *Client, id []string) (any, error) { return c.Users.Unban(ctx, id[0]) }},
	{name: "+ sessions.createSession", method: "POST", path: "/v1/sessions", body: `{"user_id":"user_deadbeef"}`, fixture: "session.json",
		call: func(ctx context.Context, c *Client, _ []string) (any, error) {
			return c.Sessions.Create(ctx, &CreateSessionParams{UserID: "user_deadbeef"})
		}},
}

// contentType is the response content type the fake server uses for a fixture.
func contentType(fixture string) string {
	if strings.HasSuffix(fixture, ".html") {
		return "text/html; charset=utf-8"
	}
	return "application/json"
}
