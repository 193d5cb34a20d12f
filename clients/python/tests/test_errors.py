"""AuthsvcError's reading of a failed call, without a server."""

from __future__ import annotations

import random
import unittest
import warnings

import grpc

from authsvc_client import AuthsvcError, ErrorInfo, error_infos, reason_of
from authsvc_client.gen import rpc_status_pb2


def _info(domain, code, **metadata):
    return rpc_status_pb2.Any(
        type_url=b"type.googleapis.com/google.rpc.ErrorInfo",
        value=rpc_status_pb2.ErrorInfo(
            domain=domain.encode(),
            reason=code.encode(),
            metadata=[rpc_status_pb2.ErrorInfo.MetadataEntry(key=k.encode(), value=v.encode()) for k, v in metadata.items()],
        ).SerializeToString(),
    )


def _details(*anys):
    return rpc_status_pb2.Status(code=16, message=b"m", details=anys).SerializeToString()


class _FakeCall(grpc.RpcError, grpc.Call):
    """What grpcio raises for a failed unary call: an RpcError that is a Call."""

    def __init__(self, code, details, trailers):
        self._code, self._details, self._trailers = code, details, trailers

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return self._trailers

    def initial_metadata(self):
        return ()

    # grpc.Call's RpcContext methods, unused here.
    def is_active(self):
        return False

    def time_remaining(self):
        return None

    def cancel(self):
        return False

    def add_callback(self, callback):
        return False


class ReasonTest(unittest.TestCase):
    def test_reason_sources(self):
        authsvc = _info("authsvc.v1", "TOKEN_EXPIRED", reason="token-expired")
        clerk = _info("clerk.com", "resource_not_found", message="not found")
        other = rpc_status_pb2.Any(type_url=b"type.googleapis.com/google.rpc.RetryInfo", value=b"\x0a\x02\x08\x01")
        rows = [
            # (rule, trailers, reason, ErrorInfo domains)
            ("ErrorInfo in authsvc.v1", [("grpc-status-details-bin", _details(authsvc))], "token-expired",
             ["authsvc.v1"]),
            ("ErrorInfo wins over the trailer",
             [("grpc-status-details-bin", _details(authsvc)), ("authsvc-reason", "token-invalid")],
             "token-expired", ["authsvc.v1"]),
            ("plain trailer alone", [("authsvc-reason", "caller-credential-missing")], "caller-credential-missing",
             []),
            ("details that do not decode fall back to the trailer",
             [("grpc-status-details-bin", b"\xff\xff\xff"), ("authsvc-reason", "token-invalid")], "token-invalid",
             []),
            ("details as text are ignored", [("grpc-status-details-bin", "x"), ("authsvc-reason", "token-invalid")],
             "token-invalid", []),
            ("another domain is no reason", [("grpc-status-details-bin", _details(clerk))], None, ["clerk.com"]),
            ("other detail types are skipped", [("grpc-status-details-bin", _details(other, authsvc))],
             "token-expired", ["authsvc.v1"]),
            ("any type_url prefix", [("grpc-status-details-bin", _details(rpc_status_pb2.Any(
                type_url=b"example.com/x/google.rpc.ErrorInfo", value=authsvc.value)))], "token-expired",
             ["authsvc.v1"]),
            ("an ErrorInfo without metadata reason", [("grpc-status-details-bin", _details(
                _info("authsvc.v1", "TOKEN_EXPIRED")))], None, ["authsvc.v1"]),
            ("nothing", [], None, []),
            ("empty trailer", [("authsvc-reason", "")], None, []),
        ]
        for rule, trailers, reason, domains in rows:
            with self.subTest(rule):
                err = AuthsvcError.from_rpc_error(_FakeCall(grpc.StatusCode.UNAUTHENTICATED, "refused", trailers))
                self.assertEqual(err.reason, reason)
                self.assertEqual([i.domain for i in err.error_infos], domains)
                self.assertEqual((err.code, err.message), (grpc.StatusCode.UNAUTHENTICATED, "refused"))
                self.assertEqual(reason_of(trailers), reason)

    def test_error_info_fields(self):
        got = error_infos([("grpc-status-details-bin", _details(_info("clerk.com", "form_param_missing", a="b")))])
        self.assertEqual(got, [ErrorInfo("clerk.com", "form_param_missing", {"a": "b"})])

    def test_not_a_call(self):
        err = AuthsvcError.from_rpc_error(grpc.RpcError())
        self.assertEqual((err.code, err.message, err.reason, err.error_infos), (grpc.StatusCode.UNKNOWN, "", None, []))

    def test_str(self):
        err = AuthsvcError(grpc.StatusCode.UNAUTHENTICATED, "session token rejected", "token-expired")
        self.assertEqual(str(err), "authsvc: UNAUTHENTICATED: session token rejected (token-expired)")
        self.assertIsInstance(err, Exception)

    def test_arbitrary_details_never_raise(self):
        # The trailer comes from the network: any bytes decode to some
        # ErrorInfos or none, never an exception. Seeds: a real status, cut
        # and flipped at every position, then random bytes.
        good = _details(_info("authsvc.v1", "TOKEN_INVALID", reason="token-invalid"))
        inputs = [good[:i] for i in range(len(good))]
        inputs += [good[:i] + bytes([good[i] ^ 0xFF]) + good[i + 1:] for i in range(len(good))]
        rng = random.Random(12)
        inputs += [bytes(rng.randrange(256) for _ in range(rng.randrange(64))) for _ in range(3000)]
        with warnings.catch_warnings():
            # The C++ runtime warns "Unexpected end-group tag" for some.
            warnings.simplefilter("ignore", RuntimeWarning)
            for raw in inputs:
                infos = error_infos([("grpc-status-details-bin", raw)])
                self.assertIsInstance(infos, list)
                reason_of([("grpc-status-details-bin", raw)], infos)

    def test_invalid_utf8_is_replaced(self):
        info = rpc_status_pb2.ErrorInfo(domain=b"authsvc.v1", reason=b"X", metadata=[
            rpc_status_pb2.ErrorInfo.MetadataEntry(key=b"reason", value=b"token-\xffinvalid")])
        raw = _details(rpc_status_pb2.Any(type_url=b"type.googleapis.com/google.rpc.ErrorInfo", value=info.SerializeToString()))
        self.assertEqual(reason_of([("grpc-status-details-bin", raw)]), "token-\ufffdinvalid")


if __name__ == "__main__":
    unittest.main()
