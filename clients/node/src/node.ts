// The authsvc client kit for Node: everything of the edge entry point, and
// createAuthsvcClient also takes transport "grpc" (gRPC over HTTP/2 with
// @connectrpc/connect-node, to the gRPC port).
import { createGrpcTransport } from "@connectrpc/connect-node";

import {
  clientOver, createAuthsvcClient as createEdgeClient, DEFAULT_TIMEOUT_MS, interceptorsFor,
  type AuthsvcClient, type AuthsvcClientOptions,
} from "./client.js";

export { Code } from "@connectrpc/connect";
export {
  DEFAULT_TIMEOUT_MS,
  type AuthStateInput, type AuthStateOptions, type AuthsvcClient, type AuthsvcClientOptions, type VerifyOptions,
} from "./client.js";
export { AuthsvcError, ERROR_DOMAIN, REASON_TRAILER } from "./errors.js";
export { AuthService, AuthStatus } from "./gen/authsvc/v1/auth_pb.js";
export type { Claims, GetAuthStateRequest, GetAuthStateResponse, VerifySessionTokenResponse } from "./gen/authsvc/v1/auth_pb.js";

/**
 * createAuthsvcClient returns a client of the service at options.baseUrl:
 * over gRPC (HTTP/2, one shared connection) for transport "grpc", else as
 * the edge entry point does (Connect over fetch, or your Transport).
 */
export function createAuthsvcClient(options: AuthsvcClientOptions): AuthsvcClient {
  if (options.transport !== "grpc") {
    return createEdgeClient(options);
  }
  return clientOver(createGrpcTransport({
    baseUrl: options.baseUrl,
    defaultTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    interceptors: interceptorsFor(options),
  }));
}
