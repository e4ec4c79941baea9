"""Cameras: the list a user may see, their live state, and adding/changing/removing them at run
time. Cameras from the config file and from the API live in the same table; config cameras are
read-only through the API (the file is their source of truth and is re-applied at every start)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from camvault.config import CameraConfig
from camvault.core.alarms import CameraAlarmSettings
from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Conflict, Forbidden, NotFound
from camvault.core.model import ROLES, Camera, Stream, User
from camvault.core.rights import can_view, require_admin
from camvault.core.sensor_streams import is_stereo_source, stereo_default_streams
from camvault.services.alarms import alarm_settings_from_config
from camvault.services.ingest import IngestService
from camvault.services.ptz import NO_PTZ, PtzInfo
from camvault.store.store import Store
from camvault.video.ingest import StreamState
from camvault.video.sources import SourceError, open_source

log = logging.getLogger(__name__)

UUID_NAMESPACE = uuid.UUID("6f1c1d2e-8a34-4c55-9a0e-3b7d2c1e0f42")
STEREO_QUALITY = {"CAM_A": 3, "CAM_B": 2, "CAM_C": 2, "DEPTH_B_C": 1}


@dataclass(frozen=True)
class StreamSpec:
    id: int
    name: str = ""
    source: str | None = None
    roles: tuple[str, ...] = ()
    quality: int = 3
    on_demand: bool = False
    ignored: bool = False
    """Initially ignored (a stream keeps the `ignored` it already has when its camera is rebuilt)."""


@dataclass(frozen=True)
class CameraSpec:
    """What a client or the config file says a camera is (the id is assigned when absent)."""

    name: str
    source: str
    id: int | None = None
    model: str = ""
    serial_number: str | None = None
    enabled: bool = True
    transport: str = "tcp"
    upside_down: bool = False
    slice_max_s: int | None = None
    retention_days: float | None = None
    streams: tuple[StreamSpec, ...] = field(default_factory=tuple)
    alarm_settings: CameraAlarmSettings = field(default_factory=CameraAlarmSettings)
    lat_deg: float | None = None
    lon_deg: float | None = None

    @classmethod
    def from_config(cls, c: CameraConfig) -> "CameraSpec":
        streams = tuple(StreamSpec(s.id, s.name, s.source, tuple(s.roles), s.quality, s.on_demand)
                        for s in c.streams or [])
        return cls(name=c.name, source=c.source, id=c.id, model=c.model, serial_number=c.serial_number,
                   enabled=c.enabled, transport=c.transport, upside_down=c.upside_down,
                   slice_max_s=c.slice_max_s, retention_days=c.retention_days, streams=streams,
                   alarm_settings=alarm_settings_from_config(c),
                   lat_deg=c.position.lat_deg if c.position else None,
                   lon_deg=c.position.lon_deg if c.position else None)


@dataclass(frozen=True)
class CameraView:
    """A camera with the live state of its streams."""

    camera: Camera
    states: dict[int, StreamState | None]
    is_recording: bool
    has_reference: bool = False
    """A reference image (a kept keyframe) exists for the camera."""
    is_recording_alarm: bool = False
    """An alarm recording (`a` slices) is being written for the camera."""
    ptz: PtzInfo = NO_PTZ
    """The camera's PTZ capabilities, preset and tour names (from the PTZ service)."""


