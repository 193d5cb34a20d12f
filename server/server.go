package server

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"

	"google.golang.org/grpc"

	"github.com/authsvc/authsvc/backendapi"
	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/policy"
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

	// PolicyFile is the caller policy file (YAML or JSON; AUTHSVC_POLICY),
	// read by [New] (an unreadable or invalid file is an error) and again by
	// [Server.ReloadPolicy].
	PolicyFile string
	// Callers is an in-memory caller policy, for when there is no file
	// (dev mode). Setting both PolicyFile and Callers is an error.
	//
	// With neither, every resource proxy RPC is denied (UNAUTHENTICATED
	// without a credential, PERMISSION_DENIED with one) and the
	// verification RPCs, health and reflection stay open. The policy check
	// is part of the server: [NewGRPCServer] and [Server.Register] both
	// install it, so no caller has to remember to.
	Callers []Caller
	// Hooks observe policy denials and reloads (metrics); the zero value
	// observes nothing.
	Hooks Hooks
	// Edge configures Envoy's Check and /forward-auth (edge.go).
	Edge EdgeConfig
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
	pol     atomic.Pointer[policy.Policy] // nil: every protected method denied
}

// New validates cfg, loads its caller policy and returns a Server. A policy
// file that cannot be read or does not parse, and invalid Callers, are
// errors.
func New(cfg Config) (*Server, error) {
	if cfg.Verifier == nil {
		return nil, errors.New("server: a verifier is required")
	}
	if err := cfg.Edge.validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	wh, err := newWebhookVerifier(cfg.WebhookSecret)
	if err != nil {
		return nil, err
	}
	pol, err := initialPolicy(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, webhook: wh}
	s.pol.Store(pol)
	s.claims.off = !cfg.Verifier.Caching()
	return s, nil
}

// Register registers the AuthService on r with the caller policy and the
// authsvc-reason trailer bound to every method, so that a server built
// without [NewGRPCServer] still fails closed ([NewGRPCServer] installs the
// same checks in its interceptor chain instead). Do not register s with
// authsvcv1.RegisterAuthServiceServer yourself: that would bypass them.
func (s *Server) Register(r grpc.ServiceRegistrar) {
	r.RegisterService(s.guardedDesc(), s)
}
