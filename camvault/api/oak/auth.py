"""OAK dialect authentication: HTTP Basic with camvault users (`OakUser`). A missing or wrong
password is 401 with a Basic challenge (shaped by the dialect's error shaper). With
`oak.anonymous_user` set, a request without an `Authorization` header acts as that user, with its
rights (credentials, when sent, are always checked)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from camvault.api.auth import BasicAuth, SESSION_COOKIE, SessionCookieAuth, authenticate
from camvault.api.deps import get_services
from camvault.core.model import User

SCHEMES = (BasicAuth(), SessionCookieAuth())
"""The web UI's session cookie (docs/ref/web.md) too, after Basic."""


def oak_user(request: Request) -> User:
    services = get_services(request)
    if "authorization" not in request.headers and SESSION_COOKIE not in request.cookies:
        anonymous = services.sensors.anonymous_user()
        if anonymous is not None:
            return anonymous
    return authenticate(request, services.users, SCHEMES)


OakUser = Annotated[User, Depends(oak_user)]
