package interceptor

import (
	"strings"
	"testing"

	"google.golang.org/grpc/metadata"

	"github.com/authsvc/authsvc/verifier"
)

const jwtLike = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2ln"

var tokenTests = []struct {
	name       string
	md         metadata.MD
	want       string
	wantReason verifier.Reason
}{
	{name: "bearer token", md: metadata.Pairs("authorization", "Bearer "+jwtLike), want: jwtLike},
	{name: "scheme is case-insensitive", md: metadata.Pairs("authorization", "bEaReR "+jwtLike), want: jwtLike},
	{name: "extra spaces and tabs ignored", md: metadata.Pairs("authorization", " \tBearer \t "+jwtLike+" \t"), want: jwtLike},
	{name: "bare token accepted", md: metadata.Pairs("authorization", jwtLike), want: jwtLike},
	{name: "no metadata is missing", md: nil, wantReason: ReasonTokenMissing},
	{name: "other key only is missing", md: metadata.Pairs("x-token", "Bearer "+jwtLike), wantReason: ReasonTokenMissing},
	{name: "empty value is missing", md: metadata.Pairs("authorization", ""), wantReason: ReasonTokenMissing},
	{name: "blank value is missing", md: metadata.Pairs("authorization", "  \t "), wantReason: ReasonTokenMissing},
	{name: "scheme without token is missing", md: metadata.Pairs("authorization", "Bearer"), wantReason: ReasonTokenMissing},
	{name: "scheme and spaces is missing", md: metadata.Pairs("authorization", "Bearer   "), wantReason: ReasonTokenMissing},
	{name: "two values are invalid", md: metadata.Pairs("authorization", "Bearer a", "authorization", "Bearer b"), wantReason: verifier.ReasonTokenInvalid},
	{name: "two identical values are invalid", md: metadata.Pairs("authorization", "Bearer a", "authorization", "Bearer a"), wantReason: verifier.ReasonTokenInvalid},
	{name: "basic scheme is invalid", md: metadata.Pairs("authorization", "Basic dXNlcjpw"), wantReason: verifier.ReasonTokenInvalid},
	{name: "bearer-prefixed word is invalid", md: metadata.Pairs("authorization", "Bearerx "+jwtLike), wantReason: verifier.ReasonTokenInvalid},
	{name: "space inside token is invalid", md: metadata.Pairs("authorization", "Bearer abc def"), wantReason: verifier.ReasonTokenInvalid},
	{name: "control byte is invalid", md: metadata.Pairs("authorization", "Bearer abc\x00def"), wantReason: verifier.ReasonTokenInvalid},
	{name: "non-ASCII is invalid", md: metadata.Pairs("authorization", "Bearer abcé"), wantReason: verifier.ReasonTokenInvalid},
	{name: "token at the size limit", md: metadata.Pairs("authorization", "Bearer "+strings.Repeat("a", MaxTokenBytes)), want: strings.Repeat("a", MaxTokenBytes)},
	{name: "oversized token is invalid", md: metadata.Pairs("authorization", "Bearer "+strings.Repeat("a", MaxTokenBytes+1)), wantReason: verifier.ReasonTokenInvalid},
}

func TestTokenFromMetadata(t *testing.T) {
	t.Parallel()
	for _, tt := range tokenTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, reason := tokenFromMetadata(tt.md, DefaultMetadataKey)
			if got != tt.want || reason != tt.wantReason {
				t.Errorf("tokenFromMetadata = %.20q, %q; want %.20q, %q", got, reason, tt.want, tt.wantReason)
			}
		})
	}
}

// FuzzTokenFromMetadata checks that extraction never panics, returns
// exactly one of a token or a reason, and that any token it returns is
// within the size limit, printable ASCII without spaces, and occurs in the
// input. Run it with
//
//	go test -run '^$' -fuzz '^FuzzTokenFromMetadata$' -fuzztime 1000000x ./interceptor
func FuzzTokenFromMetadata(f *testing.F) {
	for _, tt := range tokenTests {
		vals := tt.md.Get(DefaultMetadataKey)
		switch len(vals) {
		case 0:
			f.Add("", "", uint8(0))
		case 1:
			f.Add(vals[0], "", uint8(1))
		default:
			f.Add(vals[0], vals[1], uint8(2))
		}
	}
	f.Fuzz(func(t *testing.T, v1, v2 string, n uint8) {
		md := metadata.MD{}
		for _, v := range []string{v1, v2}[:n%3] {
			md.Append(DefaultMetadataKey, v)
		}
		if isTokenText(v1) != isTokenTextRef(v1) {
			t.Fatalf("isTokenText(%.40q) disagrees with the byte loop", v1)
		}
		token, reason := tokenFromMetadata(md, DefaultMetadataKey)
		if (token == "") == (reason == "") {
			t.Fatalf("token %.20q and reason %q: want exactly one", token, reason)
		}
		if token == "" {
			return
		}
		if len(md.Get(DefaultMetadataKey)) != 1 {
			t.Fatalf("token returned for %d values", len(md.Get(DefaultMetadataKey)))
		}
		if len(token) > MaxTokenBytes || !isTokenText(token) || !strings.Contains(v1, token) {
			t.Fatalf("bad token %.20q from %.40q", token, v1)
		}
		if !strings.HasSuffix(strings.TrimRight(v1, " \t"), token) {
			t.Fatalf("token %.20q is not the value's tail in %.40q", token, v1)
		}
	})
}

// isTokenTextRef is the plain definition isTokenText must agree with.
func isTokenTextRef(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

// TestIsTokenTextEveryByte puts each of the 256 byte values at each
// position of strings that end in a 32-byte step, an 8-byte step and a
// tail, and of the lengths between.
func TestIsTokenTextEveryByte(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 7, 8, 9, 16, 17, 31, 32, 33, 40, 47, 64, 71} {
		for pos := range n {
			for b := range 256 {
				s := []byte(strings.Repeat("a", n))
				s[pos] = byte(b)
				if got, want := isTokenText(string(s)), isTokenTextRef(string(s)); got != want {
					t.Fatalf("len %d, byte %#x at %d: got %v, want %v", n, b, pos, got, want)
				}
			}
		}
	}
}
