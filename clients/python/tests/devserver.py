"""A live `authsvc dev` for the tests: built with go build, on free loopback
ports, its token, caller key and addresses read from the banner."""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

# The banner's lines this reads (cmd/authsvc/dev.go printDevBanner).
_GRPC = re.compile(r"gRPC on (\S+?),? ")
_EMULATOR = re.compile(r"Embedded Clerk emulator: (http://\S+)")
_TOKEN = re.compile(r'"token":"([^"]+)"')
_KEY = re.compile(r"Bearer (ak_dev_[0-9a-f]+)")
# The emulator's secret key is random per run, in a 0600 file the banner names.
_SECRET_FILE = re.compile(r"secret key, random for this run, in (\S+);")


class DevServer:
    """One `authsvc dev` process. start() returns once the banner is read."""

    def __init__(self) -> None:
        self._tmp = tempfile.mkdtemp(prefix="authsvc-py-")
        self.binary = os.environ.get("AUTHSVC_BIN") or os.path.join(self._tmp, "authsvc")
        self.proc = None
        self.grpc_addr = self.emulator_url = self.token = self.caller_key = self.secret_file = ""
        self._lines: "queue.Queue[str | None]" = queue.Queue()
        self._stderr = None

    def start(self, timeout: float = 60.0) -> "DevServer":
        if not os.environ.get("AUTHSVC_BIN"):
            subprocess.run(
                ["go", "build", "-o", self.binary, "./cmd/authsvc"],
                cwd=ROOT,
                check=True,
                timeout=600,
            )
        self._stderr = open(os.path.join(self._tmp, "stderr.log"), "w+b")
        # The secret key file goes to a directory of this run's own, which
        # dev_token passes on.
        self._runtime = os.path.join(self._tmp, "runtime")
        os.mkdir(self._runtime, 0o700)
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self._runtime)
        self.proc = subprocess.Popen(
            [
                self.binary,
                "dev",
                "--grpc-addr=127.0.0.1:0",
                "--http-addr=127.0.0.1:0",
                "--dev-backend-addr=127.0.0.1:0",
                # No skew, so that a 30 s token (the emulator's shortest) is
                # expired as soon as its exp second has passed.
                "--clock-skew=0s",
            ],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            env=self.env,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not (self.grpc_addr and self.emulator_url and self.token and self.caller_key and self.secret_file):
            left = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                raise RuntimeError("authsvc dev printed no complete banner; stderr:\n" + self.stderr())
            for rx, attr in (
                (_GRPC, "grpc_addr"),
                (_EMULATOR, "emulator_url"),
                (_TOKEN, "token"),
                (_KEY, "caller_key"),
                (_SECRET_FILE, "secret_file"),
            ):
                m = rx.search(line)
                if m and not getattr(self, attr):
                    setattr(self, attr, m.group(1))
        return self

    def _read(self) -> None:
        # Drains stdout for the whole run so that the process never blocks
        # on a full pipe; None marks its end.
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def stderr(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stdout:
            self.proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def dev_token(self, user: str) -> str:
        """`authsvc dev token --user <user>` against this server."""
        out = subprocess.run(
            [self.binary, "dev", "token", "--user", user],
            env=dict(self.env, AUTHSVC_DEV_BACKEND_ADDR=self.emulator_url[len("http://"):]),
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return out.stdout.strip()

    def mint(self, user: str, expires_in_seconds: int) -> str:
        """A token with a chosen lifetime, from the emulator's Backend API
        (POST /v1/sessions, then /v1/sessions/{id}/tokens), which authsvc's
        CreateSessionToken does not expose."""
        sess = self._backend("/v1/sessions", {"user_id": user})
        tok = self._backend("/v1/sessions/%s/tokens" % sess["id"], {"expires_in_seconds": expires_in_seconds})
        return tok["jwt"]

    def _secret(self) -> str:
        with open(self.secret_file) as f:
            return f.read().strip()

    def _backend(self, path: str, body: dict) -> dict:
        req = urllib.request.Request(
            self.emulator_url + path,
            data=json.dumps(body).encode(),
            headers={"Authorization": "Bearer " + self._secret(), "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)


def claims_of(token: str) -> dict:
    """The unverified payload of a JWT (for its exp)."""
    return _b64json(token.split(".")[1])


def _b64json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _enc(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()


def with_header(token: str, **header) -> str:
    """token with JOSE header fields replaced; the signature is kept."""
    head, payload, sig = token.split(".")
    h = _b64json(head)
    h.update(header)
    return ".".join((_enc(h), payload, sig))


def with_claims(token: str, **claims) -> str:
    """The payload segment of token with claims replaced (to pair with the
    original header and signature)."""
    c = _b64json(token.split(".")[1])
    c.update(claims)
    return _enc(c)
