"""Alarms: motion detection and alarm recording wired into ingest, external trigger/untrigger,
the rights-filtered list, and alarm pictures.

Per camera: a `MotionSink` on its detect stream (when motion is enabled) raises and ends MOTION
alarms; an `AlarmRecorderSink` on its `arecord` stream keeps the pre-alarm buffer and records `a`
slices while any alarm of the camera is active, then `post_alarm_s` more. Triggered alarms end on
untrigger or after `max_s` (`AlarmExpiryWorker`). Each alarm gets a JPEG picture of its moment
(the detector's decoded picture, or the latest keyframe of a stream delivering now), written
before its row (DESIGN rule 1).

Threads: sinks call in on ingest threads, triggers on HTTP threads; the per-camera state is guarded
by one lock (taken before a sink's own lock, never after). Times are epoch ms UTC.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PIL import Image

from camvault.config import CameraConfig
from camvault.core.alarms import (
    MOTION,
    MOTION_LABEL,
    TRIGGER,
    TRIGGER_LABEL,
    ActiveAlarm,
    ActiveAlarms,
    Alarm,
    AlarmFilter,
    CameraAlarmSettings,
    alarm_stream,
    describe,
    detect_stream,
    record_time_ms,
)
from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Forbidden, NotFound
from camvault.core.model import Camera, Slice, Stream, User
from camvault.core.motion import MotionSettings, MotionZone
from camvault.core.rights import can_view
from camvault.services.events import ALARM_ENDED, ALARM_STARTED, Event, EventBus
from camvault.services.ingest import IngestService
from camvault.store.store import Store
from camvault.video.alarm_recorder import AlarmRecorderSink
from camvault.video.motion import MotionSink
from camvault.video.stills import decode_keyframe, to_jpeg

log = logging.getLogger(__name__)

MAX_LABEL_CHARS = 64
MAX_SIDE_PX = 4096


@dataclass(frozen=True)
class AlarmPolicy:
    """Node-wide alarm settings (from `recording.*` in the config)."""

    pre_alarm_s: float = 5.0
    post_alarm_s: float = 5.0
    max_s: float = 300.0
    buffer_max_bytes: int = 64 * 1024 * 1024
    slice_max_s: int = 600
    timezone: str = "UTC"


@dataclass(frozen=True)
class AlarmPage:
    items: list[Alarm]
    has_more: bool


class _CameraAlarms:
    """What is kept in memory for one camera."""

    def __init__(self) -> None:
        self.active = ActiveAlarms()
        self.recorder: AlarmRecorderSink | None = None
        self.pre_alarm_ms = 0
        self.motion_alarm_id: int | None = None


class AlarmService:
    def __init__(self, store: Store, ingest: IngestService, clock: Clock, policy: AlarmPolicy, *,
                 on_slice: Callable[[Slice], object], events: EventBus | None = None) -> None:
        self._store = store
        self._events = events
        self._ingest = ingest
        self._clock = clock
        self._policy = policy
        self._on_slice = on_slice
        self._tz = _zone(policy.timezone)
        self._cameras: dict[int, _CameraAlarms] = {}
        self._lock = threading.Lock()
        self._is_paused: Callable[[int], bool] = lambda _camera_id: False

    def set_pause_lookup(self, is_paused: Callable[[int], bool]) -> None:
        """Whether a camera is paused (Fleet): no alarm of any source is raised for a paused camera.
        Set at assembly."""
        self._is_paused = is_paused

    # --- ingest sinks ---------------------------------------------------------------------------
    def sinks_for(self, camera: Camera, stream: Stream) -> list:
        """The alarm sinks of one stream being started (an `IngestService` sink factory)."""
        settings = self._store.alarm_settings.get(camera.id)
        sinks: list = []
        if _same(stream, alarm_stream(camera)):
            pre_s = settings.pre_alarm_s if settings.pre_alarm_s is not None else self._policy.pre_alarm_s
            sinks.append(self._recorder_for(camera, stream, round(pre_s * 1000)))
        if settings.motion.enabled and _same(stream, detect_stream(camera)):
            sinks.append(MotionSink(camera.id, stream.stream_id, settings.motion,
                                    max_motion_ms=round(self._policy.max_s * 1000),
                                    on_motion=lambda started, at_ms, picture, cam=camera.id:
                                    self._on_motion(cam, started, at_ms, picture)))
        return sinks

    def _recorder_for(self, camera: Camera, stream: Stream, pre_alarm_ms: int) -> AlarmRecorderSink:
        sink = AlarmRecorderSink(camera.id, stream.stream_id, self._store.media, pre_alarm_ms=pre_alarm_ms,
                                 buffer_max_bytes=self._policy.buffer_max_bytes,
                                 slice_max_s=camera.slice_max_s or self._policy.slice_max_s,
                                 on_slice=self._on_slice,
                                 on_started=lambda start_ms, cam=camera.id: self._recording_started(cam, start_ms))
        with self._lock:
            state = self._state(camera.id)
            state.recorder, state.pre_alarm_ms = sink, pre_alarm_ms
            if state.active:
                sink.hold()
        return sink

    # --- external triggers ----------------------------------------------------------------------
    def trigger(self, user: User, camera_ids: list[int], alarm_type: str | None, *,
                duration_s: float | None = None) -> list[Alarm]:
        """Raise an alarm on each camera (all checked first: NotFound/Forbidden). It ends on
        untrigger or after `duration_s` (default: the policy's `max_s`); a scenario's forced
        recording is such an alarm with its own duration."""
        label = _label(alarm_type)
        cameras = [c for c in self._cameras_for(user, camera_ids) if not self._is_paused(c.id)]
        now_ms = self._clock.now_ms()
        deadline_ms = now_ms + round((self._policy.max_s if duration_s is None else duration_s) * 1000)
        return [self._raise(c.id, TRIGGER, label, now_ms, self._live_picture(c), deadline_ms) for c in cameras]

    def untrigger(self, user: User, camera_ids: list[int]) -> int:
        """End the triggered alarms of each camera; returns how many ended."""
        cameras = self._cameras_for(user, camera_ids)
        now_ms = self._clock.now_ms()
        ended = 0
        with self._lock:
            for camera in cameras:
                state = self._state(camera.id)
                ids = [a.alarm.id for a in state.active.of_kind(TRIGGER)]
                self._end_locked(camera.id, state, ids, now_ms)
                ended += len(ids)
        return ended

    # --- queries --------------------------------------------------------------------------------
    def list_for(self, user: User, where: AlarmFilter, *, limit: int, offset: int) -> AlarmPage:
        """One page (newest first) of the alarms of cameras the user may view; naming a camera the
        user may not view is Forbidden, an unknown one NotFound."""
        if where.from_ms is not None and where.to_ms is not None and where.from_ms > where.to_ms:
            raise BadRequest("'from' must not be after 'to'", key="invalid_range")
        visible = self._visible(user, where.camera_ids)
        where = dataclasses.replace(where, camera_ids=visible)
        found = self._store.alarms.list(where, limit=limit + 1, offset=offset)
        return AlarmPage(found[:limit], has_more=len(found) > limit)

    def picture(self, alarm_id: int, *, width: int | None = None, height: int | None = None) -> bytes:
        """The alarm's JPEG, fitted into width x height when given (no rights: thumbnails are public)."""
        for side in (width, height):
            if side is not None and not 1 <= side <= MAX_SIDE_PX:
                raise BadRequest(f"w and h must be between 1 and {MAX_SIDE_PX}", key="invalid_size")
        alarm = self._store.alarms.get(alarm_id)
        if alarm is None or alarm.snapshot is None:
            raise NotFound(f"Alarm {alarm_id} has no picture" if alarm else f"Alarm {alarm_id} not found",
                           key="alarm_not_found", id=alarm_id)
        try:
            data = self._store.media.read_file(alarm.snapshot)
        except OSError as exc:
            log.error("alarm %s: picture %s unreadable: %s", alarm_id, alarm.snapshot, exc)
            raise NotFound(f"Alarm {alarm_id} has no picture", key="alarm_not_found", id=alarm_id) from None
        if width is None and height is None:
            return data
        return to_jpeg(Image.open(io.BytesIO(data)), width=width, height=height)

    def has_active_alarm(self, camera_id: int) -> bool:
        with self._lock:
            state = self._cameras.get(camera_id)
            return bool(state and state.active)

    def is_recording_alarm(self, camera_id: int) -> bool:
        state = self._cameras.get(camera_id)
        return bool(state and state.recorder and state.recorder.is_recording)

    # --- lifecycle ------------------------------------------------------------------------------
    def expire_due(self) -> int:
        """End triggered alarms past their maximum duration; returns how many."""
        now_ms = self._clock.now_ms()
        ended = 0
        with self._lock:
            for camera_id, state in self._cameras.items():
                due = [a.alarm.id for a in state.active.due(now_ms)]
                if due:
                    log.info("camera %s: %d alarm(s) ended at their deadline without untrigger", camera_id,
                             len(due))
                    self._end_locked(camera_id, state, due, now_ms)
                    ended += len(due)
        return ended

    def close_all(self) -> None:
        """End every active alarm (the node stops)."""
        now_ms = self._clock.now_ms()
        with self._lock:
            for camera_id, state in self._cameras.items():
                self._end_locked(camera_id, state, [a.alarm.id for a in state.active.all()], now_ms)

    # --- raising and ending ---------------------------------------------------------------------
    def _raise(self, camera_id: int, kind: str, label: str, time_ms: int, picture: Image.Image | None,
               deadline_ms: int | None) -> Alarm:
        snapshot = self._save_picture(camera_id, time_ms, picture)
        with self._lock:
            state = self._state(camera_id)
            run_start_ms, joined = state.recorder.hold() if state.recorder else (None, False)
            record_ms = record_time_ms(run_start_ms, joined=joined, time_ms=time_ms, pre_alarm_ms=state.pre_alarm_ms)
            alarm = self._store.alarms.insert(Alarm(0, camera_id, time_ms, kind,
                                                    describe(label, time_ms, record_ms, self._tz),
                                                    record_ms=record_ms, snapshot=snapshot))
            state.active.add(ActiveAlarm(alarm, label, deadline_ms))
            if kind == MOTION:
                state.motion_alarm_id = alarm.id
        log.info("camera %s: alarm %s raised: %s", camera_id, alarm.id, alarm.description)
        self._publish(ALARM_STARTED, camera_id, alarm, time_ms)
        return alarm

    def _end_locked(self, camera_id: int, state: _CameraAlarms, alarm_ids: list[int], at_ms: int) -> None:
        ended = [a for a in (state.active.pop(i) for i in alarm_ids) if a is not None]
        if not ended:
            return
        if state.motion_alarm_id in alarm_ids:
            state.motion_alarm_id = None
        self._store.alarms.set_end([a.alarm.id for a in ended], at_ms)
        if not state.active and state.recorder is not None:
            state.recorder.release(at_ms + round(self._policy.post_alarm_s * 1000))
        log.info("camera %s: alarm(s) %s ended", camera_id, ", ".join(str(a.alarm.id) for a in ended))
        for a in ended:
            self._publish(ALARM_ENDED, camera_id, a.alarm, at_ms)

    def _publish(self, kind: str, camera_id: int, alarm: Alarm, at_ms: int) -> None:
        """Tell the event bus (queued: its handlers never run under this service's lock)."""
        if self._events is not None:
            self._events.publish(Event(kind, at_ms, (camera_id,), alarm.kind,
                                       {"alarmId": alarm.id, "description": alarm.description}))

    def _on_motion(self, camera_id: int, started: bool, at_ms: int, picture: Image.Image | None) -> None:
        """Motion start/end from a detect stream's sink (its ingest thread)."""
        if started:
            if self._is_paused(camera_id):
                return
            self._raise(camera_id, MOTION, MOTION_LABEL, at_ms, picture, None)
            return
        with self._lock:
            state = self._state(camera_id)
            if state.motion_alarm_id is not None:
                self._end_locked(camera_id, state, [state.motion_alarm_id], at_ms)

    def _recording_started(self, camera_id: int, start_ms: int) -> None:
        """An alarm recording started: give its start to the active alarms that had none yet."""
        with self._lock:
            for active in self._state(camera_id).active.without_record():
                alarm = active.alarm
                description = describe(active.label, alarm.time_ms, start_ms, self._tz)
                self._store.alarms.set_record(alarm.id, start_ms, description)
                active.alarm = Alarm(**{**alarm.__dict__, "record_ms": start_ms, "description": description})

    # --- helpers --------------------------------------------------------------------------------
    def _state(self, camera_id: int) -> _CameraAlarms:
        return self._cameras.setdefault(camera_id, _CameraAlarms())

    def _cameras_for(self, user: User, camera_ids: list[int]) -> list[Camera]:
        if not camera_ids:
            raise BadRequest("cameraId is mandatory (camera ids separated by ,)", key="camera_id_required")
        cameras = []
        for camera_id in dict.fromkeys(camera_ids):
            camera = self._store.cameras.get(camera_id)
            if camera is None:
                raise NotFound(f"Camera {camera_id} not found", key="camera_not_found", id=camera_id)
            if not can_view(user, camera_id):
                raise Forbidden(f"You have no rights on camera {camera_id}", key="camera_forbidden", id=camera_id)
            cameras.append(camera)
        return cameras

    def _visible(self, user: User, camera_ids: list[int] | None) -> list[int] | None:
        if camera_ids is not None:
            return [c.id for c in self._cameras_for(user, camera_ids)]
        if user.is_admin:
            return None
        return [c.id for c in self._store.cameras.list() if can_view(user, c.id)]

    def _live_picture(self, camera: Camera) -> Image.Image | None:
        keyframe = self._ingest.best_keyframe(camera, live_only=True)
        if keyframe is None:
            return None
        try:
            return decode_keyframe(keyframe)
        except ValueError as exc:
            log.error("camera %s: alarm picture: %s", camera.id, exc)
            return None

    def _save_picture(self, camera_id: int, time_ms: int, picture: Image.Image | None) -> str | None:
        if picture is None:
            return None
        day = datetime.fromtimestamp(time_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d")
        relpath = f"alarms/{camera_id}/{day}/{camera_id}-{time_ms}-{secrets.token_hex(4)}.jpg"
        try:
            self._store.media.write_file(relpath, to_jpeg(picture))
        except OSError as exc:
            log.error("camera %s: alarm picture not written: %s", camera_id, exc)
            return None
        return relpath


class AlarmExpiryWorker:
    """Ends triggered alarms past their maximum duration, every `interval_s`."""

    def __init__(self, alarms: AlarmService, interval_s: float = 1.0) -> None:
        self._alarms = alarms
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="alarm-expiry", daemon=True)
        self._thread.start()

    def run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self._alarms.expire_due()
            except Exception:
                log.exception("ending expired alarms failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)


def alarm_settings_from_config(c: CameraConfig) -> CameraAlarmSettings:
    """A config camera's `motion` and `pre_alarm_s` as domain settings."""
    m = c.motion
    zones = tuple(MotionZone(z.x, z.y, z.width, z.height) for z in m.zones)
    motion = MotionSettings(enabled=m.enabled, sensitivity=m.sensitivity, min_area=m.min_area, zones=zones,
                            release_s=m.release_s)
    return CameraAlarmSettings(motion=motion, pre_alarm_s=c.pre_alarm_s)


def _same(stream: Stream, chosen: Stream | None) -> bool:
    return chosen is not None and chosen.stream_id == stream.stream_id


def _label(alarm_type: str | None) -> str:
    label = (alarm_type or "").strip()
    if len(label) > MAX_LABEL_CHARS or not label.isprintable():
        raise BadRequest(f"type must be at most {MAX_LABEL_CHARS} printable characters", key="invalid_alarm_type")
    return label or TRIGGER_LABEL


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.error("unknown time zone %r for alarm descriptions; using UTC", name)
        return timezone.utc
