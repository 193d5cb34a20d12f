// The authsvc client kit, edge-safe entry point: the Connect protocol over
// fetch and nothing Node-only, so it runs in Next.js middleware, Workers,
// Deno, Bun, browsers and Node alike. "@authsvc/client/node" adds the gRPC
// transport (Node's http2).
export { Code } from "@connectrpc/connect";
export {
  createAuthsvcClient, DEFAULT_TIMEOUT_MS,
  type AuthStateInput, type AuthStateOptions, type AuthsvcClient, type AuthsvcClientOptions, type VerifyOptions,
} from "./client.js";
export { AuthsvcError, ERROR_DOMAIN, REASON_TRAILER } from "./errors.js";
export { AuthService, AuthStatus } from "./gen/authsvc/v1/auth_pb.js";
export type { Claims, GetAuthStateRequest, GetAuthStateResponse, VerifySessionTokenResponse } from "./gen/authsvc/v1/auth_pb.js";
