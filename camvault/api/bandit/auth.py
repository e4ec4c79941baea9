"""Bandit authentication: HTTP Basic with camvault users. With `bandit.open_camera_id` = N, a GET
under `/bandit/N/api/...` without an `Authorization` header is served as that camera's read-only
reader (for a device-local client that cannot authenticate); credentials, when sent, are always
checked, and any other method still needs them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from camvault.api.auth import BasicAuth, authenticate
from camvault.api.deps import get_services
from camvault.core.errors import NotFound
from camvault.core.model import User

SCHEMES = (BasicAuth(),)
READ_METHODS = ("GET", "HEAD")


def scope_camera_id(request: Request) -> int | None:
    """The camera of a `/bandit/<camera id>/api/...` request, None under `/api`."""
    raw = request.path_params.get("camera_id")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise NotFound(f"Camera {raw!r} not found", key="camera_not_found")
    return int(raw)


def bandit_user(request: Request) -> User:
    services = get_services(request)
    if "authorization" not in request.headers and request.method in READ_METHODS:
        reader = services.bandit.open_reader(scope_camera_id(request))
        if reader is not None:
            return reader
    return authenticate(request, services.users, SCHEMES)


BanditUser = Annotated[User, Depends(bandit_user)]
CameraScope = Annotated[int | None, Depends(scope_camera_id)]
