"""Every message and enum of authsvc.v1 in one namespace.

auth.proto (VerifySessionTokenRequest, Claims, GetAuthStateRequest,
AuthStatus, ...) and the resource files, one per group (users.proto:
GetUserRequest, User, ...; sessions, organizations, identifications,
instance; common.proto: DeletedObject, ...), as generated in
authsvc_client.gen.authsvc.v1:

    from authsvc_client import pb
    pb.GetUserRequest(user_id="user_123")
"""

from authsvc_client.gen.authsvc.v1.auth_pb2 import *  # noqa: F401,F403
from authsvc_client.gen.authsvc.v1.common_pb2 import *  # noqa: F401,F403
from authsvc_client.gen.authsvc.v1.users_pb2 import *  # noqa: F401,F403
from authsvc_client.gen.authsvc.v1.sessions_pb2 import *  # noqa: F401,F403
from authsvc_client.gen.authsvc.v1.organizations_pb2 import *  # noqa: F401,F403
from authsvc_client.gen.authsvc.v1.identifications_pb2 import *  # noqa: F401,F403
from authsvc_client.gen.authsvc.v1.instance_pb2 import *  # noqa: F401,F403
