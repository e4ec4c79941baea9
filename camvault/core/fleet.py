"""Fleet rules, pure: the camera lifecycle (states and the transitions each request may make), the
OAuth scopes and what they need, and a site's opening hours as UTC instants of one local date.

Lifecycle (docs/ref/fleet.md): a device registers (`registered`), an organisation claims it for a
site (`running`), it is paused and resumed (`paused` <-> `running`), and decommissioned
(`decommissioned`, from `running` or `paused` only); a decommissioned camera may register again.
The state request dialect names `claimed` (= running) and `claimed_paused` (= paused).

Times are epoch ms UTC; local times are "HH:MM" strings of the site's IANA time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from camvault.core.errors import BadRequest, Conflict, Forbidden, Unprocessable
from camvault.core.model import Profile, User

REGISTERED, RUNNING, PAUSED, DECOMMISSIONED = "registered", "running", "paused", "decommissioned"
STATES = (REGISTERED, RUNNING, PAUSED, DECOMMISSIONED)
LISTED_STATES = (RUNNING, PAUSED, DECOMMISSIONED)
"""States of claimed cameras: what `GET /cameras` lists and filters on."""
CLAIMED = (RUNNING, PAUSED)
REQUEST_STATES = {"claimed": RUNNING, "claimed_paused": PAUSED}
"""`newState` of a put-camera-state request -> the camera state it leads to."""

SCOPE_READ, SCOPE_WRITE, SCOPE_ADMIN = "cameras:read", "cameras:write", "fleet:admin"
SCOPES = (SCOPE_READ, SCOPE_WRITE, SCOPE_ADMIN)
WRITE_PROFILES = (Profile.ADMIN, Profile.PROTECTION)


@dataclass(frozen=True)
class Organisation:
    uuid: str
    name: str


@dataclass(frozen=True)
class Site:
    """A place of an organisation; `opening_hours` None means the config's default hours."""

    uuid: str
    organisation_uuid: str
    name: str
    timezone: str
    opening_hours: OpeningHours | None = None


@dataclass(frozen=True)
class FleetCamera:
    """The fleet side of a camvault camera (which has the same `camera_id`)."""

    camera_id: int
    state: str
    site_uuid: str | None = None
    position_uuid: str | None = None
    name: str | None = None
    direction1_alias: str | None = None
    direction2_alias: str | None = None
    registered_ms: int = 0
    claimed_ms: int | None = None


@dataclass(frozen=True)
class StateRequest:
    """A put-camera-state request: `status` is created (queued), applied or failed (`message` says why)."""

    uuid: str
    camera_id: int
    new_state: str
    status: str
    message: str
    created_ms: int
    done_ms: int | None = None


# --- lifecycle ------------------------------------------------------------------------------------
def after_register(state: str | None) -> str:
    """The state after a device registers: `registered`, unless the camera is already claimed
    (then unchanged: registering again does not unclaim it)."""
    return state if state in CLAIMED else REGISTERED


def check_claim(state: str | None) -> None:
    """A claim needs a registered camera: Conflict when it is claimed already."""
    if state in CLAIMED:
        raise Conflict("This camera has already been claimed", key="fleet_already_claimed")


def is_claimable(state: str | None) -> bool:
    return state == REGISTERED


def check_state_change(state: str, new_state: str) -> None:
    """running <-> paused, only for a claimed camera (Unprocessable otherwise)."""
    if new_state not in CLAIMED:
        raise BadRequest(f"newState must be one of {', '.join(CLAIMED)}", key="fleet_bad_state")
    if state not in CLAIMED:
        raise Unprocessable(f"A {state} camera cannot be {new_state}: claim it first", key="fleet_not_claimed",
                            state=state)


def check_decommission(state: str) -> None:
    if state not in CLAIMED:
        raise Unprocessable(f"Only a running or paused camera can be decommissioned (it is {state})",
                            key="fleet_not_decommissionable", state=state)


