// Verify a Clerk session token with authsvc over plain HTTP: the Connect
// protocol (JSON) over fetch, with no gRPC library, as an edge runtime would.
//
//   node examples/verify.mjs <session token>
//
// AUTHSVC_URL is authsvc's HTTP port (default http://127.0.0.1:9090, what
// `make run` serves). Exit status 0 when signed in, 1 when rejected.
import { AuthsvcError, Code, createAuthsvcClient } from "@authsvc/client";

const token = process.argv[2] ?? "";
const authsvc = createAuthsvcClient({ baseUrl: process.env.AUTHSVC_URL ?? "http://127.0.0.1:9090" });

try {
  const claims = await authsvc.verifySessionToken(token);
  console.log(`signed in: ${claims.userId} (session ${claims.sessionId}, expires ${new Date(Number(claims.expiresAt) * 1000).toISOString()})`);
} catch (err) {
  if (!(err instanceof AuthsvcError)) {
    throw err;
  }
  console.error(`rejected: ${Code[err.code]} ${err.reason || err.message}`);
  process.exitCode = 1;
}
