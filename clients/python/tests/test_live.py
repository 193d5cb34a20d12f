"""The kit against a live `authsvc dev` (built from this repository)."""

from __future__ import annotations

import time
import unittest

import grpc

from authsvc_client import (
    DETAILS_TRAILER,
    INTERSTITIAL,
    REASON_TRAILER,
    SIGNED_IN,
    SIGNED_OUT,
    AuthsvcError,
    Client,
    pb,
)
from tests.devserver import DevServer, claims_of, with_claims, with_header

BROWSER = "Mozilla/5.0 (X11; Linux x86_64)"


class LiveTest(unittest.TestCase):
    server: DevServer
    client: Client
    short_token: str

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = DevServer().start()
        try:
            # Minted first, so that its 30 s run out while the other tests
            # run: test_verify_expired waits only for what is left.
            cls.short_token = cls.server.mint("user_demo_alice", 30)
            cls.client = Client(cls.server.grpc_addr)
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.close()
        cls.server.stop()

    def assertRefused(self, fn, code, reason):
        with self.assertRaises(AuthsvcError) as cm:
            fn()
        err = cm.exception
        self.assertEqual((err.code, err.reason), (code, reason), str(err))
        return err

    # VerifySessionToken

    def test_verify_ok(self):
        claims = self.client.verify_session_token(self.server.token)
        self.assertEqual(claims.user_id, "user_demo_alice")
        self.assertTrue(claims.session_id.startswith("sess_"), claims.session_id)
        self.assertEqual((claims.org_slug, claims.org_role), ("acme", "org:admin"))
        self.assertEqual(claims.raw.fields["sub"].string_value, "user_demo_alice")

    def test_verify_dev_token_command(self):
        token = self.server.dev_token("user_demo_bob")
        self.assertEqual(self.client.verify_session_token(token).user_id, "user_demo_bob")

    def test_verify_rejections(self):
        tok = self.server.token
        head, payload, sig = tok.split(".")
        flipped = sig[:-4] + ("AAAA" if sig[-4:] != "AAAA" else "BBBB")
        rows = [
            # (rule, token, authorized_parties, code, reason)
            ("not three base64url parts", "not-a-jwt", None, grpc.StatusCode.UNAUTHENTICATED, "token-invalid"),
            ("header not JSON", "bm90LWpzb24.e30.e30", None, grpc.StatusCode.UNAUTHENTICATED, "token-invalid"),
            ("signature does not match", ".".join((head, payload, flipped)), None,
             grpc.StatusCode.UNAUTHENTICATED, "token-invalid-signature"),
            ("payload altered", ".".join((head, with_claims(tok, sub="user_demo_bob"), sig)), None,
             grpc.StatusCode.UNAUTHENTICATED, "token-invalid-signature"),
            ("alg not RS256/384/512", with_header(tok, alg="HS256"), None,
             grpc.StatusCode.UNAUTHENTICATED, "token-invalid-algorithm"),
            ("kid names no key", with_header(tok, kid="ins_nope"), None,
             grpc.StatusCode.UNAUTHENTICATED, "jwk-kid-mismatch"),
            ("azp required by the call's list", tok, ["https://app.example.com"],
             grpc.StatusCode.UNAUTHENTICATED, "token-invalid-authorized-parties"),
            ("empty token", "", None, grpc.StatusCode.INVALID_ARGUMENT, None),
            ("token over 8 KiB", "a" * ((8 << 10) + 1), None, grpc.StatusCode.INVALID_ARGUMENT, None),
        ]
        for rule, token, parties, code, reason in rows:
            with self.subTest(rule):
                err = self.assertRefused(
                    lambda: self.client.verify_session_token(token, authorized_parties=parties), code, reason
                )
                if len(token) > 20:
                    self.assertNotIn(token, str(err))

    def test_verify_expired(self):
        exp = claims_of(self.short_token)["exp"]
        if time.time() < exp - 1:
            # Still valid: the refusal below is the clock's doing.
            self.assertEqual(self.client.verify_session_token(self.short_token).user_id, "user_demo_alice")
        # Expired once the clock's whole seconds reach exp (skew is 0s).
        time.sleep(max(0.0, exp - time.time() + 0.1))
        self.assertRefused(
            lambda: self.client.verify_session_token(self.short_token),
            grpc.StatusCode.UNAUTHENTICATED,
            "token-expired",
        )

    def test_refusal_carries_both_trailers(self):
        # What the kit decodes is what authsvc sends: the ErrorInfo in
        # grpc-status-details-bin and the plain authsvc-reason trailer.
        with self.assertRaises(grpc.RpcError) as cm:
            self.client.stub.VerifySessionToken(pb.VerifySessionTokenRequest(token="not-a-jwt"), timeout=5)
        trailers = dict(cm.exception.trailing_metadata())
        self.assertIsInstance(trailers.get(DETAILS_TRAILER), bytes)
        self.assertEqual(trailers.get(REASON_TRAILER), "token-invalid")
        err = AuthsvcError.from_rpc_error(cm.exception)
        self.assertEqual(
            [(i.domain, i.reason, i.metadata) for i in err.error_infos],
            [("authsvc.v1", "TOKEN_INVALID", {"reason": "token-invalid"})],
        )

    # GetAuthState

    def test_auth_state_signed_in_facts(self):
        iat = claims_of(self.server.token)["iat"]
        state = self.client.get_auth_state(
            cookie_token=self.server.token, client_uat=iat, host="localhost:3000", user_agent=BROWSER
        )
        self.assertEqual((state.status, state.reason), (SIGNED_IN, "standard-signed-in"))
        self.assertEqual(state.claims.user_id, "user_demo_alice")

    def test_auth_state_signed_in_headers(self):
        iat = claims_of(self.server.token)["iat"]
        state = self.client.get_auth_state(
            headers={
                "Cookie": "theme=dark; __session=%s; __client_uat=%d" % (self.server.token, iat),
                "Host": "localhost:3000",
                "User-Agent": BROWSER,
            }
        )
        self.assertEqual((state.status, state.reason), (SIGNED_IN, "standard-signed-in"))
        self.assertEqual(state.claims.user_id, "user_demo_alice")

    def test_auth_state_bearer_header(self):
        state = self.client.get_auth_state(header_token="Bearer " + self.server.token, host="localhost:3000")
        self.assertEqual((state.status, state.claims.user_id), (SIGNED_IN, "user_demo_alice"))

    def test_auth_state_signed_out(self):
        rows = [
            # (rule, facts, status, reason)
            ("client_uat 0, no cookie", dict(client_uat="0"), SIGNED_OUT, "standard-signed-out"),
            ("a cookie that fails verification", dict(cookie_token="not-a-jwt", client_uat="1"), SIGNED_OUT,
             "cookie-invalid"),
            ("no cookie, no client_uat", {}, INTERSTITIAL, "uat-missing"),
        ]
        for rule, facts, status, reason in rows:
            with self.subTest(rule):
                state = self.client.get_auth_state(host="localhost:3000", user_agent=BROWSER, **facts)
                self.assertEqual((state.status, state.reason), (status, reason))
                self.assertFalse(state.HasField("claims"))

    def test_auth_state_unknown_fact(self):
        with self.assertRaises(TypeError):
            self.client.get_auth_state(cookie="x")

    # Backend API proxy

    def test_proxy_with_caller_key(self):
        with Client(self.server.grpc_addr, caller_key=self.server.caller_key) as c:
            user = c.call("GetUser", pb.GetUserRequest(user_id="user_demo_alice")).user
            self.assertEqual((user.id, user.first_name), ("user_demo_alice", "Alice"))
            # The raw stub carries the key too.
            raw = c.stub.GetUser(pb.GetUserRequest(user_id="user_demo_bob"), timeout=5).user
            self.assertEqual(raw.id, "user_demo_bob")

    def test_proxy_clerk_error(self):
        with Client(self.server.grpc_addr, caller_key=self.server.caller_key) as c:
            err = self.assertRefused(
                lambda: c.call("GetUser", pb.GetUserRequest(user_id="user_nope")), grpc.StatusCode.NOT_FOUND, None
            )
        self.assertEqual([(i.domain, i.reason) for i in err.error_infos], [("clerk.com", "resource_not_found")])

    def test_proxy_refusals(self):
        rows = [
            # (rule, caller key, code, reason)
            ("no caller key", None, grpc.StatusCode.UNAUTHENTICATED, "caller-credential-missing"),
            ("unknown caller key", "ak_dev_0123456789abcdef", grpc.StatusCode.PERMISSION_DENIED, "caller-unknown"),
        ]
        for rule, key, code, reason in rows:
            with self.subTest(rule), Client(self.server.grpc_addr, caller_key=key) as c:
                err = self.assertRefused(
                    lambda: c.call("GetUser", pb.GetUserRequest(user_id="user_demo_alice")), code, reason
                )
                if key:
                    self.assertNotIn(key, str(err))

    def test_proxy_malformed_credential(self):
        # Metadata given on a raw stub call: not "Bearer <key>".
        with self.assertRaises(grpc.RpcError) as cm:
            self.client.stub.GetUser(
                pb.GetUserRequest(user_id="user_demo_alice"), metadata=[("authorization", "Basic YTpi")], timeout=5
            )
        err = AuthsvcError.from_rpc_error(cm.exception)
        self.assertEqual((err.code, err.reason), (grpc.StatusCode.UNAUTHENTICATED, "caller-credential-malformed"))


if __name__ == "__main__":
    unittest.main()
