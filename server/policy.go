package server

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"

	"github.com/authsvc/authsvc/internal/policy"
)

// Caller is one entry of an in-memory caller policy ([Config.Callers]), with
// the fields of a policy file's callers entry: a name, at least one
// credential and at least one grant.
type Caller struct {
	// Name identifies the caller in logs and to handlers
	// ([CallerFromContext]). Required and unique.
	Name string
	// KeySHA256 is the hex SHA-256 of the caller's API key, presented as
	// "authorization: Bearer <key>" metadata. The key itself is never held.
	KeySHA256 string
	// TLSSubject and TLSSAN identify the caller by a verified client
	// certificate's subject ("CN=admin-tool") or one of its SANs.
	TLSSubject string
	TLSSAN     string
	// Allow lists the full method names or globs ("authsvc.v1.AuthService/List*",
	// "*") the caller may call.
	Allow []string
}

// Hooks observe the server's caller policy, for metrics. A nil field is not
// called. They run on the calling goroutine, on the hot path for
// PolicyDenied, so they must be fast and safe for concurrent use; they
// receive no credential.
type Hooks struct {
	// PolicyDenied is called once for every call the caller policy refuses,
	// with the full method name (always a registered method, so a bounded
	// set fit for a metric label) and the code returned (Unauthenticated or
	// PermissionDenied).
	PolicyDenied func(method string, code codes.Code)
	// PolicyReloaded is called after every [Server.ReloadPolicy] that read a
	// file, with nil when the new policy took effect or the error that kept
	// the old one.
	PolicyReloaded func(err error)
}

// ErrPolicy is wrapped by the error of [New] when the policy file cannot
// be read or does not parse, so that a caller can name its own setting.
var ErrPolicy = errors.New("server: caller policy")

// initialPolicy builds the policy cfg names: the file, or the in-memory
// callers, or none (every protected method denied).
func initialPolicy(cfg Config) (*policy.Policy, error) {
	switch {
	case cfg.PolicyFile != "" && len(cfg.Callers) > 0:
		return nil, errors.New("server: set Config.PolicyFile or Config.Callers, not both")
	case cfg.PolicyFile != "":
		p, err := policy.Load(cfg.PolicyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
		}
		return p, nil
	case len(cfg.Callers) > 0:
		return policy.FromCallers(convertCallers(cfg.Callers))
	}
	return nil, nil
}

func convertCallers(in []Caller) []policy.Caller {
	out := make([]policy.Caller, 0, len(in))
	for _, c := range in {
		out = append(out, policy.Caller{Name: c.Name, KeySHA256: c.KeySHA256, TLSSubject: c.TLSSubject, TLSSAN: c.TLSSAN, Allow: c.Allow})
	}
	return out
}

// ReloadPolicy reads [Config.PolicyFile] again and, when it parses, makes it
// the policy of every call that starts afterwards; calls in flight keep the
// policy they started with. When the file cannot be read or does not parse,
// the old policy stays in force and the error (which names the file and
// the problem, never a key) is returned and logged. Without a policy file
// it does nothing and returns nil. Safe for concurrent use; the policy is
// swapped atomically and read without a lock on every call.
func (s *Server) ReloadPolicy() error {
	if s.cfg.PolicyFile == "" {
		return nil
	}
	p, err := policy.Load(s.cfg.PolicyFile)
	if err == nil {
		s.pol.Store(p)
		s.log.Info("caller policy reloaded", "file", s.cfg.PolicyFile, "callers", p.CallerNames())
	} else {
		err = fmt.Errorf("server: reload caller policy: %w", err)
		s.log.Error("caller policy reload failed; the previous policy stays in force", "error", err.Error())
	}
	if h := s.cfg.Hooks.PolicyReloaded; h != nil {
		h(err)
	}
	return err
}

// PolicyCallers returns the names of the callers in the policy in force, in
// order, for a log line; nil when no policy is configured. It never returns
// credentials.
func (s *Server) PolicyCallers() []string {
	return s.pol.Load().CallerNames()
}

// currentPolicy is the policy in force; nil denies every protected method.
func (s *Server) currentPolicy() *policy.Policy {
	return s.pol.Load()
}
