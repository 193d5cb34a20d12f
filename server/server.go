package server

import (
	"context"
	"errors"
	"log/slog"

	"google.golang.org/grpc"

	"github.com/authsvc/authsvc/backendapi"
	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
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
}

// Server implements authsvc.v1.AuthService. It is safe for concurrent use.
type Server struct {
	authsvcv1.UnimplementedAuthServiceServer
	cfg    Config
	log    *slog.Logger
	claims claimsMemo
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
	s := &Server{cfg: cfg, log: log}
	s.claims.off = !cfg.Verifier.Caching()
	return s, nil
}

// Register registers the AuthService on r.
func (s *Server) Register(r grpc.ServiceRegistrar) {
	authsvcv1.RegisterAuthServiceServer(r, s)
}