def check_claimed(state: str, action: str) -> None:
    """Moving and patching need a claimed (running or paused) camera."""
    if state not in CLAIMED:
        raise Unprocessable(f"A {state} camera cannot be {action}", key="fleet_not_claimed", state=state)


# --- scopes ---------------------------------------------------------------------------------------
def allowed_scopes(user: User) -> tuple[str, ...]:
    """What a user's profile allows: every profile reads, admin and protection write, admin administers."""
    scopes = [SCOPE_READ]
    if user.profile in WRITE_PROFILES:
        scopes.append(SCOPE_WRITE)
    if user.is_admin:
        scopes.append(SCOPE_ADMIN)
    return tuple(scopes)


def granted_scopes(user: User, requested: str | None) -> tuple[str, ...] | None:
    """The scopes a token gets: all the profile allows when none is requested, else the requested
    ones; None when a requested scope is unknown or not allowed (OAuth `invalid_scope`)."""
    allowed = allowed_scopes(user)
    if not requested or not requested.strip():
        return allowed
    wanted = tuple(dict.fromkeys(requested.split()))
    return wanted if set(wanted) <= set(allowed) else None


def require_scope(scopes: tuple[str, ...], needed: str) -> None:
    if needed not in scopes:
        raise Forbidden(f"This token lacks the {needed} scope", key="fleet_scope", scope=needed)


# --- opening hours --------------------------------------------------------------------------------
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class OpeningHours:
    """Per weekday, intervals of local time "HH:MM-HH:MM" (end "24:00" = midnight at the day's end);
    a weekday without intervals is closed."""

    days: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: dict[str, list[str]] | None) -> OpeningHours:
        """From {"monday": ["08:00-12:00", "14:00-18:00"], ...}; BadRequest when malformed."""
        days: dict[str, tuple[tuple[str, str], ...]] = {}
        for day, intervals in (raw or {}).items():
            if day not in WEEKDAYS:
                raise BadRequest(f"Unknown weekday {day!r}: use {', '.join(WEEKDAYS)}", key="fleet_bad_weekday")
            if not isinstance(intervals, list):
                raise BadRequest(f"{day}: a list of \"HH:MM-HH:MM\" intervals", key="fleet_bad_hours")
            days[day] = tuple(_interval(day, text) for text in intervals)
        return cls(days)

    def to_json(self) -> dict[str, list[str]]:
        return {day: [f"{a}-{b}" for a, b in self.days[day]] for day in WEEKDAYS if day in self.days}


def _interval(day: str, text: object) -> tuple[str, str]:
    start, _, end = str(text).partition("-")
    if not (_HHMM.match(start) and _HHMM.match(end)) or start >= end or start == "24:00":
        raise BadRequest(f"{day}: {text!r} is not an interval \"HH:MM-HH:MM\" with start < end",
                         key="fleet_bad_hours")
    return start, end


def zone(name: str) -> ZoneInfo:
    """The IANA time zone; BadRequest for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"Unknown time zone {name!r}", key="fleet_bad_timezone") from None


def opening_instants_ms(hours: OpeningHours, tz_name: str, day: date) -> list[int]:
    """[open, close, open, close, ...] of the local date `day`, as epoch ms UTC, in order. Each
    local time is converted with the zone's offset at that instant (so a DST day's intervals are
    right); a local time that does not exist (skipped by a spring-forward) counts with the offset
    before the change, i.e. as the instant it would have been without the change."""
    tz = zone(tz_name)
    instants: list[int] = []
    for start, end in hours.days.get(WEEKDAYS[day.weekday()], ()):
        instants += [_local_ms(day, start, tz), _local_ms(day, end, tz)]
    return instants


def _local_ms(day: date, hhmm: str, tz: ZoneInfo) -> int:
    hour, minute = int(hhmm[:2]), int(hhmm[3:])
    if hour == 24:
        day, hour = day + timedelta(days=1), 0
    local = datetime.combine(day, time(hour, minute), tzinfo=tz)
    return int(local.astimezone(UTC).timestamp() * 1000)
