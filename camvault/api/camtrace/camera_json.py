"""Shapes a `CameraView` as the CamTrace camera object ("Camera attributes description")."""

from __future__ import annotations

from urllib.parse import urlsplit

from camvault.core.model import Camera, Stream, User
from camvault.core.rights import can_play_live, can_play_records, can_ptz
from camvault.services.cameras import CameraView

QUALITY_PREFIX = {3: "hd", 2: "md", 1: "ld"}


def camera_json(view: CameraView, user: User) -> dict:
    camera = view.camera
    body: dict = {"id": camera.id, "name": camera.name}
    for quality, prefix in QUALITY_PREFIX.items():
        body.update(_stream_fields(prefix, _best(camera, lambda s, q=quality: s.quality == q), view))
    alarm_stream = _best(camera, lambda s: "arecord" in s.roles)
    body.update(_stream_fields("al", alarm_stream, view))
    body.update(_stream_fields("rp", alarm_stream, view, path=f"/r?id={camera.id}"))
    body.update({
        "displayCode": None,
        "isIgnored": not camera.enabled,
        "isRecording": view.is_recording,
        "isRecordingAlarm": view.is_recording_alarm,
        "isRecordingForced": False,
        "isRemote": False,
        "isReplayEnabled": alarm_stream is not None,   # /r?id= replays its last alarm recording (MJPEG)
        "isUpsideDown": camera.upside_down,
        "model": camera.model,
        "playLiveAllowed": can_play_live(user, camera.id),
        "playRecordsAllowed": can_play_records(user, camera.id),
        "streams": [_stream_json(s, view) for s in camera.streams],
        "ptz": _ptz_json(view),
        "ptzAllowed": view.ptz.capable and can_ptz(user, camera.id),
        "refUrl": f"/api/v1.2/cameras/{camera.id}/ref.jpg" if view.has_reference else None,
        "status": status(view),
        "deviceInfo": _device_info(camera),
        "deviceId": None,
        "isIndexingRegul": any("index" in s.roles and "rrecord" in s.roles for s in camera.streams),
        "networkInfo": _network_info(camera),
    })
    return body


def _ptz_json(view: CameraView) -> dict:
    """Capabilities (all false without PTZ), presets and tours as [{id, name}]."""
    caps = view.ptz.capabilities
    return {"click": bool(caps and caps.click), "areazoom": bool(caps and caps.areazoom),
            "zoomback": bool(caps and caps.zoomback), "continuous": bool(caps and caps.continuous),
            "presets": [{"id": i, "name": n} for i, n in view.ptz.presets],
            "tours": [{"id": i, "name": n} for i, n in view.ptz.tours]}


def status(view: CameraView) -> int:
    """-2 ignored, -1 error (a pulled stream is not delivering), 2 all ok."""
    if not view.camera.enabled:
        return -2
    pulled = [s for s in view.camera.streams if not s.ignored and not s.on_demand]
    if any(view.states.get(s.stream_id) is None or not view.states[s.stream_id].connected for s in pulled):
        return -1
    return 2


def _best(camera: Camera, wanted) -> Stream | None:
    return next((s for s in camera.streams if not s.ignored and wanted(s)), None)


def _media(stream: Stream, view: CameraView) -> tuple[str | None, int | None, int | None]:
    state = view.states.get(stream.stream_id)
    if state is not None and state.width:
        return state.encoding, state.width, state.height
    return stream.encoding, stream.width, stream.height


def _stream_fields(prefix: str, stream: Stream | None, view: CameraView, path: str | None = None) -> dict:
    if stream is None:
        return {f"{prefix}Stream": None, f"{prefix}Id": None, f"{prefix}Encoding": None,
                f"{prefix}Width": None, f"{prefix}Height": None}
    encoding, width, height = _media(stream, view)
    return {f"{prefix}Stream": path or f"/live/view/{stream.key}", f"{prefix}Id": stream.stream_id,
            f"{prefix}Encoding": encoding, f"{prefix}Width": width, f"{prefix}Height": height}


def _stream_json(stream: Stream, view: CameraView) -> dict:
    encoding, width, height = _media(stream, view)
    state = view.states.get(stream.stream_id)
    return {"id": stream.stream_id, "name": stream.name or f"stream{stream.stream_id}", "encoding": encoding,
            "width": width, "height": height, "connected": bool(state and state.connected),
            "roles": list(stream.roles), "quality": stream.quality, "ignored": stream.ignored,
            "onDemand": stream.on_demand}


def _device_info(camera: Camera) -> dict:
    parts = urlsplit(camera.source)
    if parts.scheme in ("rtsp", "rtsps"):
        return {"host": parts.hostname, "port": parts.port or (322 if parts.scheme == "rtsps" else 554),
                "https": parts.scheme == "rtsps"}
    return {"host": None, "port": None, "https": False}


def _network_info(camera: Camera) -> dict:
    parts = urlsplit(camera.source)
    info = _device_info(camera)
    return {"host": info["host"], "port": info["port"], "protocol": parts.scheme}
