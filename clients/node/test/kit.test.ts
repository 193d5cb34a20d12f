// The kit against a live authsvc, over both transports: what each common
// call and rejection looks like to a Node or edge caller.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";

import { AuthStatus, AuthsvcError, Code, createAuthsvcClient, type AuthsvcClient } from "../src/node.js";
import { devToken, otherKey, removeBinary, startDev, startKeyed, stopAll, type DevService, type KeyedService } from "./harness.js";

let dev: DevService;
let keyed: KeyedService;

before(async () => {
  [dev, keyed] = await Promise.all([startDev(), startKeyed()]);
});

after(async () => {
  await stopAll();
  removeBinary();
  if (dev) {
    assert.equal(dev.stderr().includes(dev.callerKey) || dev.stderr().includes(dev.token), false, "a secret reached the log");
  }
});

/** rejection awaits p and returns the AuthsvcError it must fail with. */
async function rejection(p: Promise<unknown>): Promise<AuthsvcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AuthsvcError, `want an AuthsvcError, got ${String(err)}`);
    return err;
  }
  assert.fail("the call succeeded");
}

const transports = [
  { name: "connect (fetch, HTTP port)", transport: "connect" as const, url: (s: DevService | KeyedService) => s.httpUrl },
  { name: "connect binary (fetch, HTTP port)", transport: "connect" as const, binary: true, url: (s: DevService | KeyedService) => s.httpUrl },
  { name: "grpc (http2, gRPC port)", transport: "grpc" as const, url: (s: DevService | KeyedService) => s.grpcUrl },
];

for (const tr of transports) {
  describe(tr.name, () => {
    const client = (s: DevService | KeyedService, callerKey?: string): AuthsvcClient =>
      createAuthsvcClient({ baseUrl: tr.url(s), transport: tr.transport, binary: tr.binary, callerKey });

    describe("verifySessionToken", () => {
      test("the dev banner's token verifies to the demo user", async () => {
        const claims = await client(dev).verifySessionToken(dev.token);
        assert.equal(claims.userId, "user_demo_alice");
        assert.match(claims.sessionId, /^sess_/);
        assert.equal(claims.orgSlug, "acme");
      });

      test("a token minted by `authsvc dev token` verifies", async () => {
        const claims = await client(dev).verifySessionToken(await devToken(dev, "user_demo_bob"));
        assert.equal(claims.userId, "user_demo_bob");
      });

      test("a token signed with the configured key verifies (the rows below are not vacuous)", async () => {
        const claims = await client(keyed).verifySessionToken(keyed.mint());
        assert.equal(claims.userId, "user_kit");
      });

      const rejections: { name: string; token: () => string; code: Code; reason: string; info: string }[] = [
        { name: "expired → token-expired", token: () => keyed.mint({ exp: Math.floor(Date.now() / 1000) - 600 }), code: Code.Unauthenticated, reason: "token-expired", info: "TOKEN_EXPIRED" },
        { name: "not yet valid → token-not-active-yet", token: () => keyed.mint({ nbf: Math.floor(Date.now() / 1000) + 600 }), code: Code.Unauthenticated, reason: "token-not-active-yet", info: "TOKEN_NOT_ACTIVE_YET" },
        { name: "signed by another key → token-invalid-signature", token: () => keyed.mint({}, otherKey), code: Code.Unauthenticated, reason: "token-invalid-signature", info: "TOKEN_INVALID_SIGNATURE" },
        { name: "garbage → token-invalid", token: () => "garbage", code: Code.Unauthenticated, reason: "token-invalid", info: "TOKEN_INVALID" },
        { name: "empty → invalid_argument, no reason", token: () => "", code: Code.InvalidArgument, reason: "", info: "" },
      ];
      for (const row of rejections) {
        test(row.name, async () => {
          const err = await rejection(client(keyed).verifySessionToken(row.token()));
          assert.deepEqual({ code: Code[err.code], reason: err.reason, info: err.errorInfoReason },
            { code: Code[row.code], reason: row.reason, info: row.info });
        });
      }

      test("a tampered dev token → token-invalid-signature", async () => {
        const [h, p, sig] = dev.token.split(".");
        const flipped = sig!.startsWith("A") ? "B" + sig!.slice(1) : "A" + sig!.slice(1);
        const err = await rejection(client(dev).verifySessionToken(`${h}.${p}.${flipped}`));
        assert.deepEqual([err.code, err.reason], [Code.Unauthenticated, "token-invalid-signature"]);
      });
    });

    describe("getAuthState", () => {
      test("a browser request with a current __session cookie is signed in", async () => {
        const c = client(dev);
        const claims = await c.verifySessionToken(dev.token);
        const req = new Request("http://localhost:3000/dashboard", {
          headers: {
            cookie: `__session=${dev.token}; __client_uat=${claims.issuedAt}`,
            host: "localhost:3000", "user-agent": "Mozilla/5.0 (kit test)", accept: "text/html",
          },
        });
        const st = await c.getAuthState(req);
        assert.deepEqual([AuthStatus[st.status], st.reason, st.claims?.userId], ["SIGNED_IN", "standard-signed-in", "user_demo_alice"]);
      });

      test("an API request with a Bearer token is signed in", async () => {
        const st = await client(dev).getAuthState(new Headers({ authorization: `Bearer ${dev.token}`, host: "api.example" }));
        assert.deepEqual([AuthStatus[st.status], st.claims?.userId], ["SIGNED_IN", "user_demo_alice"]);
      });

      test("a browser signed out (__client_uat=0, no session) is signed out, not an error", async () => {
        const st = await client(dev).getAuthState({
          headers: { cookie: "__client_uat=0", host: "localhost:3000", "user-agent": "Mozilla/5.0", accept: "text/html" },
        });
        assert.deepEqual([AuthStatus[st.status], st.reason, st.claims], ["SIGNED_OUT", "standard-signed-out", undefined]);
      });

      test("a Bearer token signed by another key is signed out with its reason", async () => {
        const st = await client(keyed).getAuthState({ headerToken: keyed.mint({}, otherKey), host: "api.example" });
        assert.deepEqual([AuthStatus[st.status], st.reason], ["SIGNED_OUT", "header-verification-failed"]);
      });
    });

    describe("the Backend API proxy (caller policy)", () => {
      test("without the caller key: unauthenticated, caller-credential-missing", async () => {
        const err = await rejection(client(dev).rpc.getUser({ userId: "user_demo_alice" }));
        assert.deepEqual([err.code, err.reason, err.errorInfoReason], [Code.Unauthenticated, "caller-credential-missing", "CALLER_CREDENTIAL_MISSING"]);
      });

      test("with a key the policy does not know: permission_denied, caller-unknown", async () => {
        const err = await rejection(client(dev, "ak_dev_wrong").rpc.getUser({ userId: "user_demo_alice" }));
        assert.deepEqual([err.code, err.reason], [Code.PermissionDenied, "caller-unknown"]);
      });

      test("with the dev caller key: the user", async () => {
        const resp = await client(dev, dev.callerKey).rpc.getUser({ userId: "user_demo_alice" });
        assert.deepEqual([resp.user?.id, resp.user?.firstName], ["user_demo_alice", "Alice"]);
      });

      test("an unknown user: not_found through the proxy", async () => {
        const err = await rejection(client(dev, dev.callerKey).rpc.getUser({ userId: "user_nobody" }));
        assert.equal(err.code, Code.NotFound);
      });
    });
  });
}

