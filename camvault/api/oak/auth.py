"""OAK dialect authentication: HTTP Basic with camvault users (`OakUser`). A missing or wrong
password is 401 with a Basic challenge (shaped by the dialect's error shaper)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from camvault.api.auth import BasicAuth, authenticate
from camvault.api.deps import get_services
from camvault.core.model import User

SCHEMES = (BasicAuth(),)


def oak_user(request: Request) -> User:
    return authenticate(request, get_services(request).users, SCHEMES)


OakUser = Annotated[User, Depends(oak_user)]
