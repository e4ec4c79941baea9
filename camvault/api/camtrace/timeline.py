"""camvault extension: the timeline of cameras over a window, for zoomable views (minutes to
weeks): `GET /api/v1.2/timeline?cameraId=1,2&from=<time>&to=<time>&minGapMs=&maxAlarms=` (times
ISO-8601 or epoch ms; no `cameraId`: every camera the user may see).

Answer: `{"timeline": {from, to, fromMs, toMs, minGapMs, alarmsTruncated, cameras: [{cameraId,
canPlay, playbackStream, recordedMs: {r: [[startMs, stopMs], ...], a: [...]}, protectedMs: {...},
alarms: [{id, timeMs, type, count}]}]}}`. Reference: docs/ref/camtrace.md "camvault extensions:
playback and timeline".
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.playback_http import time_arg
from camvault.api.camtrace.query import id_list
from camvault.api.camtrace.responses import json_answer
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest
from camvault.core.timefmt import format_iso_ms
from camvault.core.timeline import MAX_ALARMS_DEFAULT, MIN_GAP_DEFAULT_MS, CameraTimeline, Timeline, TimelineQuery

router = APIRouter()


@router.get("/timeline")
def camera_timeline(request: Request, services: ServicesDep, user: CamtraceUser) -> Response:
    query = TimelineQuery(camera_ids=id_list(request, "cameraId", "cameraIds"),
                          from_ms=time_arg(request, "from"), to_ms=time_arg(request, "to"),
                          min_gap_ms=_int_arg(request, "minGapMs", MIN_GAP_DEFAULT_MS),
                          max_alarms=_int_arg(request, "maxAlarms", MAX_ALARMS_DEFAULT))
    return json_answer({"timeline": timeline_json(services.timeline.timeline(user, query))})


def timeline_json(timeline: Timeline) -> dict:
    q = timeline.query
    return {"from": format_iso_ms(q.from_ms), "to": format_iso_ms(q.to_ms), "fromMs": q.from_ms, "toMs": q.to_ms,
            "minGapMs": q.min_gap_ms, "alarmsTruncated": timeline.alarms_truncated,
            "cameras": [_camera_json(c) for c in timeline.cameras]}


def _camera_json(camera: CameraTimeline) -> dict:
    stream = f"{camera.camera_id}.{camera.play_stream_id}" if camera.play_stream_id is not None else None
    return {"cameraId": camera.camera_id, "canPlay": camera.can_play, "playbackStream": stream,
            "recordedMs": camera.recorded, "protectedMs": camera.protected,
            "alarms": [{"id": a.id, "timeMs": a.time_ms, "type": a.kind, "count": a.count} for a in camera.alarms]}


def _int_arg(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 12:
        raise BadRequest(f"'{name}' must be a non-negative integer", key="invalid_integer", field=name)
    return int(raw)
