"""AuthsvcError and the decoding of a failed call's reason."""

from __future__ import annotations

from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import grpc
from google.protobuf.message import DecodeError

from authsvc_client.gen import rpc_status_pb2

#: The google.rpc.ErrorInfo domain of every authsvc status.
DOMAIN = "authsvc.v1"

#: The trailer that repeats the reason of a failed call as plain text.
REASON_TRAILER = "authsvc-reason"

#: The trailer that carries the serialized google.rpc.Status.
DETAILS_TRAILER = "grpc-status-details-bin"

_ERROR_INFO_TYPE = b"google.rpc.ErrorInfo"


class ErrorInfo(NamedTuple):
    """One google.rpc.ErrorInfo of a failed call's status details."""

    domain: str
    reason: str
    metadata: Dict[str, str]


class AuthsvcError(Exception):
    """A call to authsvc that failed.

    Attributes:
        code: the grpc.StatusCode (UNAUTHENTICATED for a refused token).
        reason: authsvc's reason as Clerk spells it ("token-expired",
            "caller-credential-missing", ...), from the ErrorInfo in domain
            "authsvc.v1" in grpc-status-details-bin, else from the
            authsvc-reason trailer; None when the call carried neither (an
            empty token, a Clerk error passed through, a network failure).
        message: the status message.
        error_infos: every google.rpc.ErrorInfo of the status details, in
            order. Clerk's errors from proxy RPCs arrive here with domain
            "clerk.com" and Clerk's code as reason.
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        reason: Optional[str] = None,
        error_infos: Sequence[ErrorInfo] = (),
    ) -> None:
        super().__init__(code, message, reason)
        self.code = code
        self.message = message
        self.reason = reason
        self.error_infos: List[ErrorInfo] = list(error_infos)

    def __str__(self) -> str:
        text = "authsvc: %s: %s" % (self.code.name, self.message)
        if self.reason:
            text += " (%s)" % self.reason
        return text

    @classmethod
    def from_rpc_error(cls, err: grpc.RpcError) -> "AuthsvcError":
        """Builds the error from what grpcio raised for a failed call.

        Use it around calls made on Client.stub directly.
        """
        code = _call(err, "code") or grpc.StatusCode.UNKNOWN
        message = _call(err, "details") or ""
        trailers = _call(err, "trailing_metadata") or ()
        infos = error_infos(trailers)
        reason = reason_of(trailers, infos)
        return cls(code, message, reason, infos)


def _call(err: object, name: str):
    # A grpc.RpcError raised by a unary call is also a grpc.Call; one that is
    # not (a future's, another library's) has none of these methods.
    f = getattr(err, name, None)
    if not callable(f):
        return None
    try:
        return f()
    except Exception:  # pragma: no cover - defensive: a broken Call object
        return None


def _trailer(trailers: Sequence[Tuple[str, object]], key: str):
    for k, v in trailers:
        if k.lower() == key:
            return v
    return None


def error_infos(trailers: Sequence[Tuple[str, object]]) -> List[ErrorInfo]:
    """The ErrorInfo details of a grpc-status-details-bin trailer, if any.

    A trailer that does not decode gives none: the reason then comes from
    the authsvc-reason trailer alone.
    """
    raw = _trailer(trailers, DETAILS_TRAILER)
    if not isinstance(raw, (bytes, bytearray)):
        return []
    try:
        st = rpc_status_pb2.Status.FromString(bytes(raw))
    except DecodeError:
        return []
    out = []
    for any_ in st.details:
        # type.googleapis.com/google.rpc.ErrorInfo; the prefix is not fixed.
        if any_.type_url.rsplit(b"/", 1)[-1] != _ERROR_INFO_TYPE:
            continue
        try:
            info = rpc_status_pb2.ErrorInfo.FromString(any_.value)
        except DecodeError:
            continue
        # A map's later entry for a key wins, as in protobuf's own decoding.
        md = {_text(e.key): _text(e.value) for e in info.metadata}
        out.append(ErrorInfo(_text(info.domain), _text(info.reason), md))
    return out


def _text(b: bytes) -> str:
    return b.decode("utf-8", "replace")


def reason_of(
    trailers: Sequence[Tuple[str, object]], infos: Optional[Sequence[ErrorInfo]] = None
) -> Optional[str]:
    """authsvc's reason of a failed call, from its trailing metadata.

    The first ErrorInfo in domain "authsvc.v1" wins; without one, the plain
    authsvc-reason trailer.
    """
    if infos is None:
        infos = error_infos(trailers)
    for info in infos:
        if info.domain == DOMAIN and info.metadata.get("reason"):
            return info.metadata["reason"]
    plain = _trailer(trailers, REASON_TRAILER)
    if isinstance(plain, str) and plain:
        return plain
    return None
