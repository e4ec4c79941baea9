"""Authentication schemes that dialects plug together. A scheme returns the `User` when its
credentials are present and valid, None when its credentials are absent, and raises
`Unauthorized` when they are present but wrong. `authenticate` tries a dialect's schemes in order."""

from __future__ import annotations

from typing import Protocol, Sequence

from starlette.requests import HTTPConnection

from camvault.api.deps import get_services
from camvault.core.credentials import decode_basic
from camvault.core.errors import Forbidden, Unauthorized
from camvault.core.model import User
from camvault.services.users import UserService


class AuthScheme(Protocol):
    def authenticate(self, request: HTTPConnection, users: UserService) -> User | None: ...


class BasicAuth:
    """`Authorization: Basic base64(user:password)`."""

    def authenticate(self, request: HTTPConnection, users: UserService) -> User | None:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        credentials = decode_basic(value)
        if credentials is None:
            raise Unauthorized("Malformed Basic credentials", key="malformed_basic")
        return users.authenticate_password(*credentials)


class QueryPasswordAuth:
    """User name and clear password in URL arguments (CamTrace `_username`/`_password`,
    push-HTTP `user`/`pass`). Defers to other schemes when any of `defer_if` arguments is present."""

    def __init__(self, user_arg: str, password_arg: str, defer_if: tuple[str, ...] = ()) -> None:
        self.user_arg, self.password_arg, self.defer_if = user_arg, password_arg, defer_if

    def authenticate(self, request: HTTPConnection, users: UserService) -> User | None:
        query = request.query_params
        if self.user_arg not in query or any(arg in query for arg in self.defer_if):
            return None
        return users.authenticate_password(query[self.user_arg], query.get(self.password_arg, ""))


SESSION_COOKIE = "camvault_session"
CSRF_HEADER = "x-requested-with"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SAME_SITE_FETCH = ("same-origin", "none")


class SessionCookieAuth:
    """The web UI's session cookie (`POST /api/session`, docs/ref/web.md). A browser sends it with
    every request, so against cross-site request forgery: a request whose `Sec-Fetch-Site` says
    another site is refused, and a changing method (POST, PUT, PATCH, DELETE) needs an
    `X-Requested-With` header (which no cross-origin page may send without a CORS approval that
    camvault never gives). Both are 403; an expired, revoked or forged cookie is 401."""

    def authenticate(self, request: HTTPConnection, users: UserService) -> User | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        if request.headers.get("sec-fetch-site", "same-origin") not in SAME_SITE_FETCH:
            raise Forbidden("A session cookie is not accepted from another site", key="session_cross_site")
        if request.scope.get("method", "GET") not in SAFE_METHODS and CSRF_HEADER not in request.headers:
            raise Forbidden("A change with a session cookie needs the X-Requested-With header",
                            key="session_csrf_header")
        return get_services(request).sessions.resume(token).user


def authenticate(request: HTTPConnection, users: UserService, schemes: Sequence[AuthScheme]) -> User:
    """The authenticated user, or Unauthorized when no scheme found credentials."""
    for scheme in schemes:
        user = scheme.authenticate(request, users)
        if user is not None:
            return user
    raise Unauthorized("Authentication required", key="auth_required")