describe("the edge entry point", () => {
  test('transport "grpc" from "@authsvc/client" says to use "@authsvc/client/node"', async () => {
    const edge = await import("../src/index.js");
    assert.throws(() => edge.createAuthsvcClient({ baseUrl: "http://127.0.0.1:1", transport: "grpc" }), /@authsvc\/client\/node/);
  });

  test("a service that is down is unavailable, as an AuthsvcError", async () => {
    const edge = await import("../src/index.js");
    const err = await rejection(edge.createAuthsvcClient({ baseUrl: "http://127.0.0.1:1" }).verifySessionToken("x"));
    assert.equal(err.code, Code.Unavailable);
  });
});

describe("examples/verify.mjs (fetch, no gRPC library)", () => {
  const exec = promisify(execFile);
  const forbid = ["--import", "./test/fixtures/forbid-grpc.mjs"];
  const runExample = (token: string) =>
    exec(process.execPath, [...forbid, "examples/verify.mjs", token], { env: { ...process.env, AUTHSVC_URL: dev.httpUrl } });

  test("prints the demo user for the banner's token", async () => {
    const { stdout } = await runExample(dev.token);
    assert.match(stdout, /^signed in: user_demo_alice \(session sess_\w+, expires \d{4}-/);
  });

  test("exits 1 with the reason for a rejected token", async () => {
    const err = await runExample("garbage").then(() => assert.fail("exit 0"), (e: { code: number; stderr: string }) => e);
    assert.deepEqual([err.code, err.stderr.trim()], [1, "rejected: Unauthenticated token-invalid"]);
  });

  test("the guard is real: the Node entry point cannot load under it", async () => {
    const script = 'await import("@authsvc/client/node")';
    await assert.rejects(exec(process.execPath, [...forbid, "--input-type=module", "-e", script]), /forbidden import: @connectrpc\/connect-node/);
  });
});