class CameraService:
    def __init__(self, store: Store, ingest: IngestService, clock: Clock, *,
                 alarm_recording: Callable[[int], bool] | None = None,
                 ptz_info: Callable[[Camera], PtzInfo] | None = None,
                 video_source_limit: Callable[[], int | None] | None = None) -> None:
        self._store = store
        self._video_source_limit = video_source_limit or (lambda: None)
        self._ingest = ingest
        self._clock = clock
        self._alarm_recording = alarm_recording or (lambda _camera_id: False)
        self._ptz_info = ptz_info or (lambda _camera: NO_PTZ)

    # --- start-up -------------------------------------------------------------------------------
    def sync_config(self, specs: list[CameraSpec], *, seed_only: bool) -> None:
        """Apply the config file's cameras. `seed_only` (the demo) inserts them only into an empty
        table, as ordinary API cameras an operator may then edit."""
        existing = {c.id: c for c in self._store.cameras.list()}
        if seed_only and existing:
            return
        for spec in specs:
            camera = self._build(spec, spec.id, origin="api" if seed_only else "config", previous=existing.get(spec.id))
            self._store.cameras.upsert(camera, self._clock.now_ms())
            self._store.alarm_settings.put(camera.id, spec.alarm_settings)

    def start_all(self) -> None:
        for camera in self._store.cameras.list():
            self._ingest.apply(camera)

    # --- queries --------------------------------------------------------------------------------
    def list_for(self, user: User) -> list[CameraView]:
        return [self._view(c) for c in self._store.cameras.list() if can_view(user, c.id)]

    def get_for(self, user: User, camera_id: int) -> CameraView:
        return self._view(self.camera_for(user, camera_id))

    def camera_for(self, user: User, camera_id: int) -> Camera:
        """The camera if it exists (NotFound) and the user may see it (Forbidden)."""
        camera = self._store.cameras.get(camera_id)
        if camera is None:
            raise NotFound(f"Camera {camera_id} not found", key="camera_not_found", id=camera_id)
        if not can_view(user, camera_id):
            raise Forbidden(f"You have no rights on camera {camera_id}", key="camera_forbidden", id=camera_id)
        return camera

    def names(self) -> dict[int, str]:
        return {c.id: c.name for c in self._store.cameras.list()}

    # --- changes (admin) ------------------------------------------------------------------------
    def create(self, user: User, spec: CameraSpec) -> CameraView:
        require_admin(user)
        camera_id = spec.id or self._store.cameras.next_id()
        if self._store.cameras.get(camera_id) is not None:
            raise Conflict(f"Camera {camera_id} already exists", key="camera_exists", id=camera_id)
        limit = self._video_source_limit()
        if limit is not None and len(self._store.cameras.list()) >= limit:
            raise Forbidden(f"The licence allows {limit} video sources", key="licence_limit", limit=limit)
        camera = self._build(spec, camera_id, origin="api", previous=None)
        self._store.cameras.upsert(camera, self._clock.now_ms())
        self._store.alarm_settings.put(camera.id, spec.alarm_settings)
        self._ingest.apply(camera)
        log.info("camera %s (%s) added by %s", camera.id, camera.name, user.name)
        return self._view(camera)

    def update(self, user: User, camera_id: int, spec: CameraSpec) -> CameraView:
        require_admin(user)
        previous = self._editable(camera_id)
        camera = self._build(spec, camera_id, origin="api", previous=previous)
        self._store.cameras.upsert(camera, self._clock.now_ms())
        self._store.alarm_settings.put(camera.id, spec.alarm_settings)
        self._ingest.apply(camera)
        log.info("camera %s changed by %s", camera_id, user.name)
        return self._view(camera)

    def patch(self, user: User, camera_id: int, *, name: str | None = None, enabled: bool | None = None) -> CameraView:
        """Change only the name and/or whether the camera is enabled; everything else (source,
        streams, alarm settings) stays as it is."""
        require_admin(user)
        previous = self._editable(camera_id)
        if name is not None and not name.strip():
            raise BadRequest("A camera needs a name", key="camera_name_required")
        camera = replace(previous, name=previous.name if name is None else name.strip(),
                         enabled=previous.enabled if enabled is None else enabled)
        self._store.cameras.upsert(camera, self._clock.now_ms())
        self._ingest.apply(camera)
        log.info("camera %s changed by %s", camera_id, user.name)
        return self._view(camera)

    def delete(self, user: User, camera_id: int) -> None:
        """Stop and forget the camera; its recorded slices stay until retention removes them."""
        require_admin(user)
        self._editable(camera_id)
        self._ingest.forget(camera_id)
        self._store.cameras.delete(camera_id)
        log.info("camera %s removed by %s", camera_id, user.name)

    def _editable(self, camera_id: int) -> Camera:
        camera = self._store.cameras.get(camera_id)
        if camera is None:
            raise NotFound(f"Camera {camera_id} not found", key="camera_not_found", id=camera_id)
        if camera.origin == "config":
            raise Conflict(f"Camera {camera_id} is defined in the config file; change it there",
                           key="camera_from_config", id=camera_id)
        return camera

    def _view(self, camera: Camera) -> CameraView:
        states = {s.stream_id: self._ingest.state(camera.id, s.stream_id) for s in camera.streams}
        return CameraView(camera, states, self._ingest.is_recording(camera.id),
                          has_reference=self._ingest.best_keyframe(camera) is not None,
                          is_recording_alarm=self._alarm_recording(camera.id), ptz=self._ptz_info(camera))

    def _build(self, spec: CameraSpec, camera_id: int, *, origin: str, previous: Camera | None) -> Camera:
        _validate(spec)
        streams = spec.streams or _default_streams(spec.source, previous)
        built = tuple(Stream(camera_id=camera_id, stream_id=s.id, source=s.source or spec.source, name=s.name,
                             roles=tuple(s.roles), quality=s.quality, on_demand=s.on_demand,
                             ignored=_kept_ignored(s, previous)) for s in streams)
        if previous is not None:
            cam_uuid, serial = previous.uuid, spec.serial_number or previous.serial_number
        else:
            cam_uuid = str(uuid.uuid5(UUID_NAMESPACE, f"camera-{camera_id}") if origin == "config" else uuid.uuid4())
            serial = spec.serial_number or f"CV{cam_uuid.replace('-', '')[:10].upper()}"
        return Camera(id=camera_id, name=spec.name.strip(), source=spec.source, uuid=cam_uuid, serial_number=serial,
                      model=spec.model, enabled=spec.enabled, origin=origin, transport=spec.transport,
                      upside_down=spec.upside_down, slice_max_s=spec.slice_max_s,
                      retention_days=spec.retention_days, streams=built, lat_deg=spec.lat_deg, lon_deg=spec.lon_deg)


