"""Multi-sensor cameras, for any dialect (the OAK streams model): every camera is a device (its
`mxid` from its serial number) whose streams are sensors (`core.sensor_streams`); a sensor is
active while its stream is not `ignored`. Activating, deactivating and reconfiguring restart only
the streams concerned; a depth stream and its two sensors are never active together. Controls are
kept and applied by `SensorControls`; a still is the stream's next keyframe after the request.

Rights: seeing a device, its streams, configurations and controls needs the camera's view right;
a still needs the live right; changing controls needs the PTZ right; activating, deactivating and
reconfiguring need the Admin profile.

Thread-safe: changes of stream state are serialised by a lock; the rest reads the store's
immutable cameras. Times are epoch ms UTC.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from camvault.core.clock import Clock
from camvault.core.errors import Forbidden, NotFound, Unprocessable
from camvault.core.model import Camera, Stream, User
from camvault.core.rights import can_play_live, can_ptz, can_view, require_admin
from camvault.core.sensor_streams import (
    ConfigRequest,
    SensorStream,
    StreamConfig,
    is_synthetic,
    requested_size,
    sensor_streams,
    stream_config,
    synthetic_size,
    with_size,
)
from camvault.core.sensors import ControlsView, SensorControl, SensorKind, excluded_by, mxid_for
from camvault.services.ingest import IngestService
from camvault.services.sensor_controls import ControlResult, SensorControls
from camvault.store.store import Store
from camvault.video.sources import SourceError, open_source
from camvault.video.still_formats import encode_still, still_format
from camvault.video.stills import Keyframe, decode_keyframe

log = logging.getLogger(__name__)

STILL_WAIT_MAX_S = 3.0
STILL_POLL_S = 0.02


@dataclass(frozen=True)
class Device:
    """A camera seen as a device: its mxid and whether an active stream delivers video now."""

    mxid: str
    camera: Camera
    delivering: bool
    stereo: bool
    """The camera is (made of streams of) the synthetic stereo rig."""


@dataclass(frozen=True)
class SensorState:
    sensor: SensorStream
    active: bool


class SensorService:
    def __init__(self, store: Store, ingest: IngestService, controls: SensorControls, clock: Clock, *,
                 anonymous_user: Callable[[], User | None] = lambda: None) -> None:
        self._store = store
        self._ingest = ingest
        self._controls = controls
        self._clock = clock
        self._anonymous_user = anonymous_user
        self._changing = threading.Lock()

    def anonymous_user(self) -> User | None:
        """The user whose rights apply to a request without credentials (`oak.anonymous_user`), or
        None: credentials are required."""
        return self._anonymous_user()

    # --- devices and streams --------------------------------------------------------------------
    def devices(self, user: User) -> list[Device]:
        return [self._device(c) for c in self._store.cameras.list() if can_view(user, c.id)]

    def device(self, user: User, mxid: str) -> Device:
        return self._device(self._camera(user, mxid))

    def streams(self, user: User, mxid: str) -> list[SensorState]:
        camera = self._camera(user, mxid)
        return [SensorState(s, not camera.stream(s.stream_id).ignored) for s in sensor_streams(camera.streams)]

    def set_active(self, user: User, mxid: str, name: str, active: bool) -> None:
        """Activate the stream (deactivating the streams it excludes) or deactivate it."""
        with self._changing:
            camera = self._camera(user, mxid)
            require_admin(user)
            sensors = {s.name: s for s in sensor_streams(camera.streams)}
            sensor = _sensor(sensors, name, mxid)
            changes = {sensor.stream_id: not active}
            if active:
                changes.update({sensors[other].stream_id: True for other in excluded_by(name, set(sensors))})
            self._set_ignored(camera, changes, user)

    # --- configuration --------------------------------------------------------------------------
    def config(self, user: User, mxid: str, name: str) -> StreamConfig:
        camera = self._camera(user, mxid)
        return self._config(camera, self._sensor(camera, name, mxid))

    def set_config(self, user: User, mxid: str, name: str, request: ConfigRequest) -> StreamConfig:
        """Change a synthetic stream's size and frame rate (that stream restarts); other sources
        take only their current configuration. Unprocessable when the request does not fit."""
        with self._changing:
            camera = self._camera(user, mxid)
            require_admin(user)
            sensor = self._sensor(camera, name, mxid)
            stream = camera.stream(sensor.stream_id)
            current = self._config(camera, sensor)
            if not is_synthetic(stream.source):
                return _unchanged(current, request, stream)
            try:
                width, height, fps = requested_size(current, request)
                source = with_size(stream.source, width, height, fps)
                open_source(source)                          # the source's own checks
            except (ValueError, SourceError) as exc:
                raise Unprocessable(f"{name}: {exc}", key="config_refused", loc=("body",)) from None
            if source != stream.source:
                self._store.cameras.set_stream_source(camera.id, stream.stream_id, source)
                camera = self._store.cameras.get(camera.id)
                self._ingest.apply_stream(camera, stream.stream_id)
                log.info("camera %s %s: now %dx%d at %d fps (by %s)", camera.id, name, width, height, fps, user.name)
            return self._config(camera, sensor)

    # --- controls -------------------------------------------------------------------------------
    def control(self, user: User, mxid: str, name: str) -> SensorControl:
        camera = self._camera(user, mxid)
        return self._controls.view(camera, self._sensor(camera, name, mxid)).control()

    def set_control(self, user: User, mxid: str, name: str, changes: dict[str, Any]) -> ControlResult:
        camera = self._camera(user, mxid)
        if not can_ptz(user, camera.id):
            raise Forbidden(f"You may not change the controls of camera {camera.id}", key="controls_forbidden")
        try:
            return self._controls.update(camera, self._sensor(camera, name, mxid), changes)
        except ValueError as exc:
            raise Unprocessable(str(exc), key="control_refused", loc=("body",)) from None

    def controls_for(self, camera: Camera, stream: Stream) -> ControlsView | None:
        """The controls a stream's source applies (set as ingest's lookup at assembly)."""
        sensor = next((s for s in sensor_streams(camera.streams) if s.stream_id == stream.stream_id), None)
        return None if sensor is None else self._controls.view(camera, sensor)

    # --- stills ---------------------------------------------------------------------------------
    def still(self, user: User, mxid: str, name: str, fmt: str | None) -> tuple[bytes, str]:
        """(bytes, MIME type) of the stream's next keyframe after the request (at most
        `STILL_WAIT_MAX_S` or two GOPs later, else its latest) in the image format `fmt`."""
        canonical = still_format(fmt or "jpeg")
        if canonical is None:
            raise Unprocessable(f"unsupported image format {fmt!r} (use jpeg, png, webp, bmp, tiff or gif)",
                                key="still_format", loc=("query", "format"))
        camera = self._camera(user, mxid)
        if not can_play_live(user, camera.id):
            raise Forbidden(f"You may not watch camera {camera.id} live", key="live_forbidden")
        sensor = self._sensor(camera, name, mxid)
        stream = camera.stream(sensor.stream_id)
        if stream.ignored:
            raise NotFound(f"Stream {name} is not active", key="stream_inactive")
        keyframe = self._next_keyframe(camera, stream)
        if keyframe is None:
            raise NotFound(f"Stream {name} has no picture (it is not delivering video)", key="no_picture")
        try:
            picture = decode_keyframe(keyframe)
        except ValueError as exc:
            log.error("camera %s %s: keyframe does not decode: %s", camera.id, name, exc)
            raise NotFound(f"Stream {name} has no readable picture", key="no_picture") from None
        return encode_still(picture, canonical, grey=sensor.kind is not SensorKind.COLOR)

    def close(self) -> None:
        """Drop device connections (the node is stopping)."""
        self._controls.close()

    # --- internals ------------------------------------------------------------------------------
    def _camera(self, user: User, mxid: str) -> Camera:
        camera = next((c for c in self._store.cameras.list() if mxid_for(c.serial_number) == mxid), None)
        if camera is None:
            raise NotFound(f"Camera {mxid} not found", key="camera_not_found")
        if not can_view(user, camera.id):
            raise Forbidden(f"You have no rights on camera {mxid}", key="camera_forbidden")
        return camera

    def _sensor(self, camera: Camera, name: str, mxid: str) -> SensorStream:
        return _sensor({s.name: s for s in sensor_streams(camera.streams)}, name, mxid)

    def _device(self, camera: Camera) -> Device:
        delivering = camera.enabled and any(
            (state := self._ingest.state(camera.id, s.stream_id)) is not None and state.connected
            for s in camera.streams if not s.ignored)
        stereo = any(s.on_rig for s in sensor_streams(camera.streams))
        return Device(mxid_for(camera.serial_number), camera, delivering, stereo)

    def _config(self, camera: Camera, sensor: SensorStream) -> StreamConfig:
        stream = camera.stream(sensor.stream_id)
        size = synthetic_size(stream.source)
        if size is not None:
            return stream_config(sensor, *size)
        state = self._ingest.state(camera.id, stream.stream_id)
        width = (state.width if state and state.width else stream.width) or 0
        height = (state.height if state and state.height else stream.height) or 0
        return stream_config(sensor, width, height, float(state.fps) if state and state.fps else 0.0)

    def _set_ignored(self, camera: Camera, changes: dict[int, bool], user: User) -> None:
        changes = {sid: v for sid, v in changes.items() if camera.stream(sid).ignored != v}
        if not changes:
            return
        self._store.cameras.set_streams_ignored(camera.id, changes)
        updated = self._store.cameras.get(camera.id)
        for stream_id in sorted(changes, key=lambda sid: not changes[sid]):    # stop before starting
            self._ingest.apply_stream(updated, stream_id)
        names = {s.stream_id: s.name for s in sensor_streams(updated.streams)}
        log.info("camera %s: %s by %s", camera.id, ", ".join(
            f"{names.get(sid, sid)} {'deactivated' if ignored else 'activated'}" for sid, ignored in changes.items()),
            user.name)

    def _next_keyframe(self, camera: Camera, stream: Stream) -> Keyframe | None:
        """The first keyframe rendered after now (its wall time never runs ahead of the picture),
        waiting while the stream delivers; else the latest one."""
        before = self._ingest.latest_keyframe(camera.id, stream.stream_id)
        state = self._ingest.state(camera.id, stream.stream_id)
        if state is None or not state.connected:
            return before
        asked_ms = self._clock.now_ms()
        deadline = time.monotonic() + _wait_s(stream.source)
        while time.monotonic() < deadline:
            latest = self._ingest.latest_keyframe(camera.id, stream.stream_id)
            if latest is not None and latest is not before and latest.wall_ms >= asked_ms:
                return latest
            time.sleep(STILL_POLL_S)
        return self._ingest.latest_keyframe(camera.id, stream.stream_id)


def _sensor(sensors: dict[str, SensorStream], name: str, mxid: str) -> SensorStream:
    sensor = sensors.get(name)
    if sensor is None:
        raise NotFound(f"Camera {mxid} has no stream {name}", key="stream_not_found")
    return sensor


def _unchanged(current: StreamConfig, request: ConfigRequest, stream: Stream) -> StreamConfig:
    """A camera that is not synthetic keeps its size and frame rate: only its current configuration
    is taken."""
    same = (request.shape is current.shape and request.fps == current.fps
            and (request.resolution == current.resolution if request.resolution else
                 request.size == (current.width, current.height)))
    if not same:
        scheme = urlsplit(stream.source).scheme
        raise Unprocessable(f"the size and frame rate of a {scheme}:// camera are set on the camera itself",
                            key="config_fixed", loc=("body",))
    return current


def _wait_s(source: str) -> float:
    """How long a still waits for a new keyframe: two GOPs (one second each when unknown), at most
    `STILL_WAIT_MAX_S`."""
    gop_s = 1.0
    if is_synthetic(source):
        query = {k: v[-1] for k, v in parse_qs(urlsplit(source).query).items()}
        size = synthetic_size(source)
        if size and query.get("gop", "").isdigit() and int(query["gop"]) > 0:
            gop_s = int(query["gop"]) / size[2]
    return min(STILL_WAIT_MAX_S, 2 * gop_s + 0.2)
