// Package interstitial renders Clerk's interstitial page locally, from the
// instance's publishable key, so that authsvc can answer an interstitial
// auth state with no Backend API call.
//
// The interstitial is the page a browser gets when its session cannot be
// decided on the server (an expired __session cookie, say): it loads
// Clerk's browser library (clerk-js) from the instance's Frontend API,
// which refreshes the session cookie, and then reloads the page. The
// Frontend API host is named in the publishable key: "pk_test_" or
// "pk_live_" followed by the base64 of the host and a "$".
//
// # Escaping
//
// [ParsePublishableKey] accepts only keys whose host is a plain DNS name,
// and [Render] still escapes every value it puts into the page for the
// context it lands in (html/template's contextual escaping), so neither a
// bad key nor a future change to the parser can inject markup or script.
// The page holds nothing from the request being decided: it is the same
// for every request of an instance.
//
// # What it does not do
//
// It does not support satellite domains, proxy URLs or a custom sign-in
// URL (the options @clerk/backend 0.x had for multi-domain setups); those
// instances use the page Clerk's Backend API serves.
package interstitial
