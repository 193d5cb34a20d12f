// Command loadtest is `make loadtest`: it builds authsvc, starts two
// instances on loopback (one with the decision cache, one with
// AUTHSVC_CACHE_SIZE=0 so that every call pays the RSA verify), each with
// GOMAXPROCS=1 pinned to CPU 0 by taskset, pins itself to CPU 1, and
// measures from one run:
//
//   - closed loop, per kind (gRPC health Check as the baseline,
//     VerifySessionToken with a warm cache, VerifySessionToken with unseen
//     tokens, GetAuthState in the cookie form, signed in): RPS, p50, p99,
//     the server's read and write system calls per call (/proc/<pid>/io),
//     the server's CPU µs per call (utime+stime from /proc/<pid>/stat over
//     the kind's turns ÷ calls) and the server-capacity ratio (health's CPU
//     per call ÷ the kind's); the kinds take turns of 1 s until each has
//     run its time, so that all sample the machine's changing speed alike.
//     Requests are encoded once before the run and answers compared as
//     bytes (rawcodec.go), and the connection writes what has gathered
//     once the ready goroutines have run, as Envoy's event loop does
//     (coalesce.go), so that the generator's own work and write pattern
//     cannot set the pace;
//   - open loop at a fixed rate (1000 RPS) for VerifySessionToken and
//     GetAuthState: p99 measured from each call's scheduled start, so a
//     stall is not hidden by the generator waiting;
//   - a bounded soak (SOAK, default 2m): RSS after warm-up and at the end,
//     and the number of errors.
//
// Each measured value is printed beside its target. Tokens are minted here
// with a fresh RSA key whose public half is the instances' CLERK_JWT_KEY,
// so no network beyond 127.0.0.1 is used.
//
// Settings (environment): LOADTEST_DURATION (each closed-loop kind, default
// 8s), LOADTEST_OPEN (each open-loop run, default 8s), LOADTEST_RATE
// (default 1000), LOADTEST_CONCURRENCY (default 32), SOAK (default 2m; 0
// skips it), LOADTEST_PROFILE_DIR (capture a CPU profile of the serving
// instance, through its AUTHSVC_PPROF_ADDR, during each closed-loop kind,
// into <dir>/<kind>.pprof, and the allocations of the same seconds into
// <dir>/<kind>.allocs.pprof; read with `go tool pprof -top`), LOADTEST_ONLY
// (comma list of kinds: health, verify-warm, verify-unseen, auth-state,
// ext-authz-check).
package main
