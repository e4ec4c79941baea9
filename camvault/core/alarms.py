"""Alarms, pure: the alarm record, a camera's alarm settings, the CamTrace-style description, when
an alarm's recording starts (`recordTime`), which alarms of a camera are active, and which of its
streams motion is detected on and alarms are recorded from.

Times are epoch ms UTC; the description shows the recording start in the server's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from camvault.core.model import Camera, Stream
from camvault.core.motion import MotionSettings

MOTION = "motion"
TRIGGER = "trigger"
MOTION_LABEL = "MOTION"
TRIGGER_LABEL = "TRIGGER"
"""Label of an external trigger without a type."""


@dataclass(frozen=True)
class Alarm:
    """An event on a camera. `record_ms`: start of its alarm recording (None when not recorded);
    `end_ms`: when it ended (None while active); `snapshot`: relative path of its JPEG picture."""

    id: int
    camera_id: int
    time_ms: int
    kind: str
    description: str
    record_ms: int | None = None
    end_ms: int | None = None
    snapshot: str | None = None


@dataclass(frozen=True)
class CameraAlarmSettings:
    """A camera's own alarm settings; `pre_alarm_s` None uses the node's default."""

    motion: MotionSettings = field(default_factory=MotionSettings)
    pre_alarm_s: float | None = None


def describe(label: str, time_ms: int, record_ms: int | None, tz: tzinfo) -> str:
    """`MOTION Alarm`, or with a recording `MOTION Alarm starts at 12/09/2014 at 11:44:07, with 5s
    pre-alarm` (the recording start, local time; pre-alarm = alarm time - recording start)."""
    base = f"{label} Alarm"
    if record_ms is None:
        return base
    local = datetime.fromtimestamp(record_ms / 1000, tz)
    pre_alarm_s = max(0, round((time_ms - record_ms) / 1000))
    return f"{base} starts at {local:%d/%m/%Y} at {local:%H:%M:%S}, with {pre_alarm_s}s pre-alarm"


def record_time_ms(run_start_ms: int | None, *, joined: bool, time_ms: int, pre_alarm_ms: int) -> int | None:
    """`recordTime` of an alarm raised at `time_ms`.

    The alarm that starts an alarm recording gets the recording's start (its pre-alarm keyframe).
    An alarm raised while a recording already runs joins it: its video starts `pre_alarm_ms` before
    it, or at the recording's start if that is later. None when nothing is recorded.
    """
    if run_start_ms is None:
        return None
    if not joined:
        return run_start_ms
    return max(run_start_ms, time_ms - pre_alarm_ms)


@dataclass
class ActiveAlarm:
    """An alarm that has not ended: its label (for the description) and, for triggered alarms, the
    time it ends by itself."""

    alarm: Alarm
    label: str
    deadline_ms: int | None = None


class ActiveAlarms:
    """The active alarms of one camera. Not thread-safe (the alarm service locks)."""

    def __init__(self) -> None:
        self._by_id: dict[int, ActiveAlarm] = {}

    def __bool__(self) -> bool:
        return bool(self._by_id)

    def add(self, active: ActiveAlarm) -> None:
        self._by_id[active.alarm.id] = active

    def pop(self, alarm_id: int) -> ActiveAlarm | None:
        return self._by_id.pop(alarm_id, None)

    def of_kind(self, kind: str) -> list[ActiveAlarm]:
        return [a for a in self._by_id.values() if a.alarm.kind == kind]

    def all(self) -> list[ActiveAlarm]:
        return list(self._by_id.values())

    def due(self, now_ms: int) -> list[ActiveAlarm]:
        """Alarms whose deadline has passed."""
        return [a for a in self._by_id.values() if a.deadline_ms is not None and now_ms >= a.deadline_ms]

    def without_record(self) -> list[ActiveAlarm]:
        return [a for a in self._by_id.values() if a.alarm.record_ms is None]


def detect_stream(camera: Camera) -> Stream | None:
    """The stream motion is detected on: the first pulled stream with the `detect` role, else the
    lowest-quality pulled stream (the cheapest to decode)."""
    pulled = [s for s in camera.streams if not s.ignored and not s.on_demand]
    with_role = [s for s in pulled if "detect" in s.roles]
    if with_role:
        return with_role[0]
    return min(pulled, key=lambda s: (s.quality, s.stream_id), default=None)


def alarm_stream(camera: Camera) -> Stream | None:
    """The stream alarm recordings are made from: the best-quality pulled `arecord` stream."""
    pulled = [s for s in camera.streams_with_role("arecord") if not s.on_demand]
    return pulled[0] if pulled else None

@dataclass(frozen=True)
class AlarmFilter:
    """What an alarm list is restricted to; None means no restriction on that field.
    `text`: a case-insensitive substring of the description; `kind`: MOTION or TRIGGER; `active`:
    True for alarms that have not ended, False for ended ones."""

    camera_ids: list[int] | None = None
    from_ms: int | None = None
    to_ms: int | None = None
    text: str | None = None
    kind: str | None = None
    active: bool | None = None
