"""The passive screen itself, at the root of the HTTP server like the PUSH HTTP services:
`GET /screens/<id>/view` (the wall display's HTML page, screen_page.py) and
`GET /screens/<id>/events` (`text/event-stream`: an `event: screen` with what to show now, then
one for every change; `event: deleted` when the screen is removed). Authentication as PUSH HTTP:
`?user=&pass=` or any CamTrace scheme; what is shown is checked against the rights of that user.

The event stream waits on the screen service's watch (woken by every change, whatever thread made
it), never polls the database; a comment line every `KEEPALIVE_S` keeps proxies from closing it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import PushUser
from camvault.api.camtrace.screen_page import screen_page
from camvault.api.camtrace.screens import parse_screen_id
from camvault.api.deps import Services, ServicesDep
from camvault.core.errors import BadRequest
from camvault.core.model import User
from camvault.core.screens import Screen, ScreenPicture
from camvault.core.tiles import Size

router = APIRouter()
MOUNT = ""
"""Routes are at the root of the server (see api/camtrace/__init__.py)."""

KEEPALIVE_S = 15.0
RETRY_MS = 1000
"""How soon a browser reconnects a dropped event stream (the `retry:` field)."""
MIN_SIDE_PX, MAX_SIDE_PX = 64, 3840
HEADERS = {"Cache-Control": "no-cache, no-store, must-revalidate", "X-Accel-Buffering": "no"}


@router.get("/screens/{screen_id}/view")
def screen_view(screen_id: str, services: ServicesDep, _user: PushUser) -> HTMLResponse:
    screen = services.screens.get(parse_screen_id(screen_id))
    return HTMLResponse(screen_page(screen.id, screen.name), headers=HEADERS)


@router.get("/screens/{screen_id}/events")
async def screen_events(screen_id: str, request: Request, services: ServicesDep, user: PushUser) -> StreamingResponse:
    sid = parse_screen_id(screen_id)
    size = _display_size(request)
    await run_in_threadpool(services.screens.get, sid)          # 404 now, before the 200 headers
    return StreamingResponse(_events(services, user, sid, size), media_type="text/event-stream", headers=HEADERS)


async def _events(services: Services, user: User, screen_id: int, size: Size | None) -> AsyncIterator[bytes]:
    """What to show now, then at every change, until the screen is deleted or the client leaves."""
    yield f"retry: {RETRY_MS}\n\n".encode()
    with services.screens.watch(screen_id) as watch:            # watching before reading: no change is missed
        screen = await run_in_threadpool(services.screens.find, screen_id)
        while screen is not None:
            yield await run_in_threadpool(_screen_event, services, user, screen, size)
            while not await watch.changed(KEEPALIVE_S):
                yield b": keepalive\n\n"
            screen = watch.latest
    yield _event("deleted", {"id": screen_id})


def _screen_event(services: Services, user: User, screen: Screen, size: Size | None) -> bytes:
    picture = services.screens.picture(user, screen, size)
    return _event("screen", {"id": screen.id, "num": screen.num, "name": screen.name, "cameraId": screen.camera_id,
                             "groupId": screen.mosaic_id, "src": _src(picture, size), "caption": picture.caption,
                             "message": picture.reason})


def _src(picture: ScreenPicture, size: Size | None) -> str | None:
    """The PUSH HTTP URL of the picture, without credentials (the page adds its own)."""
    if picture.stream is not None:
        camera_id, stream_id = picture.stream
        return f"/live/view/{camera_id}.{stream_id}"
    if picture.mosaic_id is not None:
        query = {"group": picture.mosaic_id}
        if size is not None:
            query.update(width=_even(size.width_px), height=_even(size.height_px))
        return f"/m?{urlencode(query)}"
    return None


def _event(name: str, data: dict) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def _display_size(request: Request) -> Size | None:
    """The page's display size (`width`, `height` in pixels), bounded to what a mosaic may be."""
    raw = [request.query_params.get(name) for name in ("width", "height")]
    if not all(raw):
        return None
    if not all(r.isdigit() and len(r) <= 6 for r in raw):
        raise BadRequest("'width' and 'height' are positive integers (pixels)", key="invalid_integer",
                         field="width")
    return Size(*(min(MAX_SIDE_PX, max(MIN_SIDE_PX, int(r))) for r in raw))


def _even(value: int) -> int:
    return value // 2 * 2
