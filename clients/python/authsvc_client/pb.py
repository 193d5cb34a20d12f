"""Every message and enum of authsvc.v1 in one namespace.

auth.proto (VerifySessionTokenRequest, Claims, GetAuthStateRequest,
AuthStatus, ...) and resources.proto (GetUserRequest, User, ...), as
generated in authsvc_client.gen.authsvc.v1:

    from authsvc_client import pb
    pb.GetUserRequest(user_id="user_123")
"""

from authsvc_client.gen.authsvc.v1.auth_pb2 import *  # noqa: F401,F403
from authsvc_client.gen.authsvc.v1.resources_pb2 import *  # noqa: F401,F403
