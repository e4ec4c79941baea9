"""Request bodies of the CamTrace dialect: JSON objects wrapped as `{"<wrapper>": {...}}` (a bare
object is accepted too), validated by a pydantic model, with a 400 that names the bad field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from camvault.core.errors import BadRequest

M = TypeVar("M", bound=BaseModel)


async def unwrapped_json(request: Request, wrapper: str) -> dict:
    """The body's JSON object, taken out of `{wrapper: {...}}` when wrapped."""
    try:
        payload: Any = await request.json()
    except ValueError:
        raise BadRequest("The body must be JSON", key="invalid_json") from None
    if isinstance(payload, dict) and isinstance(payload.get(wrapper), dict):
        payload = payload[wrapper]
    if not isinstance(payload, dict):
        raise BadRequest(f"The body must be a JSON object {{\"{wrapper}\": {{...}}}}", key="invalid_json")
    return payload


def validated(model: type[M], payload: dict, what: str) -> M:
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]).replace("from_", "from") or "body"
        raise BadRequest(f"Invalid {what} field '{field}': {err['msg']}", key="invalid_field", field=field) from None


async def wrapped_body(request: Request, wrapper: str, model: type[M], *, optional: bool = False) -> M:
    """`model` from the body; an empty body gives `model()` when `optional`."""
    if optional and not (await request.body()).strip():
        return model()
    return validated(model, await unwrapped_json(request, wrapper), wrapper)
