"""Python client for authsvc, Clerk authentication as a gRPC service.

    from authsvc_client import Client, AuthsvcError, SIGNED_IN

    client = Client("127.0.0.1:50051", caller_key=os.environ.get("AUTHSVC_CALLER_KEY"))
    claims = client.verify_session_token(token)       # AuthsvcError on refusal
    state = client.get_auth_state(headers=request_headers)
    user = client.call("GetUser", pb.GetUserRequest(user_id=claims.user_id)).user

The generated messages are in authsvc_client.pb (auth_pb2 and the
resource groups' users_pb2, sessions_pb2, ... re-exported) and the raw
stub is Client.stub.
"""

from authsvc_client import pb
from authsvc_client._client import DEFAULT_TIMEOUT, Client
from authsvc_client._errors import (
    DETAILS_TRAILER,
    DOMAIN,
    REASON_TRAILER,
    AuthsvcError,
    ErrorInfo,
    error_infos,
    reason_of,
)

#: GetAuthStateResponse.status values.
SIGNED_IN = pb.AUTH_STATUS_SIGNED_IN
SIGNED_OUT = pb.AUTH_STATUS_SIGNED_OUT
INTERSTITIAL = pb.AUTH_STATUS_INTERSTITIAL

__all__ = [
    "AuthsvcError",
    "Client",
    "DEFAULT_TIMEOUT",
    "DETAILS_TRAILER",
    "DOMAIN",
    "ErrorInfo",
    "INTERSTITIAL",
    "REASON_TRAILER",
    "SIGNED_IN",
    "SIGNED_OUT",
    "error_infos",
    "pb",
    "reason_of",
]
