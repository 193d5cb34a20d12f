// Package hostcheck refuses HTTP requests whose Host is not a loopback
// name, so that a development server on 127.0.0.1 cannot be reached by a web
// page through DNS rebinding.
//
// A page on attacker.example can make its own name resolve to 127.0.0.1
// and then send requests to a local port; the browser treats them as
// same-origin and lets the page read the answers. Those requests still carry
// "Host: attacker.example", which is what [Handler] refuses: only
// localhost, names under .localhost (RFC 6761), 127.0.0.0/8 and [::1] pass,
// each with or without a port.
//
// # What passes
//
//	| Host header                 | default | Config.AnyIP | Config.Names {"dev.lan"} |
//	| --------------------------- | ------- | ------------ | ------------------------ |
//	| localhost, LOCALHOST:8080   | yes     | yes          | yes                      |
//	| app.localhost:3000          | yes     | yes          | yes                      |
//	| 127.0.0.1, 127.9.9.9:80     | yes     | yes          | yes                      |
//	| [::1], [::1]:50053          | yes     | yes          | yes                      |
//	| 192.168.1.5:50053, [fe80::1]| no      | yes          | no                       |
//	| dev.lan:50053               | no      | no           | yes                      |
//	| attacker.example            | no      | no           | no                       |
//	| "", "localhost:", "::1"     | no      | no           | no                       |
//
// An IP literal can be allowed wholesale ([Config.AnyIP]) without reopening
// DNS rebinding, because a rebinding page always sends its own name, never
// an IP: a page that addresses the IP directly is an ordinary cross-origin
// request, which the browser does not let it read.
//
// # What it does not do
//
// It authenticates nothing: it only narrows who can send a request that a
// browser lets a page read. It does not check Origin, CORS or the remote
// address, and it does not resolve names: "localhost" passes as a name even
// if a hosts file maps it elsewhere. A trailing dot ("localhost.") and
// unbracketed IPv6 are refused, as no browser sends them.
package hostcheck
