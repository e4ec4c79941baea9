"""Authentication schemes that dialects plug together. A scheme returns the `User` when its
credentials are present and valid, None when its credentials are absent, and raises
`Unauthorized` when they are present but wrong. `authenticate` tries a dialect's schemes in order."""

from __future__ import annotations

from typing import Protocol, Sequence

from starlette.requests import HTTPConnection

from camvault.core.credentials import decode_basic
from camvault.core.errors import Unauthorized
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


def authenticate(request: HTTPConnection, users: UserService, schemes: Sequence[AuthScheme]) -> User:
    """The authenticated user, or Unauthorized when no scheme found credentials."""
    for scheme in schemes:
        user = scheme.authenticate(request, users)
        if user is not None:
            return user
    raise Unauthorized("Authentication required", key="auth_required")
