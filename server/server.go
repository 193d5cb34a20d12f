package server

import (
	"context"
	"errors"
	"log/slog"

	"google.golang.org/grpc"

	"github.com/authsvc/authsvc/backendapi"
	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/webhook"
)

// Config wires a [Server] to its dependencies.
type Config struct {
	// Verifier verifies session tokens. Required.
	Verifier *verifier.Verifier
	// Interstitial fetches the interstitial page for GetAuthState when a
	// caller asks for it. Nil means no page can be had: the response then
	// says so in interstitial_error, and status and reason are unchanged.
	Interstitial func(ctx context.Context) (string, error)
	// Backend is the Clerk Backend API client behind the resource proxy
	// RPCs. Nil leaves them answering FAILED_PRECONDITION ("backend api
	// not configured"); verification does not need it.
	Backend *backendapi.Client
	// Logger receives one line per notable server event; nil discards.
	// Tokens and secrets are never logged.
	Logger *slog.Logger
	// WebhookSecret is the Clerk webhook signing secret VerifyWebhook checks
	// deliveries with: "whsec_" and base64, as CLERK_WEBHOOK_SIGNING_SECRET
	// holds it. Empty leaves VerifyWebhook answering FAILED_PRECONDITION
	// ("webhook signing secret not configured"); a malformed one fails New.
	WebhookSecret string
}

// Server implements authsvc.v1.AuthService. It is safe for concurrent use.
type Server struct {
	authsvcv1.UnimplementedAuthServiceServer
	cfg    Config
	log    *slog.Logger
	claims claimsMemo

	// webhook verifies VerifyWebhook deliveries; nil without
	// Config.WebhookSecret.
	webhook *webhook.Verifier
}

// New validates cfg and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Verifier == nil {
		return nil, errors.New("server: a verifier is required")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	wh, err := newWebhookVerifier(cfg.WebhookSecret)
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, log: log, webhook: wh}, nil
}

// Register registers the AuthService on r.
func (s *Server) Register(r grpc.ServiceRegistrar) {
	authsvcv1.RegisterAuthServiceServer(r, s)
}
