// The kit's client over any Connect-ES transport, and the Connect one over
// fetch. Nothing here is Node-only (see index.ts and node.ts).
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type CallOptions, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";

import { AuthsvcError } from "./errors.js";
import { AuthService, type Claims, type GetAuthStateRequestSchema, type GetAuthStateResponse } from "./gen/authsvc/v1/auth_pb.js";

/** DEFAULT_TIMEOUT_MS bounds each call unless the options say otherwise. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** How createAuthsvcClient reaches the service. */
export interface AuthsvcClientOptions {
  /**
   * Where authsvc listens: its HTTP port for "connect"
   * (http://127.0.0.1:9090, AUTHSVC_HTTP_ADDR), its gRPC port for "grpc"
   * (http://127.0.0.1:50051, AUTHSVC_GRPC_ADDR; https:// with TLS).
   */
  baseUrl: string;
  /**
   * "connect" (the default): the Connect protocol over fetch, to the HTTP
   * port. "grpc": gRPC over HTTP/2, to the gRPC port, on Node only (import
   * createAuthsvcClient from "@authsvc/client/node"). Or any Connect-ES
   * Transport you built.
   */
  transport?: "connect" | "grpc" | Transport;
  /**
   * The caller key the service's policy knows you by, sent as
   * `authorization: Bearer <key>` on every call. The Backend API proxy
   * methods (getUser, …) need it; verification does not. Never logged.
   */
  callerKey?: string;
  /** Connect only: protobuf binary bodies instead of JSON (default false). */
  binary?: boolean;
  /** Connect only: the fetch to use (default globalThis.fetch). */
  fetch?: typeof globalThis.fetch;
  /** Deadline of each call in ms, sent to the service (default 5000). */
  timeoutMs?: number;
  /** Extra Connect-ES interceptors, run after the caller key is set. */
  interceptors?: Interceptor[];
}

/** Per-call options of verifySessionToken. */
export interface VerifyOptions extends Pick<CallOptions, "signal" | "timeoutMs"> {
  /** Replaces the service's authorized parties for this call. */
  authorizedParties?: string[];
  /** Accept a pending session's token for this call. */
  acceptPending?: boolean;
}

/** Per-call options of getAuthState. */
export interface AuthStateOptions extends VerifyOptions {
  /** Return the interstitial page when the status is interstitial. */
  includeInterstitial?: boolean;
}

/**
 * What getAuthState decides about: a fetch Request (its cookie,
 * authorization, origin, host, x-forwarded-*, referer, user-agent and accept
 * headers are sent), its Headers alone, or the request's facts spelled out.
 */
export type AuthStateInput = Request | Headers | MessageInitShape<typeof GetAuthStateRequestSchema>;

/** A client of one authsvc. Safe to share; create one per process. */
export interface AuthsvcClient {
  /**
   * verifySessionToken verifies a Clerk session token (the __session
   * cookie or a Bearer token, without "Bearer ") and returns its claims;
   * any rejection throws an AuthsvcError (`unauthenticated` with reason
   * token-expired, token-invalid, …; `invalid_argument` for "").
   */
  verifySessionToken(token: string, options?: VerifyOptions): Promise<Claims>;
  /**
   * getAuthState decides whether a web request is signed in, signed out or
   * needs the interstitial, and why. Signed out is an answer, not an error:
   * check `status` (AuthStatus.SIGNED_IN, …) and `reason`.
   */
  getAuthState(input: AuthStateInput, options?: AuthStateOptions): Promise<GetAuthStateResponse>;
  /**
   * Every method of authsvc.v1.AuthService (getUser, listUsers, …), each
   * throwing AuthsvcError on failure.
   */
  readonly rpc: Client<typeof AuthService>;
}

/**
 * createAuthsvcClient returns a client of the service at options.baseUrl.
 * From this entry point the transport is "connect" (or one you pass);
 * "grpc" needs "@authsvc/client/node".
 */
export function createAuthsvcClient(options: AuthsvcClientOptions): AuthsvcClient {
  const transport = options.transport ?? "connect";
  if (transport === "grpc") {
    throw new Error('authsvc: transport "grpc" needs Node\'s http2: import createAuthsvcClient from "@authsvc/client/node"');
  }
  if (transport === "connect") {
    return clientOver(createConnectTransport(connectTransportOptions(options)));
  }
  return clientOver(transport);
}

/** The connect-web transport options for options (shared with ./node). */
export function connectTransportOptions(options: AuthsvcClientOptions): Parameters<typeof createConnectTransport>[0] {
  return {
    baseUrl: options.baseUrl,
    useBinaryFormat: options.binary ?? false,
    fetch: options.fetch,
    defaultTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    interceptors: interceptorsFor(options),
  };
}

/** The caller-key interceptor, then the caller's own. */
export function interceptorsFor(options: AuthsvcClientOptions): Interceptor[] {
  const key = options.callerKey;
  const own = options.interceptors ?? [];
  if (!key) {
    return own;
  }
  const bearer: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${key}`);
    return next(req);
  };
  return [bearer, ...own];
}

/** clientOver builds the kit's client on any Connect-ES transport. */
export function clientOver(transport: Transport): AuthsvcClient {
  const rpc = withAuthsvcErrors(createClient(AuthService, transport));
  return {
    rpc,
    async verifySessionToken(token, options = {}) {
      const { authorizedParties = [], acceptPending = false, ...call } = options;
      const resp = await rpc.verifySessionToken({ token, authorizedParties, acceptPending }, call);
      if (!resp.claims) {
        throw new Error("authsvc: a verified token came back without claims");
      }
      return resp.claims;
    },
    async getAuthState(input, options = {}) {
      const { authorizedParties = [], acceptPending = false, includeInterstitial = false, ...call } = options;
      return rpc.getAuthState({ ...authStateRequest(input), authorizedParties, acceptPending, includeInterstitial }, call);
    },
  };
}

/** The request headers authsvc reads to decide an auth state. */
const AUTH_STATE_HEADERS = [
  "cookie", "authorization", "origin", "host", "x-forwarded-host", "x-forwarded-port", "x-forwarded-proto",
  "referer", "user-agent", "accept",
];

function authStateRequest(input: AuthStateInput): MessageInitShape<typeof GetAuthStateRequestSchema> {
  const headers = input instanceof Headers ? input : isRequest(input) ? input.headers : undefined;
  if (!headers) {
    return input as MessageInitShape<typeof GetAuthStateRequestSchema>;
  }
  const picked: Record<string, string> = {};
  for (const name of AUTH_STATE_HEADERS) {
    const v = headers.get(name);
    if (v !== null) {
      picked[name] = v;
    }
  }
  return { headers: picked };
}

function isRequest(v: unknown): v is Request {
  return typeof Request !== "undefined" && v instanceof Request;
}

/** withAuthsvcErrors makes every method of client throw AuthsvcError. */
function withAuthsvcErrors<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const method: unknown = Reflect.get(target, prop, receiver);
      if (typeof method !== "function") {
        return method;
      }
      return async (...args: unknown[]) => {
        try {
          return await method.apply(target, args);
        } catch (err) {
          throw AuthsvcError.from(err);
        }
      };
    },
  });
}
