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
	return backendapi.WithCallerBudget(ctx, callerBudgetPrefix+name, p.BackendRate(name))
}

// Budget names: a policy caller's is its name under callerBudgetPrefix,
// so that no policy name can be that of opaqueBudget.
const (
	callerBudgetPrefix = "caller:"
	opaqueBudget       = "verification:opaque-tokens"
)

// opaqueShareDivisor is how much of the shared budget opaque machine
// tokens may use at most: a quarter.
const opaqueShareDivisor = 4

// withOpaqueBudget bounds the Backend API requests that verify opaque
// machine tokens (mt_, ak_, oat_) at a quarter of the client's shared
// budget. VerifyToken is an open method and Clerk's answer to a made-up
// token is not cached, so without a share of its own anyone who reaches
// the port could spend the whole shared budget on ak_<random> and leave
// every proxy RPC, backend_rate or not, RESOURCE_EXHAUSTED.
func withOpaqueBudget(ctx context.Context, c *backendapi.Client) context.Context {
	n, per := c.RateLimit()
	perWindow := int(int64(n) * int64(backendapi.CallerBudgetWindow) / int64(per))
	return backendapi.WithCallerBudget(ctx, opaqueBudget, max(1, perWindow/opaqueShareDivisor))
}
