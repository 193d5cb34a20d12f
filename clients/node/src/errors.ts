// AuthsvcError: a failed call, with why in Clerk's words.
import { Code, ConnectError } from "@connectrpc/connect";

import { ErrorInfoSchema } from "./gen/google/rpc/error_details_pb.js";

/** The google.rpc.ErrorInfo domain of every authsvc error. */
export const ERROR_DOMAIN = "authsvc.v1";

/** The trailer authsvc repeats the reason in, for clients without details. */
export const REASON_TRAILER = "authsvc-reason";

/**
 * AuthsvcError is what the kit's clients throw for every failed call.
 *
 * - `code`: the Connect/gRPC code (`Code.Unauthenticated`, …), the same
 *   over both transports.
 * - `reason`: the reason as Clerk spells it (`token-expired`,
 *   `token-invalid`, `caller-credential-missing`, …), read from the
 *   google.rpc.ErrorInfo detail in domain "authsvc.v1" (its
 *   metadata["reason"]), else from the `authsvc-reason` trailer; "" when
 *   the error has neither (an invalid argument, a network failure).
 * - `errorInfoReason`: the ErrorInfo's own reason in UPPER_SNAKE
 *   (`TOKEN_EXPIRED`), "" without one.
 * - `cause`: the ConnectError, with every detail and the metadata.
 *
 * The message is the service's, which never holds a token or a key.
 */
export class AuthsvcError extends Error {
  override readonly name = "AuthsvcError";
  readonly code: Code;
  readonly reason: string;
  readonly errorInfoReason: string;
  override readonly cause: ConnectError;

  constructor(cause: ConnectError) {
    super(cause.rawMessage, { cause });
    this.cause = cause;
    this.code = cause.code;
    const info = cause.findDetails(ErrorInfoSchema).find((d) => d.domain === ERROR_DOMAIN);
    this.errorInfoReason = info?.reason ?? "";
    this.reason = info?.metadata["reason"] ?? cause.metadata.get(REASON_TRAILER) ?? "";
  }

  /**
   * from returns err as an AuthsvcError: itself when it is one, else made
   * from the ConnectError it is or becomes (ConnectError.from: an abort is
   * `canceled`, another failure `unknown`). A fetch that failed before any
   * answer (refused, DNS, reset: fetch's TypeError) is `unavailable`, as
   * the gRPC transport says of the same failure.
   */
  static from(err: unknown): AuthsvcError {
    if (err instanceof AuthsvcError) {
      return err;
    }
    let ce = ConnectError.from(err);
    if (ce.code === Code.Unknown && ce.cause instanceof TypeError) {
      ce = new ConnectError(ce.rawMessage, Code.Unavailable, ce.metadata, undefined, ce.cause);
    }
    return new AuthsvcError(ce);
  }
}
