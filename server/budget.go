package server

import (
	"context"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/internal/policy"
)

// withBackendBudget makes the Backend API requests of an RPC granted to
// the policy caller name count against that caller's backend_rate, when
// the policy gives it one, on top of the budget every caller shares (see
// DESIGN "Who may call what"). The name and rate ride on the call's
// context, set once where the call is authorised, so the proxy RPCs need
// no change and a caller's rate is the one of the policy that granted the
// call. Without a backend_rate ctx is returned unchanged.
func withBackendBudget(ctx context.Context, p *policy.Policy, name string) context.Context {
	return backendapi.WithCallerBudget(ctx, name, p.BackendRate(name))
}
