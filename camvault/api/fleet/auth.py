"""Fleet request authentication: `Authorization: Bearer <token>` from `/fleet/oauth/token`.
`Reader`, `Writer` and `FleetAdmin` are the token's user once the token holds the scope
(`cameras:read`, `cameras:write`, `fleet:admin`): 401 without a valid token, 403 without the scope.
Also the JSON body and query helpers every fleet adapter uses (errors in the dialect's shape)."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import Depends, Request

from camvault.api.deps import get_services
from camvault.core import fleet
from camvault.core.errors import BadRequest, Unprocessable
from camvault.core.model import User
from camvault.services.fleet_tokens import Bearer


def fleet_bearer(request: Request) -> Bearer:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return get_services(request).fleet.tokens.authenticate(token.strip() if scheme.lower() == "bearer" else None)


def _with(scope: str):
    def user_with_scope(bearer: Annotated[Bearer, Depends(fleet_bearer)]) -> User:
        fleet.require_scope(bearer.scopes, scope)
        return bearer.user
    return user_with_scope


Reader = Annotated[User, Depends(_with(fleet.SCOPE_READ))]
Writer = Annotated[User, Depends(_with(fleet.SCOPE_WRITE))]
FleetAdmin = Annotated[User, Depends(_with(fleet.SCOPE_ADMIN))]


async def json_object(request: Request) -> dict:
    """The request body, a JSON object (BadRequest otherwise)."""
    raw = await request.body()
    try:
        data = json.loads(raw) if raw.strip() else None
    except ValueError:
        raise BadRequest("The body is not valid JSON", key="fleet_bad_json") from None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object", key="fleet_bad_json")
    return data


Body = Annotated[dict, Depends(json_object)]


def text(body: dict, name: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadRequest(f"{name} is required (a string)" if required else f"{name} must be a string",
                         key="fleet_bad_field", field=name)
    return value


def flag(request: Request, name: str, default: bool = True) -> bool:
    """A boolean query argument (true/false/1/0); Unprocessable otherwise."""
    value = request.query_params.get(name)
    if value is None:
        return default
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise Unprocessable(f"{name} must be true or false", key="fleet_bad_flag", field=name)


def uuid_arg(request: Request, name: str) -> str | None:
    """A UUID query argument; Unprocessable when malformed."""
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Unprocessable(f"{name} must be a UUID", key="fleet_bad_uuid_arg", field=name) from None
