"""Client: the authsvc AuthService over grpcio."""

from __future__ import annotations

import collections
from typing import Iterable, Mapping, Optional

import grpc

from authsvc_client._errors import AuthsvcError
from authsvc_client.gen.authsvc.v1 import auth_pb2, auth_pb2_grpc

# The facts get_auth_state takes as keyword arguments: the string fields of
# GetAuthStateRequest that describe one web request.
_FACTS = (
    "cookie_token",
    "client_uat",
    "header_token",
    "origin",
    "host",
    "forwarded_host",
    "forwarded_port",
    "forwarded_proto",
    "referrer",
    "user_agent",
)

#: The default deadline of every call, in seconds.
DEFAULT_TIMEOUT = 5.0


class _CallDetails(
    collections.namedtuple(
        "_CallDetails",
        ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression"),
    ),
    grpc.ClientCallDetails,
):
    pass


class _CallerKey(grpc.UnaryUnaryClientInterceptor):
    """Adds "authorization: Bearer <key>" to every call of the channel."""

    def __init__(self, key: str) -> None:
        self._pair = ("authorization", "Bearer " + key)

    def intercept_unary_unary(self, continuation, details, request):
        md = [(k, v) for k, v in (details.metadata or ()) if k != "authorization"]
        md.append(self._pair)
        return continuation(
            _CallDetails(
                details.method,
                details.timeout,
                md,
                details.credentials,
                getattr(details, "wait_for_ready", None),
                getattr(details, "compression", None),
            ),
            request,
        )


class Client:
    """A client of authsvc's AuthService.

    Args:
        target: authsvc's gRPC address, such as "127.0.0.1:50051".
        caller_key: this service's caller key (the policy's key_sha256 is its
            SHA-256). When given, every call carries it as
            "authorization: Bearer <key>"; the Backend API proxy RPCs need it,
            VerifySessionToken and GetAuthState do not unless the policy
            protects them.
        credentials: grpc.ssl_channel_credentials(...) for a TLS port; None
            dials plaintext (authsvc's default on loopback).
        timeout: the deadline of each call in seconds.
        channel: a channel to use instead of dialing target (the client
            then does not close it).

    The client is safe to share between threads; make one per process and
    close it (or use it as a context manager) at the end.
    """

    def __init__(
        self,
        target: str,
        caller_key: Optional[str] = None,
        *,
        credentials: Optional[grpc.ChannelCredentials] = None,
        timeout: float = DEFAULT_TIMEOUT,
        channel: Optional[grpc.Channel] = None,
        options: Iterable = (),
    ) -> None:
        if caller_key is not None:
            # Checked here so that a bad key fails at once, with a message
            # that does not repeat it.
            if not caller_key or not all(0x21 <= ord(c) <= 0x7E for c in caller_key):
                raise ValueError("authsvc: caller_key must be non-empty printable ASCII without spaces")
        self._owned = channel is None
        if channel is None:
            if credentials is None:
                channel = grpc.insecure_channel(target, options=list(options))
            else:
                channel = grpc.secure_channel(target, credentials, options=list(options))
        self._channel = channel
        if caller_key is not None:
            channel = grpc.intercept_channel(channel, _CallerKey(caller_key))
        self._timeout = timeout
        #: The generated AuthServiceStub, for every RPC (the Backend API
        #: proxy: GetUser, ListUsers, ...). Its calls carry the caller key and
        #: raise grpc.RpcError; AuthsvcError.from_rpc_error reads the reason,
        #: or use Client.call.
        self.stub = auth_pb2_grpc.AuthServiceStub(channel)

    def verify_session_token(
        self,
        token: str,
        authorized_parties: Optional[Iterable[str]] = None,
        *,
        accept_pending: bool = False,
        timeout: Optional[float] = None,
    ) -> auth_pb2.Claims:
        """Verifies a Clerk session token and returns its claims.

        token is the __session cookie or the Bearer token without "Bearer ".
        authorized_parties, when non-empty, replaces the service's list for
        this call. Raises AuthsvcError: UNAUTHENTICATED with the reason
        (token-expired, token-invalid-signature, ...) for a refused token,
        INVALID_ARGUMENT for an empty or oversized one, UNAVAILABLE when
        authsvc has no keys.
        """
        req = auth_pb2.VerifySessionTokenRequest(
            token=token,
            authorized_parties=list(authorized_parties or ()),
            accept_pending=accept_pending,
        )
        return self.call("VerifySessionToken", req, timeout=timeout).claims

    def get_auth_state(
        self,
        *,
        headers: Optional[Mapping[str, str]] = None,
        authorized_parties: Optional[Iterable[str]] = None,
        include_interstitial: bool = False,
        accept_pending: bool = False,
        timeout: Optional[float] = None,
        **facts: str,
    ) -> auth_pb2.GetAuthStateResponse:
        """Decides whether one web request is signed in, and why.

        Give the request's raw headers (name to value; "cookie" is parsed for
        __session and __client_uat), or its facts as keywords (cookie_token,
        client_uat, header_token, origin, host, forwarded_host,
        forwarded_port, forwarded_proto, referrer, user_agent), or both: a
        fact given wins over the headers. The answer's status is SIGNED_IN,
        SIGNED_OUT or INTERSTITIAL with reason; a refused token is an answer,
        not an error. Raises AuthsvcError only for oversized input
        (INVALID_ARGUMENT) or an unreachable service.
        """
        unknown = sorted(set(facts) - set(_FACTS))
        if unknown:
            raise TypeError("get_auth_state: unknown fact %s (known: %s)" % (", ".join(unknown), ", ".join(_FACTS)))
        req = auth_pb2.GetAuthStateRequest(
            headers=dict(headers or {}),
            authorized_parties=list(authorized_parties or ()),
            include_interstitial=include_interstitial,
            accept_pending=accept_pending,
        )
        for name, value in facts.items():
            if value is not None:
                setattr(req, name, str(value))
        return self.call("GetAuthState", req, timeout=timeout)

    def call(self, method: str, request, *, timeout: Optional[float] = None):
        """Calls one RPC by name ("GetUser", "ListUsers", ...) and returns
        its response; a failure raises AuthsvcError."""
        rpc = getattr(self.stub, method, None)
        if rpc is None or method.startswith("_"):
            raise AttributeError("authsvc: AuthService has no method %r" % method)
        try:
            return rpc(request, timeout=self._timeout if timeout is None else timeout)
        except grpc.RpcError as err:
            raise AuthsvcError.from_rpc_error(err) from None

    def close(self) -> None:
        """Closes the channel the client dialed."""
        if self._owned:
            self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