def _default_streams(source: str, previous: Camera | None) -> tuple[StreamSpec, ...]:
    """One stream from the camera's source with every role; the synthetic stereo camera's four
    sensor streams (`core.sensor_streams`), keeping a size changed earlier."""
    if not is_stereo_source(source):
        return (StreamSpec(1, "", None, ROLES, 3),)
    before = {s.stream_id: s.source for s in previous.streams} if previous is not None else {}
    return tuple(StreamSpec(d.stream_id, d.name, d.source, d.roles, STEREO_QUALITY[d.name], ignored=d.ignored)
                 for d in stereo_default_streams(source, before))


def _kept_ignored(spec: StreamSpec, previous: Camera | None) -> bool:
    """A stream's `ignored` survives rebuilding its camera (a restart re-applying the config file)."""
    before = previous.stream(spec.id) if previous is not None else None
    return before.ignored if before is not None else spec.ignored


def _validate(spec: CameraSpec) -> None:
    if not spec.name or not spec.name.strip():
        raise BadRequest("A camera needs a name", key="camera_name_required")
    if spec.transport not in ("tcp", "udp"):
        raise BadRequest("transport must be 'tcp' or 'udp'", key="invalid_transport")
    if spec.slice_max_s is not None and not 1 <= spec.slice_max_s <= 86400:
        raise BadRequest("sliceMaxS must be between 1 and 86400", key="invalid_slice_max")
    if (spec.lat_deg is None) != (spec.lon_deg is None) or (
            spec.lat_deg is not None and not (-90 <= spec.lat_deg <= 90 and -180 <= spec.lon_deg <= 180)):
        raise BadRequest("a position needs lat_deg in -90..90 and lon_deg in -180..180", key="invalid_position")
    ids = [s.id for s in spec.streams]
    if len(set(ids)) != len(ids) or any(i < 1 for i in ids):
        raise BadRequest("stream ids must be unique positive integers", key="invalid_stream_ids")
    for s in spec.streams:
        if not 1 <= s.quality <= 3:
            raise BadRequest(f"stream {s.id}: quality must be 1, 2 or 3", key="invalid_quality")
        unknown = sorted(set(s.roles) - set(ROLES))
        if unknown:
            raise BadRequest(f"stream {s.id}: unknown role(s) {', '.join(unknown)}", key="invalid_role")
    for url in {spec.source, *(s.source for s in spec.streams if s.source)}:
        try:
            open_source(url, transport=spec.transport)
        except SourceError as exc:
            raise BadRequest(f"Invalid source: {exc}", key="invalid_source") from None


__all__ = ["CameraService", "CameraSpec", "StreamSpec", "CameraView"]
