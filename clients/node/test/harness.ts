// A live authsvc for the kit's tests: the binary built from this checkout
// with `go build`, run on loopback ports chosen by the kernel.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root: npm runs the tests in clients/node. */
export const repoRoot = resolve(process.cwd(), "../..");

let built: { bin: string; dir: string } | undefined;

/**
 * authsvcBinary builds ./cmd/authsvc into a temporary directory once per
 * test process (AUTHSVC_BIN, when set, is used instead).
 */
export async function authsvcBinary(): Promise<string> {
  if (process.env["AUTHSVC_BIN"]) {
    return process.env["AUTHSVC_BIN"];
  }
  if (!built) {
    const dir = mkdtempSync(join(tmpdir(), "authsvc-node-kit-"));
    const bin = join(dir, "authsvc");
    await run("go", ["build", "-o", bin, "./cmd/authsvc"], { cwd: repoRoot, maxBuffer: 16 << 20 });
    built = { bin, dir };
  }
  return built.bin;
}

/** removeBinary deletes what authsvcBinary built. */
export function removeBinary(): void {
  if (built) {
    rmSync(built.dir, { recursive: true, force: true });
    built = undefined;
  }
}

/** Every authsvc process started and not yet exited. */
const spawned = new Set<ChildProcess>();

/**
 * stopAll ends every process start spawned, including those whose start
 * failed, so a failed `before` cannot leave one holding the test open.
 */
export async function stopAll(): Promise<void> {
  await Promise.all([...spawned].map((p) => new Promise<void>((res) => {
    if (p.exitCode !== null || p.signalCode !== null) {
      res();
      return;
    }
    p.once("exit", () => res());
    p.kill("SIGTERM");
  })));
}

/** A running authsvc process and what it printed. */
export interface Service {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  grpcUrl: string;
  httpUrl: string;
  stop(): Promise<void>;
}

const loopback = ["--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"];

/** start runs `authsvc <args>` until until(stdout, stderr) returns a value. */
async function start<T>(args: string[], until: (out: string, err: string) => T | undefined): Promise<Service & { found: T }> {
  const proc = spawn(await authsvcBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  spawned.add(proc);
  proc.once("exit", () => spawned.delete(proc));
  let out = "";
  let err = "";
  proc.stdout!.setEncoding("utf8").on("data", (d: string) => { out += d; });
  proc.stderr!.setEncoding("utf8").on("data", (d: string) => { err += d; });
  const exited = new Promise<void>((res) => proc.once("exit", () => res()));
  const found = await new Promise<T>((res, rej) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      rej(new Error(`authsvc ${args[0]} did not start in 60s:\n${out}\n${err}`));
    }, 60_000);
    const check = () => {
      const v = until(out, err);
      if (v !== undefined) {
        clearTimeout(timer);
        res(v);
      }
    };
    proc.stdout!.on("data", check);
    proc.stderr!.on("data", check);
    proc.once("exit", (code) => { clearTimeout(timer); rej(new Error(`authsvc ${args[0]} exited ${code}:\n${out}\n${err}`)); });
  });
  return {
    proc, found, stdout: () => out, stderr: () => err, grpcUrl: "", httpUrl: "",
    async stop() {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/** A running `authsvc dev`, with its banner's token and caller key. */
export interface DevService extends Service {
  token: string;
  callerKey: string;
  backendAddr: string;
}

/** startDev runs `authsvc dev` and reads its banner. */
export async function startDev(): Promise<DevService> {
  const s = await start(["dev", ...loopback, "--dev-backend-addr", "127.0.0.1:0"], (out) => {
    const grpc = /gRPC on (\S+) \(plaintext\)/.exec(out);
    const token = /grpcurl -plaintext -d '\{"token":"([^"]+)"\}'/.exec(out);
    const key = /authorization: Bearer (\S+)'/.exec(out);
    const curl = /curl -H 'Content-Type: application\/json' -d '[^']+' (http:\/\/[^/\s]+)\//.exec(out);
    const backend = /emulator: http:\/\/(\S+) /.exec(out);
    if (!grpc || !token || !key || !curl || !backend) {
      return undefined;
    }
    return { grpcUrl: `http://${grpc[1]}`, httpUrl: curl[1]!, token: token[1]!, callerKey: key[1]!, backendAddr: backend[1]! };
  });
  return Object.assign(s, s.found);
}

/** devToken mints a session token for user from a running dev service. */
export async function devToken(dev: DevService, user: string): Promise<string> {
  const { stdout } = await run(await authsvcBinary(), ["dev", "token", "--user", user, "--dev-backend-addr", dev.backendAddr]);
  return stdout.trim();
}

/** A networkless `authsvc serve` (CLERK_JWT_KEY) and a signer for it. */
export interface KeyedService extends Service {
  /** mint signs claims (over defaults valid now) with the service's key. */
  mint(claims?: Record<string, unknown>, key?: KeyObject): string;
}

export const ISSUER = "https://clerk.kit-test.example";

/** startKeyed runs `authsvc serve --jwt-key` with a fresh RSA key. */
export async function startKeyed(): Promise<KeyedService> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const s = await start(["serve", ...loopback, "--jwt-key", pem, "--issuer", ISSUER, "--shutdown-delay", "0s"], (_, err) => {
    const m = /"msg":"authsvc listening","grpc":"([^"]+)","http":"([^"]+)"/.exec(err);
    return m ? { grpcUrl: `http://${m[1]}`, httpUrl: `http://${m[2]}` } : undefined;
  });
  return Object.assign(s, s.found, {
    mint: (claims: Record<string, unknown> = {}, key: KeyObject = privateKey) => signJWT(key, claims),
  });
}

/** otherKey is an RSA key the keyed service does not know. */
export const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;

function signJWT(key: KeyObject, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const body = { iss: ISSUER, sub: "user_kit", sid: "sess_kit", iat: now - 10, nbf: now - 10, exp: now + 300, ...claims };
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const input = `${enc({ alg: "RS256", typ: "JWT" })}.${enc(body)}`;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}
