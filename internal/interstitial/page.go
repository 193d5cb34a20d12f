package interstitial

import (
	"context"
	"fmt"
	"html/template"
	"strings"
)

// ClerkJSMajor is the major version of clerk-js the page loads. Version 4
// is the last whose load() understands the interstitial (isInterstitial);
// later versions replaced it with the handshake redirect.
const ClerkJSMajor = "4"

// ScriptURL returns the clerk-js bundle the page loads for k, from the
// instance's own Frontend API:
// https://<frontend api>/npm/@clerk/clerk-js@4/dist/clerk.browser.js.
func ScriptURL(k PublishableKey) string {
	return "https://" + k.frontendAPI + "/npm/@clerk/clerk-js@" + ClerkJSMajor + "/dist/clerk.browser.js"
}

// pageTemplate is written for html/template's contextual escaping: the two
// values sit in a script, where each becomes a quoted, escaped JavaScript
// string. The page needs nothing from the request it answers.
var pageTemplate = template.Must(template.New("interstitial").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>Checking your session</title>
<style>@media (prefers-color-scheme: dark) { body { background-color: black; } }</style>
</head>
<body>
<script>
(function () {
  var publishableKey = {{.PublishableKey}};
  var scriptURL = {{.ScriptURL}};

  // Once clerk-js has refreshed the session cookie, load the page again,
  // now with a fresh __session. A URL with a fragment is reloaded in
  // place, since assigning the same URL would only scroll.
  function reloadPage() {
    if (window.location.hash === "") {
      window.location.replace(window.location.href);
    } else {
      window.location.reload();
    }
  }

  async function startClerk() {
    try {
      await window.Clerk.load({ isInterstitial: true, isSatellite: false });
      if (window.Clerk.loaded) {
        reloadPage();
      }
    } catch (err) {
      console.error("Clerk:", err);
    }
  }

  var script = document.createElement("script");
  script.setAttribute("data-clerk-publishable-key", publishableKey);
  script.async = true;
  script.crossOrigin = "anonymous";
  script.src = scriptURL;
  script.addEventListener("load", startClerk);
  document.body.appendChild(script);
})();
</script>
<noscript>This page needs JavaScript to check your session.</noscript>
</body>
</html>
`))

// Render returns the interstitial page for k: an HTML document whose
// script loads clerk-js (see [ScriptURL]) with k, lets it refresh the
// session, and reloads the page. It fails only on a zero k; parse keys with
// [ParsePublishableKey].
func Render(k PublishableKey) (string, error) {
	if k.frontendAPI == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalidPublishableKey)
	}
	var b strings.Builder
	data := struct{ PublishableKey, ScriptURL string }{k.raw, ScriptURL(k)}
	if err := pageTemplate.Execute(&b, data); err != nil {
		return "", fmt.Errorf("interstitial: rendering the page: %w", err)
	}
	return b.String(), nil
}

// Local renders k's page once and returns a fetcher, in the shape of
// server.Config.Interstitial, that serves it with no network call and never
// fails. The error is Render's.
func Local(k PublishableKey) (func(ctx context.Context) (string, error), error) {
	page, err := Render(k)
	if err != nil {
		return nil, err
	}
	return func(context.Context) (string, error) { return page, nil }, nil
}
