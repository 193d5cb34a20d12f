package server

// FuzzCallCredentials seeds come from f.Add below and from
// testdata/fuzz/FuzzCallCredentials/. Run it with
//
//	go test -run '^$' -fuzz '^FuzzCallCredentials$' -fuzztime 1000000x ./server

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/authsvc/authsvc/internal/policy"
)

// methodStream is the server transport stream grpc.Method reads the full
// method name from; authorize needs nothing else of it.
type methodStream struct{ method string }

func (s methodStream) Method() string               { return s.method }
func (s methodStream) SetHeader(metadata.MD) error  { return nil }
func (s methodStream) SendHeader(metadata.MD) error { return nil }
func (s methodStream) SetTrailer(metadata.MD) error { return nil }

// The two messages callCredentials may answer with; neither echoes a value.
const (
	msgMalformed = "authorization metadata must be \"Bearer <key>\""
	msgTwoValues = "more than one authorization metadata value"
)

// callCredentialsSeed is one fuzz input: n is how many of v1, v2, v3 are
// sent (n mod 4), devKey is the key of the DevPolicy, open picks an open
// method instead of a protected one.
type callCredentialsSeed struct {
	n          uint8
	v1, v2, v3 string
	devKey     string
	open       bool
}

// callCredentialsSeeds are the TestAuthzPolicy rows' metadata plus edge
// cases (empty key, doubled space, tab, empty dev key, open method).
func callCredentialsSeeds() []callCredentialsSeed {
	const k = "test-caller-key"
	return []callCredentialsSeed{
		{0, "", "", "", k, false},
		{1, "Bearer not-the-key", "", "", k, false},
		{1, "Bearer " + k, "", "", k, false},
		{1, "bearer " + k, "", "", k, false},
		{1, "BEARER " + k, "", "", k, false},
		{1, "Basic " + k, "", "", k, false},
		{2, "Bearer " + k, "Bearer x", "", k, false},
		{3, "Bearer " + k, "Bearer " + k, "Bearer " + k, k, false},
		{1, "Bearer ", "", "", k, false},
		{1, "Bearer", "", "", k, false},
		{1, "Bearer  " + k, "", "", k, false},
		{1, "Bearer " + k + " ", "", "", k, false},
		{1, "Bearer\t" + k, "", "", k, false},
		{1, "Bearer " + k, "", "", "", false},
		{1, "Bearer " + k, "", "", k, true},
		{2, "junk", "junk", "", k, true},
	}
}

// FuzzCallCredentials builds incoming metadata with 0 to 3 authorization
// values. callCredentials never panics; it returns an API key only for
// exactly one value of the form "Bearer <non-empty>" (scheme in any case),
// and that key is the text after the first space; anything else with a
// value is UNAUTHENTICATED with a fixed message. Through authorize with
// policy.DevPolicy(devKey), a protected method is granted (caller "dev")
// only when the presented key equals devKey exactly, and an open method
// passes whatever was sent.
func FuzzCallCredentials(f *testing.F) {
	for _, s := range callCredentialsSeeds() {
		f.Add(s.n, s.v1, s.v2, s.v3, s.devKey, s.open)
	}
	f.Fuzz(func(t *testing.T, n uint8, v1, v2, v3, devKey string, open bool) {
		vals := []string{v1, v2, v3}[:n%4]
		method := "/authsvc.v1.AuthService/GetUser"
		if open {
			method = "/authsvc.v1.AuthService/VerifySessionToken"
		}
		ctx := metadata.NewIncomingContext(context.Background(), metadata.MD{"authorization": vals})
		ctx = grpc.NewContextWithServerTransportStream(ctx, methodStream{method})

		wantKey, wellFormed := bearerKey(vals)
		creds, err := callCredentials(ctx)
		switch {
		case err != nil:
			st, _ := status.FromError(err)
			if wellFormed || st.Code() != codes.Unauthenticated || creds.APIKey != "" ||
				(st.Message() != msgMalformed && st.Message() != msgTwoValues) {
				t.Fatalf("callCredentials(%q) = %q, %v; want a fixed UNAUTHENTICATED only for malformed metadata", vals, creds.APIKey, err)
			}
		case len(vals) == 0:
			if creds.APIKey != "" || creds.Cert != nil {
				t.Fatalf("callCredentials without metadata = %+v, want none", creds)
			}
		case !wellFormed || creds.APIKey != wantKey || creds.Cert != nil:
			t.Fatalf("callCredentials(%q) = %q, nil; want %q (well formed: %v)", vals, creds.APIKey, wantKey, wellFormed)
		}

		got, err := authorize(policy.DevPolicy(devKey), ctx, method)
		caller, granted := "", false
		if err == nil {
			if got == nil {
				t.Fatal("authorize passed the call with a nil context")
			}
			caller, granted = CallerFromContext(got)
		}
		switch {
		case open:
			if err != nil || granted || got != ctx {
				t.Fatalf("open method with %q: %v, caller %q; want it to pass untouched", vals, err, caller)
			}
		case wellFormed && wantKey == devKey:
			if err != nil || caller != "dev" {
				t.Fatalf("dev key presented: %v, caller %q; want granted to dev", err, caller)
			}
		case err == nil || granted:
			t.Fatalf("%q granted with dev key %q (caller %q)", vals, devKey, caller)
		default:
			want := codes.Unauthenticated
			if wellFormed {
				want = codes.PermissionDenied
			}
			if code := status.Code(err); code != want {
				t.Fatalf("%q against dev key %q: %v; want %v", vals, devKey, err, want)
			}
		}
	})
}

// bearerKey is the reference reading of the authorization values: exactly
// one, whose text before the first space is "bearer" in any case, and
// whose rest is not empty; the key is that rest, byte for byte.
func bearerKey(vals []string) (string, bool) {
	if len(vals) != 1 {
		return "", false
	}
	scheme, key, found := strings.Cut(vals[0], " ")
	if !found || !strings.EqualFold(scheme, "bearer") || key == "" {
		return "", false
	}
	return key, true
}
