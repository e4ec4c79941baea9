"""Scenarios: stored rules "WHEN something happens THEN do these actions".

WHEN (`Trigger.kind`): `alarm` (an alarm started on one of `camera_ids`, any camera if empty),
`metadata` (a metadata event of `type` on one of `camera_ids`, any camera if empty), `manual`
(only the API trigger), `schedule` (each of `times`, "HH:MM" in the server time zone, on
`weekdays`, 1 Monday .. 7 Sunday, every day if empty). Any scenario may also be triggered by hand.

THEN (`Action.kind`, run in order): `alarm` (raise an alarm of label `type` on `camera_ids`),
`command` (run command `command_id`), `record` (force an alarm recording of `duration_s` on
`camera_ids`), `screen` (show `camera_id` or `mosaic_id` on passive screen `screen_id`). Empty
`camera_ids` in an alarm or record action mean the cameras of the event that fired the scenario
(only for alarm and metadata triggers).

Pure: validation, event matching and the schedule arithmetic. Times: epoch ms UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from camvault.core.errors import BadRequest

WHEN_KINDS = ("alarm", "metadata", "manual", "schedule")
THEN_KINDS = ("alarm", "command", "record", "screen")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as the API and the config file spell them; index + 1 is the ISO weekday."""
MAX_NAME_CHARS = 200
MAX_TYPE_CHARS = 64
MAX_ACTIONS = 20
MAX_RECORD_S = 86_400
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Trigger:
    kind: str
    camera_ids: tuple[int, ...] = ()
    type: str = ""
    times: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()


@dataclass(frozen=True)
class Action:
    kind: str
    camera_ids: tuple[int, ...] = ()
    type: str = ""
    command_id: int | None = None
    duration_s: int | None = None
    screen_id: int | None = None
    camera_id: int | None = None
    mosaic_id: int | None = None


@dataclass(frozen=True)
class Scenario:
    id: int
    name: str
    ignored: bool
    trigger: Trigger
    actions: tuple[Action, ...]
    origin: str = "api"         # "api" or "config" (defined in the config file, read-only but for `ignored`)


def weekday_number(name: str) -> int:
    """1 (Monday) .. 7 (Sunday) from a weekday name ("mon" .. "sun", any case)."""
    try:
        return WEEKDAYS.index(name.strip().lower()[:3]) + 1
    except ValueError:
        raise BadRequest(f"Unknown weekday {name!r} (mon, tue, wed, thu, fri, sat, sun)",
                         key="invalid_scenario", detail=f"weekday {name}") from None


def checked(name: str, trigger: Trigger, actions: tuple[Action, ...]) -> str:
    """The trimmed name of a valid rule; BadRequest (key `invalid_scenario`) naming what is wrong."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
        raise BadRequest(f"A scenario needs a name of 1 to {MAX_NAME_CHARS} printable characters",
                         key="scenario_name_required")
    _check_trigger(trigger)
    if not actions or len(actions) > MAX_ACTIONS:
        _bad(f"then: 1 to {MAX_ACTIONS} actions")
    for index, action in enumerate(actions):
        _check_action(action, index, trigger)
    return name


def _check_trigger(t: Trigger) -> None:
    if t.kind not in WHEN_KINDS:
        _bad(f"when.kind must be one of {', '.join(WHEN_KINDS)}")
    if t.kind == "metadata" and not _is_label(t.type, required=True):
        _bad(f"when.type: the metadata event type, 1 to {MAX_TYPE_CHARS} printable characters")
    if t.kind == "schedule":
        if not t.times or not all(_TIME.match(x) for x in t.times):
            _bad("when.times: one or more times of day as HH:MM")
        if not all(1 <= d <= 7 for d in t.weekdays):
            _bad("when.weekdays: mon .. sun")


def _check_action(a: Action, index: int, t: Trigger) -> None:
    where = f"then[{index}]"
    if a.kind not in THEN_KINDS:
        _bad(f"{where}.kind must be one of {', '.join(THEN_KINDS)}")
    if a.kind in ("alarm", "record") and not a.camera_ids and t.kind not in ("alarm", "metadata"):
        _bad(f"{where}.cameraIds: needed unless the scenario fires on an alarm or a metadata event")
    if a.kind == "alarm" and not _is_label(a.type, required=False):
        _bad(f"{where}.type: at most {MAX_TYPE_CHARS} printable characters")
    if a.kind == "command" and a.command_id is None:
        _bad(f"{where}.commandId is required")
    if a.kind == "record" and not (a.duration_s and 1 <= a.duration_s <= MAX_RECORD_S):
        _bad(f"{where}.durationS: 1 to {MAX_RECORD_S} seconds")
    if a.kind == "screen" and (a.screen_id is None or (a.camera_id is None) == (a.mosaic_id is None)):
        _bad(f"{where}: screenId and one of cameraId, mosaicId")


def _is_label(text: str, *, required: bool) -> bool:
    text = text.strip()
    return (bool(text) or not required) and len(text) <= MAX_TYPE_CHARS and text.isprintable()


def _bad(detail: str) -> None:
    raise BadRequest(f"Invalid scenario: {detail}", key="invalid_scenario", detail=detail)


def matches(t: Trigger, kind: str, camera_ids: tuple[int, ...], event_type: str) -> bool:
    """Whether an event (`alarm` or `metadata`, its cameras and type) fires a rule with trigger `t`."""
    if t.kind != kind:
        return False
    if kind == "metadata" and t.type != event_type:
        return False
    return not t.camera_ids or any(c in t.camera_ids for c in camera_ids)


def scheduled_between(t: Trigger, zone: tzinfo, after_ms: int, until_ms: int) -> bool:
    """Whether one of a schedule's times falls in (after_ms, until_ms] (local times in `zone`)."""
    if t.kind != "schedule" or until_ms <= after_ms:
        return False
    first = datetime.fromtimestamp(after_ms / 1000, zone).date()
    last = datetime.fromtimestamp(until_ms / 1000, zone).date()
    day = first
    while day <= last:
        if not t.weekdays or day.isoweekday() in t.weekdays:
            for hhmm in t.times:
                hour, minute = (int(x) for x in hhmm.split(":"))
                at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
                if after_ms < round(at.timestamp() * 1000) <= until_ms:
                    return True
        day += timedelta(days=1)
    return False
