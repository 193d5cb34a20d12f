package main

import (
	"time"

	"github.com/authsvc/authsvc/backendapi"
)

// backendOptions turns the Backend API settings into client options:
// where Clerk is, this replica's share of the rate budget
// (AUTHSVC_BACKEND_RATE_LIMIT, requests per 10 s; unset keeps
// backendapi's default for the key) and the longest wait for a slot
// (AUTHSVC_BACKEND_MAX_WAIT).
func backendOptions(cfg *config) []backendapi.Option {
	opts := []backendapi.Option{
		backendapi.WithBaseURL(cfg.APIURL),
		backendapi.WithAPIVersion(cfg.APIVersion),
		backendapi.WithMaxWait(cfg.BackendMaxWait),
	}
	if cfg.BackendRateLimit > 0 {
		opts = append(opts, backendapi.WithRateLimit(cfg.BackendRateLimit, 10*time.Second))
	}
	return opts
}
