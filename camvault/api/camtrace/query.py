"""Parsing CamTrace query arguments: optional dates, id lists and booleans, with 400s that name
the argument."""

from __future__ import annotations

from starlette.requests import Request

from camvault.core.errors import BadRequest
from camvault.core.timefmt import parse_iso_ms

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def optional_date(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    return parse_iso_ms(raw, field=name) if raw else None


def id_list(request: Request, *names: str) -> list[int] | None:
    """Ids separated by `,` from the first argument present among `names`; None when absent."""
    raw = next((request.query_params[n] for n in names if request.query_params.get(n)), None)
    if raw is None:
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise BadRequest(f"Invalid {names[0]}: {raw!r} (expected ids separated by ,)", key="invalid_id_list",
                         field=names[0]) from None


def optional_bool(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise BadRequest(f"'{name}' must be true or false", key="invalid_boolean", field=name)
