"""CamTrace PUSH HTTP (MJPEG) video, at the root of the HTTP server (not under /api/v1.2):
`GET /live/view/<X.Y>` (one stream), `GET /m?ids=<camera ids>&compr=<1..99>` (a mosaic composed
server-side; extension: `/m?group=<mosaic id>`, a stored mosaic following its cycle) and
`GET /r?id=<camera>` (the camera's last alarm replayed in a loop, its `rpStream`).
Choices where the document is silent: docs/ref/camtrace.md "PUSH HTTP (MJPEG)".

Answers are `multipart/x-mixed-replace; boundary=camvaultframe`, one part per picture
(`Content-Type: image/jpeg`, `Content-Length`), written by an async generator that awaits the next
frame (no polling) and takes the pipeline only while the client reads: a client that goes away
cancels the generator, which gives the pipeline back. Authentication: `PushUser` (`?user=&pass=`
or any CamTrace scheme).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from camvault.api.camtrace.auth import PushUser
from camvault.api.camtrace.mosaics import group_id
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest, NotFound
from camvault.core.tiles import Size
from camvault.services.live_view import FeedView, LiveView, ProgramView
from camvault.video.feeds import FeedUnavailable

router = APIRouter()
MOUNT = ""
"""Routes are at the root of the server (see api/camtrace/__init__.py)."""

BOUNDARY = "camvaultframe"
DEFAULT_COMPR = 25
"""`compr` when absent: JPEG quality 75."""
STREAM_KEY = re.compile(r"^(\d{1,9})\.(\d{1,9})$")
HEADERS = {"Cache-Control": "no-cache, no-store, must-revalidate", "Pragma": "no-cache", "X-Accel-Buffering": "no"}


def jpeg_quality(compr: int) -> int:
    """CamTrace `compr` (1..99, higher = more compressed) as a JPEG quality (99..1)."""
    return 100 - compr


@router.get("/live/view/{stream_key}")
def live_view(stream_key: str, request: Request, services: ServicesDep, user: PushUser) -> StreamingResponse:
    match = STREAM_KEY.match(stream_key)
    if match is None:
        raise NotFound(f"Stream {stream_key} not found", key="stream_not_found")
    view = services.live_view.stream_view(user, int(match[1]), int(match[2]), jpeg_quality(_compr(request)))
    return _multipart(view)


@router.get("/m")
def mosaic(request: Request, services: ServicesDep, user: PushUser) -> StreamingResponse:
    width, height = _int_arg(request, "width"), _int_arg(request, "height")
    size = None
    if width is not None or height is not None:
        default = services.live_view.mosaic_size
        size = Size(width or default.width_px, height or default.height_px)
    group = request.query_params.get("group")
    if group is not None:           # a stored mosaic (CamTrace group), following its cycle: extension
        view = services.mosaics.view(user, group_id(group), jpeg_quality(_compr(request)), size)
        return _multipart(view)
    ids = _ids(request.query_params.get("ids", ""))
    view = services.live_view.mosaic_view(user, ids, jpeg_quality(_compr(request)), size)
    return _multipart(view)


@router.get("/r")
async def last_alarm(request: Request, services: ServicesDep, user: PushUser) -> StreamingResponse:
    camera_id = _ids(request.query_params.get("id", ""), name="id")
    if len(camera_id) != 1:
        raise BadRequest("'id' is one camera id", key="invalid_id_list", field="id")
    quality = jpeg_quality(_compr(request))
    feed = await run_in_threadpool(services.playback.last_alarm, user, camera_id[0])
    try:
        await feed.describe()                  # answer 404 now, not after the 200 headers
    except FeedUnavailable as exc:
        feed.close()
        raise NotFound(exc.reason, key="no_recording", id=camera_id[0]) from None
    return _multipart(services.live_view.feed_view(feed, quality, f"last alarm {camera_id[0]}"))


def _multipart(view: LiveView | FeedView | ProgramView) -> StreamingResponse:
    """The multipart answer of a view (any object with `quality` and an async `watching()`)."""
    return StreamingResponse(_parts(view), media_type=f"multipart/x-mixed-replace; boundary={BOUNDARY}",
                             headers=HEADERS)


async def _parts(view: LiveView | FeedView | ProgramView) -> AsyncIterator[bytes]:
    """One multipart part per frame until the view ends or the client leaves (cancellation)."""
    async with view.watching() as viewer:
        while (frame := await viewer.next()) is not None:
            part = frame.derived.get(("multipart", viewer.quality))
            if part is None:
                jpeg = await viewer.jpeg(frame)
                part = (f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n".encode()
                        + jpeg + b"\r\n")
                frame.derived[("multipart", viewer.quality)] = part
            yield part


def _compr(request: Request) -> int:
    raw = request.query_params.get("compr")
    if raw is None or raw == "":
        return DEFAULT_COMPR
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 99:
        raise BadRequest("'compr' must be an integer between 1 and 99", key="invalid_integer", field="compr")
    return int(raw)


def _ids(raw: str, name: str = "ids") -> list[int]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts or not all(p.isdigit() and len(p) <= 9 for p in parts):
        raise BadRequest(f"Invalid {name}: {raw!r} (expected camera ids separated by ,)", key="invalid_id_list",
                         field=name)
    return [int(p) for p in parts]


def _int_arg(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.strip().isdigit() or len(raw.strip()) > 6:
        raise BadRequest(f"'{name}' must be a positive integer (pixels)", key="invalid_integer", field=name)
    return int(raw)
