package server

import (
	"context"
	"errors"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/verifier"
)

// Messages put in GetAuthStateResponse.interstitial_error. They are fixed
// strings: the fetch error itself is logged, never sent.
const (
	interstitialNotConfigured = "interstitial: not configured"
	interstitialTimedOut      = "interstitial: fetch timed out"
	interstitialFailed        = "interstitial: fetch failed"
)

// GetAuthState decides whether the described web request is signed in,
// signed out or needs the interstitial, and why (verifier.AuthState). Input
// beyond the bounds of headers.go is INVALID_ARGUMENT; every other outcome,
// including a token that fails and an interstitial page that cannot be
// fetched, is a normal response.
func (s *Server) GetAuthState(ctx context.Context, req *authsvcv1.GetAuthStateRequest) (*authsvcv1.GetAuthStateResponse, error) {
	facts, err := requestFacts(req)
	if err != nil {
		return nil, err
	}
	facts.AcceptPending = req.GetAcceptPending()
	state := s.cfg.Verifier.AuthState(ctx, facts)
	if memo, ok, err := s.claims.signedInResponse(state); ok || err != nil {
		if err != nil {
			return nil, verifyStatus(err)
		}
		return memo, nil
	}
	resp := &authsvcv1.GetAuthStateResponse{Status: authStatusProto(state.Status), Reason: string(state.Reason)}
	if state.Claims != nil {
		if resp.Claims, err = s.claims.proto(state.Claims); err != nil {
			return nil, verifyStatus(err)
		}
	}
	if state.Status == verifier.StatusInterstitial && req.GetIncludeInterstitial() {
		resp.InterstitialHtml, resp.InterstitialError = s.interstitialPage(ctx)
	}
	return resp, nil
}

// interstitialPage fetches the page through Config.Interstitial and turns a
// failure into a fixed, token-free message.
func (s *Server) interstitialPage(ctx context.Context) (page, problem string) {
	if s.cfg.Interstitial == nil {
		return "", interstitialNotConfigured
	}
	page, err := s.cfg.Interstitial(ctx)
	if err == nil {
		return page, ""
	}
	s.log.WarnContext(ctx, "interstitial fetch failed", "error", err.Error())
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return "", interstitialTimedOut
	}
	return "", interstitialFailed
}

// authStatusProto maps a verifier status to its protobuf enum; anything
// unexpected is UNSPECIFIED (AuthState never returns one).
func authStatusProto(s verifier.Status) authsvcv1.AuthStatus {
	switch s {
	case verifier.StatusSignedIn:
		return authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN
	case verifier.StatusSignedOut:
		return authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_OUT
	case verifier.StatusInterstitial:
		return authsvcv1.AuthStatus_AUTH_STATUS_INTERSTITIAL
	}
	return authsvcv1.AuthStatus_AUTH_STATUS_UNSPECIFIED
}
