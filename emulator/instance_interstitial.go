package emulator

import (
	"net/http"
)

const interstitialHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>Clerk interstitial (authsvc emulator)</title>
</head>
<body>
<!-- authsvc emulator interstitial: there is no Frontend API to refresh the session, so this page only explains itself. -->
<p>Your session needs to be refreshed. The authsvc development emulator has no Frontend API; mint a fresh session token and retry.</p>
</body>
</html>
`

func serveInterstitial(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(interstitialHTML))
}
