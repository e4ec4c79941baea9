"""CamTrace authentication: HTTP Basic and `_username`/`_password` URL arguments (WSSE joins here
with the CamTrace authentication issue). `CamtraceUser` is the dependency endpoints use."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from camvault.api.auth import BasicAuth, QueryPasswordAuth, authenticate
from camvault.api.deps import get_services
from camvault.core.model import User

SCHEMES = (BasicAuth(), QueryPasswordAuth("_username", "_password", defer_if=("_nonce", "_created_at")))


def camtrace_user(request: Request) -> User:
    return authenticate(request, get_services(request).users, SCHEMES)


CamtraceUser = Annotated[User, Depends(camtrace_user)]
