"""CamTrace authentication: HTTP Basic, WSSE UsernameToken in headers (`Authorization: WSSE
profile="UsernameToken"` + `X-WSSE`), and the same two methods in URL arguments (`_username`,
`_password`, plus `_nonce` and `_created_at` for WSSE). `CamtraceUser` is the dependency endpoints
use; it also records every changing request in the user-action log. `PushUser` (the PUSH HTTP
video services) accepts `user` + `pass` URL arguments as well."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from camvault.api.auth import BasicAuth, QueryPasswordAuth, SessionCookieAuth, authenticate
from camvault.api.deps import get_services
from camvault.core.errors import Unauthorized
from camvault.core.model import User
from camvault.services.users import UserService

_TOKEN_FIELD = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
CHANGING_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class WsseHeaderAuth:
    """`Authorization: WSSE profile="UsernameToken"` with the token in `X-WSSE`."""

    def authenticate(self, request: HTTPConnection, users: UserService) -> User | None:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("wsse"):
            return None
        token = request.headers.get("x-wsse", "")
        if not token.strip().lower().startswith("usernametoken"):
            raise Unauthorized("Invalid WSSE token: the X-WSSE header is missing", key="wsse_missing")
        fields = dict(_TOKEN_FIELD.findall(token))
        return users.authenticate_wsse(fields.get("Username", ""), fields.get("PasswordDigest", ""),
                                       fields.get("Nonce", ""), fields.get("Created", ""))


class WsseQueryAuth:
    """WSSE in URL arguments: `_username`, `_password` (the digest), `_nonce`, `_created_at`."""

    def authenticate(self, request: HTTPConnection, users: UserService) -> User | None:
        query = request.query_params
        if "_nonce" not in query and "_created_at" not in query:
            return None
        digest = query.get("_password", "").replace(" ", "+")    # an unencoded '+' arrives as a space
        return users.authenticate_wsse(query.get("_username", ""), digest, query.get("_nonce", ""),
                                       query.get("_created_at", "").replace(" ", "+"))


SCHEMES = (BasicAuth(), WsseHeaderAuth(), WsseQueryAuth(),
           QueryPasswordAuth("_username", "_password", defer_if=("_nonce", "_created_at")), SessionCookieAuth())
"""The web UI's session cookie comes last: credentials a request carries itself win."""


def client_ip(request: HTTPConnection) -> str:
    return request.client.host if request.client else ""


def camtrace_user(request: Request) -> User:
    services = get_services(request)
    user = authenticate(request, services.users, SCHEMES)
    if request.method in CHANGING_METHODS:
        services.audit.record(user, client_ip(request), f"{request.method} {request.url.path}",
                              _describe(request))
    return user


def _describe(request: Request) -> str:
    route = request.scope.get("route")
    name = getattr(route, "name", "") or ""
    return name.replace("_", " ").capitalize() or request.url.path


CamtraceUser = Annotated[User, Depends(camtrace_user)]

PUSH_SCHEMES = (QueryPasswordAuth("user", "pass"), *SCHEMES)


def push_user(request: Request) -> User:
    """The PUSH HTTP services (MJPEG `/live/view`, `/m`, `/r`) also take `?user=&pass=`, so a plain
    `<img src>` can carry its credentials; a wrong password is 401 like any other scheme's."""
    return authenticate(request, get_services(request).users, PUSH_SCHEMES)


PushUser = Annotated[User, Depends(push_user)]
