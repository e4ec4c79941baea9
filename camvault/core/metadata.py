"""Metadata events, pure: the event types CamTrace "recognises" with their parameters and the
parameters' types (the document's tables), a metadata connector (an API "device" that inserts
events), and one event.

Times: an event's `time_us` is epoch microseconds UTC (clients send microseconds, as the
document's search example shows). Type names, parameter names and their order are the document's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT = "text"
INTEGER = "integer"
BOOLEAN = "boolean"

PARAM_TYPES: dict[str, str] = {
    "idPointName": TEXT, "userName": TEXT, "doorName": TEXT, "source": TEXT, "window": INTEGER, "state": BOOLEAN,
    "objectId": TEXT, "plate": TEXT, "id": TEXT,
}
"""The document's "Event parameters typing" table; the parameters it does not type (objectId,
plate, id) are text."""

PARAM_LABELS: dict[str, str] = {
    "idPointName": "ID point", "userName": "User", "doorName": "Door", "source": "Source", "window": "Window",
    "state": "State", "objectId": "Object", "plate": "Plate", "id": "Input",
}

FAMILY_LABELS: dict[str, str] = {
    "accesscontrol": "Access control", "analytics": "Analytics", "device": "Device",
    "lpr": "Licence plate reading", "io": "Inputs", "detect": "Detection", "misc": "Miscellaneous",
}

MAX_TEXT_CHARS = 255
INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1


@dataclass(frozen=True)
class EventType:
    """A recognised event type: its parameters (all mandatory), its English name and the template of
    an event's label (`{param}` placeholders)."""

    name: str
    params: tuple[str, ...]
    text: str
    label: str

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]


def _t(name: str, params: str, text: str, label: str | None = None) -> EventType:
    return EventType(name, tuple(params.split()), text, label or text)


_DOOR = "{userName} at door {doorName}"
_STATE = " state {state}"

EVENT_TYPES: dict[str, EventType] = {t.name: t for t in (
    _t("accesscontrol.idpointactivity", "idPointName", "ID point activity", "Activity on ID point {idPointName}"),
    _t("accesscontrol.idpointrequest", "idPointName", "ID point request", "Request on ID point {idPointName}"),
    _t("accesscontrol.doormode", "", "Door mode", "Door mode changed"),
    _t("accesscontrol.doorphysicalstate", "", "Door physical state", "Door physical state changed"),
    _t("accesscontrol.dooralarm", "", "Door alarm"),
    _t("accesscontrol.accessgranted", "userName doorName", "Access granted", "Access granted to " + _DOOR),
    _t("accesscontrol.accessdenied", "userName doorName", "Access denied", "Access denied to " + _DOOR),
    _t("accesscontrol.accessunknown", "", "Unknown access", "Access by an unknown user"),
    _t("accesscontrol.accesstaken", "userName doorName", "Access taken", "Access taken by " + _DOOR),
    _t("accesscontrol.accessnottaken", "userName doorName", "Access not taken", "Access not taken by " + _DOOR),
    _t("analytics.motion", "source window state", "Motion detection",
       "Motion detection from {source} in window {window}" + _STATE),
    _t("analytics.presence", "state", "Presence", "Presence" + _STATE),
    _t("analytics.stationary", "", "Abandoned object"),
    _t("analytics.linecross", "objectId", "Line cross", "Line cross by object {objectId}"),
    _t("analytics.multiplelinecross", "", "Multiple line cross"),
    _t("analytics.scenechange", "state", "Scene change", "Scene change" + _STATE),
    _t("analytics.intrusion", "window state", "Intrusion", "Intrusion in window {window}" + _STATE),
    _t("analytics.missing", "", "Missing", "Missing object"),
    _t("analytics.face", "state", "Face", "Face detection" + _STATE),
    _t("analytics.counting", "", "Counting"),
    _t("analytics.crowd", "window state", "Crowd", "Crowd in window {window}" + _STATE),
    _t("analytics.running", "window state", "Running", "Running in window {window}" + _STATE),
    _t("analytics.videoloss", "state", "Video loss", "Video loss" + _STATE),
    _t("analytics.videodefocus", "state", "Video focus loss", "Video focus loss" + _STATE),
    _t("device.casingopen", "", "Casing open"),
    _t("device.tamper", "state", "Tampering", "Tampering" + _STATE),
    _t("device.networkattack", "", "Network attack"),
    _t("device.networkconflict", "state", "Network conflict", "Network conflict" + _STATE),
    _t("device.recordingsavailable", "", "Recordings available"),
    _t("device.sdcardmounted", "state", "SD card mounted", "SD card mounted" + _STATE),
    _t("device.sdcarderror", "state", "SD card error", "SD card error" + _STATE),
    _t("lpr.vehicle", "plate", "Vehicle", "Vehicle with plate {plate}"),
    _t("lpr.whitelist", "plate", "Whitelisted plate", "Whitelisted plate {plate}"),
    _t("lpr.blacklist", "plate", "Blacklisted plate", "Blacklisted plate {plate}"),
    _t("io.input", "id state", "Input", "Input {id}" + _STATE),
    _t("detect.sound", "state", "Sound detection", "Sound detection" + _STATE),
    _t("detect.temperature", "state", "Temperature detection", "Temperature detection" + _STATE),
    _t("detect.fire", "state", "Fire detection", "Fire detection" + _STATE),
    _t("misc.unknown", "", "Unknown event"),
    _t("misc.illegalaccess", "", "Illegal access"),
    _t("misc.autotracking", "state", "Auto-tracking", "Auto-tracking" + _STATE),
    _t("misc.quarantine", "", "Quarantine"),
)}
"""The document's "Recognized event types and their parameters", in its order."""

ALL_TYPES: tuple[str, ...] = tuple(EVENT_TYPES)


@dataclass(frozen=True)
class Connector:
    """A metadata connector. `event_types`: the types it may insert (None: every recognised type);
    `alarm_types`: those that raise an alarm on its cameras (None: all of its event types)."""

    uuid: str
    name: str
    camera_ids: tuple[int, ...] = ()
    event_types: tuple[str, ...] | None = None
    alarm_types: tuple[str, ...] | None = None

    @property
    def accepted_types(self) -> tuple[str, ...]:
        return self.event_types if self.event_types is not None else ALL_TYPES

    def raises_alarm(self, event: MetadataEvent) -> bool:
        """Whether `event` raises an alarm: its type is an alarm type, and it does not report the end
        of a condition (`state: false`)."""
        alarm_types = self.alarm_types if self.alarm_types is not None else self.accepted_types
        return event.type in alarm_types and event.params.get("state") is not False


ParamValue = str | int | bool


@dataclass(frozen=True)
class MetadataEvent:
    """One inserted event: `event_id` is the client's v4 UUID (lower case)."""

    event_id: str
    connector_uuid: str
    type: str
    time_us: int
    params: dict[str, ParamValue] = field(default_factory=dict)

    @property
    def time_ms(self) -> int:
        return self.time_us // 1000

    @property
    def label(self) -> str:
        """The document's `label`: the type's template with the parameters (`?` for a missing one)."""
        values = {name: _shown(self.params.get(name)) for name in EVENT_TYPES[self.type].params}
        return EVENT_TYPES[self.type].label.format(**values)


def _shown(value: ParamValue | None) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
