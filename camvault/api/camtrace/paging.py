"""CamTrace list paging: `limit`/`offset` arguments (offset 0 = the most recent items), the
`Link: <...>; rel="next"` header, and the `paging` object of the log lists."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from camvault.core.errors import BadRequest

MAX_LIMIT = 1000
CREDENTIAL_ARGS = ("_username", "_password", "_nonce", "_created_at", "user", "pass")
"""Never copied into a URL camvault hands out (a Link header is logged and cached by proxies)."""


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def parse_paging(request: Request, *, default_limit: int = 20, max_limit: int = MAX_LIMIT) -> Paging:
    """`limit` (1..max_limit, default `default_limit`) and `offset` (>= 0, default 0); 400 otherwise."""
    return Paging(_int(request, "limit", default_limit, 1, max_limit), _int(request, "offset", 0, 0, 10**12))


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise BadRequest(f"'{name}' must be an integer between {low} and {high}", key="invalid_integer", field=name)
    return value


def set_next_link(request: Request, response: Response, paging: Paging, has_more: bool) -> None:
    """Point `Link: rel="next"` at the following page when there is one."""
    if not has_more:
        return
    response.headers["Link"] = f'<{page_url(request, paging.limit, paging.offset + paging.limit)}>; rel="next"'


def page_url(request: Request, limit: int, offset: int) -> str:
    """This list's URL for another page: the request's filters, without credentials."""
    query = {k: v for k, v in request.query_params.items() if k not in CREDENTIAL_ARGS}
    query.update(limit=str(limit), offset=str(offset))
    return f"{request.url.path}?{urlencode(query)}"


def paging_json(total: int, paging: Paging, returned: int) -> dict:
    """The log lists' `paging` object: the total matching, the offset after this page, the limit."""
    return {"total": total, "offset": paging.offset + returned, "limit": paging.limit}
