"""camvault extension: recorded video over HTTP as fragmented MP4, remuxed on the fly from the
slices: `GET /api/v1.2/playback/<X.Y>.mp4?from=<time>&to=<time>` (times ISO-8601 or epoch ms).

The answer (`video/mp4`, chunked, one fragment per GOP as it is produced) starts on the keyframe
at or before `from`; its headers give the wall clock of media time 0 (`X-Start-Time`, ISO, and
`X-Start-Ms`), where it ends (`X-End-Time`/`X-End-Ms`: `to`, or the start of a gap in the
recording, where the answer is cut) and, after such a gap, where recording resumes before `to`
(`X-Next-Start-Time`/`X-Next-Start-Ms`). Needs the records right on the camera; auth as any
CamTrace request. Reference: docs/ref/camtrace.md "camvault extensions: playback and timeline".
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest, NotFound
from camvault.core.timefmt import format_iso_ms, parse_iso_ms
from camvault.services.playback_http import RecordedMp4

router = APIRouter()

STREAM_KEY = re.compile(r"^(\d{1,9})\.(\d{1,9})$")
EXPOSED = "X-Start-Time, X-Start-Ms, X-End-Time, X-End-Ms, X-Next-Start-Time, X-Next-Start-Ms"


def time_arg(request: Request, name: str) -> int:
    """A required time argument: epoch ms (digits) or ISO-8601 (UTC when no zone is given)."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        raise BadRequest(f"The '{name}' argument is required", key="missing_argument", field=name)
    if raw.isdigit() and len(raw) <= 15:
        return int(raw)
    try:
        return parse_iso_ms(raw, field=name)
    except BadRequest:
        raise BadRequest(f"Invalid time for '{name}': {raw!r} (expected ISO-8601 or epoch milliseconds)",
                         key="invalid_time", field=name, value=raw) from None


@router.get("/playback/{stream_key}.mp4")
def recorded_mp4(stream_key: str, request: Request, services: ServicesDep, user: CamtraceUser) -> StreamingResponse:
    match = STREAM_KEY.match(stream_key)
    if match is None:
        raise NotFound(f"Stream {stream_key} not found", key="stream_not_found")
    answer = services.recorded_mp4.open(user, int(match[1]), int(match[2]), time_arg(request, "from"),
                                        time_arg(request, "to"))
    return StreamingResponse(_chunks(answer), media_type="video/mp4", headers=_headers(answer))


def _headers(answer: RecordedMp4) -> dict[str, str]:
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no", "Access-Control-Expose-Headers": EXPOSED,
               "X-Start-Time": format_iso_ms(answer.start_ms), "X-Start-Ms": str(answer.start_ms),
               "X-End-Time": format_iso_ms(answer.end_ms), "X-End-Ms": str(answer.end_ms)}
    if answer.next_start_ms is not None:
        headers["X-Next-Start-Time"] = format_iso_ms(answer.next_start_ms)
        headers["X-Next-Start-Ms"] = str(answer.next_start_ms)
    return headers


async def _chunks(answer: RecordedMp4) -> AsyncIterator[bytes]:
    """Fragments as the remux makes them (in worker threads); a client that leaves cancels this
    generator, which closes the slice files (at once, or when the read in progress returns)."""
    try:
        while (chunk := await run_in_threadpool(answer.remux.next_chunk)) is not None:
            yield chunk
    finally:
        answer.remux.close()
