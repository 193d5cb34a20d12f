package backendapi

import (
	"errors"
	"net/url"
	"strings"
	"time"
)

// Version is the authsvc version sent in the User-Agent header
// ("authsvc/<Version>"). It defaults to "dev"; cmd/authsvc may set it at link
// time with -ldflags "-X github.com/authsvc/authsvc/backendapi.Version=1.2.3".
// It is read on every request, so set it before the first [Client] is used;
// writing it while requests run is a data race.
var Version = "dev"

// Default settings, documented on the option that changes each of them.
const (
	defaultBaseURL        = "https://api.clerk.com"
	defaultAPIVersion     = "v1"
	defaultMaxAttempts    = 4
	defaultBaseBackoff    = 100 * time.Millisecond
	defaultAttemptTimeout = 10 * time.Second
	defaultHTTPTimeout    = 30 * time.Second
	prodRateLimit         = 1000
	devRateLimit          = 100
	defaultRatePer        = 10 * time.Second
	defaultMaxWait        = 2 * time.Second
)

// Client talks to Clerk's Backend API with one secret key. Each field below
// groups the operations on one kind of resource, as in go-github.
//
// A Client is safe for concurrent use by many goroutines; its rate limiter is
// shared by all of them. The zero value is not usable: call [NewClient].
// A Client does not log and does not cache responses.
type Client struct {
	cfg    config
	base   *url.URL
	secret string
	budget *budget

	common service // shared by every service below, as in go-github

	AllowlistIdentifiers *AllowlistIdentifiersService
	APIKeys              *APIKeysService
	Clients              *ClientsService
	EmailAddresses       *EmailAddressesService
	Emails               *EmailsService
	Invitations          *InvitationsService
	M2MTokens            *M2MTokensService
	OAuthAccessTokens    *OAuthAccessTokensService
	Organizations        *OrganizationsService
	PhoneNumbers         *PhoneNumbersService
	RedirectURLs         *RedirectURLsService
	Sessions             *SessionsService
	SignInTokens         *SignInTokensService
	SMSMessages          *SMSMessagesService
	Users                *UsersService
}

// service is the common part of every resource service: a back pointer to
// the client that sends the requests.
type service struct{ client *Client }

// NewClient returns a Client that authenticates with secretKey (Clerk's
// "sk_live_…" or "sk_test_…" key). An empty key or an invalid option is an
// error. Development keys ("sk_test_", "test_") get the development rate
// limit by default; see [WithRateLimit].
func NewClient(secretKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(secretKey) == "" {
		return nil, errors.New("backendapi: secret key is required")
	}
	cfg := defaultConfig(secretKey)
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	base, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, base: base, secret: secretKey}
	c.budget = newBudget(cfg)
	c.common.client = c
	c.AllowlistIdentifiers = (*AllowlistIdentifiersService)(&c.common)
	c.Clients = (*ClientsService)(&c.common)
	c.EmailAddresses = (*EmailAddressesService)(&c.common)
	c.Emails = (*EmailsService)(&c.common)
	c.Invitations = (*InvitationsService)(&c.common)
	c.Organizations = (*OrganizationsService)(&c.common)
	c.PhoneNumbers = (*PhoneNumbersService)(&c.common)
	c.RedirectURLs = (*RedirectURLsService)(&c.common)
	c.Sessions = (*SessionsService)(&c.common)
	c.SignInTokens = (*SignInTokensService)(&c.common)
	c.SMSMessages = (*SMSMessagesService)(&c.common)
	c.Users = (*UsersService)(&c.common)
	c.APIKeys = (*APIKeysService)(&c.common)
	c.M2MTokens = (*M2MTokensService)(&c.common)
	c.OAuthAccessTokens = (*OAuthAccessTokensService)(&c.common)
	return c, nil
}

// isDevelopmentKey reports whether key is a Clerk development secret key.
func isDevelopmentKey(key string) bool {
	return strings.HasPrefix(key, "sk_test_") || strings.HasPrefix(key, "test_")
}

// Ptr returns a pointer to v. Use it for the optional pointer fields of
// params and list options: Ptr(int64(0)) sends offset=0, nil sends nothing.
func Ptr[T any](v T) *T { return &v }

// RateLimit returns the client's shared limit: at most n requests per
// window ([WithRateLimit], or the default for the secret key's kind).
func (c *Client) RateLimit() (n int, per time.Duration) { return c.cfg.rateN, c.cfg.ratePer }
