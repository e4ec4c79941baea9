"""Metadata events, pure: checking an inserted event (`{"eventId", "type", "description":
{"params": {...}}, "timestamp"}`) against the recognised types and the parameter typing, v4
UUIDs, and event times (epoch microseconds UTC <-> ISO-8601 with `Z`).

Every refusal is a `BadRequest` naming the attribute or parameter at fault.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from camvault.core.errors import BadRequest
from camvault.core.metadata import (
    BOOLEAN,
    EVENT_TYPES,
    INT_MAX,
    INT_MIN,
    INTEGER,
    MAX_TEXT_CHARS,
    PARAM_TYPES,
    Connector,
    MetadataEvent,
    ParamValue,
)

ATTRIBUTES = ("eventId", "type", "description", "timestamp")
_UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.IGNORECASE)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def is_v4_uuid(value: object) -> bool:
    """A v4 UUID in its canonical 8-4-4-4-12 form (either case): version 4, RFC 4122 variant."""
    return isinstance(value, str) and _UUID_V4.match(value) is not None


def parse_time_us(value: object, *, field: str) -> int:
    """ISO-8601 date-time -> epoch µs; without a zone it is UTC. BadRequest naming `field` otherwise."""
    raw = value.strip() if isinstance(value, str) else ""
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"Invalid date for '{field}': {value!r} (expected ISO-8601, e.g. 2022-07-25T16:26:36.903Z)",
                         key="invalid_date", field=field, value=str(value)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - _EPOCH) // timedelta(microseconds=1)


def format_time_us(time_us: int) -> str:
    """Epoch µs -> `2022-07-25T16:26:36.903Z` (milliseconds), or 6 digits when finer than a ms."""
    moment = _EPOCH + timedelta(microseconds=time_us)
    fraction = f"{moment.microsecond:06d}"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + (fraction[:3] if fraction.endswith("000") else fraction) + "Z"


def parse_event(payload: dict, connector: Connector, *, now_us: int) -> MetadataEvent:
    """The event of an insertion body (already unwrapped from `{"event": ...}`); a missing
    `timestamp` is `now_us`."""
    unknown = [name for name in payload if name not in ATTRIBUTES]
    if unknown:
        raise BadRequest(f"Unknown event attribute '{unknown[0]}' (expected {', '.join(ATTRIBUTES)})",
                         key="metadata_unknown_attribute", name=unknown[0])
    event_id = _required(payload, "eventId")
    if not is_v4_uuid(event_id):
        raise BadRequest("eventId must be a v4 UUID (e.g. 53163f64-0994-4c10-b1ad-44d3c6ff1334)",
                         key="metadata_invalid_event_id")
    event_type = _event_type(_required(payload, "type"), connector)
    raw_time = payload.get("timestamp")
    time_us = now_us if raw_time is None else parse_time_us(raw_time, field="timestamp")
    params = _params(payload.get("description"), event_type)
    return MetadataEvent(event_id.lower(), connector.uuid, event_type, time_us, params)


def _required(payload: dict, name: str) -> object:
    if payload.get(name) is None:
        raise BadRequest(f"The event attribute '{name}' is mandatory", key="metadata_missing_attribute", name=name)
    return payload[name]


def _event_type(value: object, connector: Connector) -> str:
    if not isinstance(value, str) or value not in EVENT_TYPES:
        raise BadRequest(f"Unknown event type {value!r}: only the recognised types can be inserted",
                         key="metadata_unknown_type", type=str(value))
    if value not in connector.accepted_types:
        raise BadRequest(f"The connector does not accept events of type {value}", key="metadata_type_not_accepted",
                         type=value)
    return value


def _params(description: object, event_type: str) -> dict[str, ParamValue]:
    """`description.params`, exactly the type's parameters, each of its type."""
    if description is None:
        description = {}
    if not isinstance(description, dict) or set(description) - {"params"}:
        raise BadRequest('description must be an object {"params": {...}}', key="metadata_invalid_description")
    params = description.get("params")
    params = {} if params is None else params
    if not isinstance(params, dict):
        raise BadRequest('description must be an object {"params": {...}}', key="metadata_invalid_description")
    expected = EVENT_TYPES[event_type].params
    for name in params:
        if name not in expected:
            raise BadRequest(f"Parameter '{name}' is not accepted by events of type {event_type} (accepted: "
                             f"{', '.join(expected) or 'none'})", key="metadata_unknown_param", name=name,
                             type=event_type)
    for name in expected:
        if params.get(name) is None:
            raise BadRequest(f"Parameter '{name}' is mandatory for events of type {event_type}",
                             key="metadata_missing_param", name=name, type=event_type)
        _check_param(name, params[name])
    return {name: params[name] for name in expected}


def _check_param(name: str, value: object) -> None:
    kind = PARAM_TYPES[name]
    if kind == BOOLEAN:
        if not isinstance(value, bool):
            raise BadRequest(f"Parameter '{name}' must be a boolean (true or false)",
                             key="metadata_param_not_boolean", name=name)
    elif kind == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
            raise BadRequest(f"Parameter '{name}' must be an integer (64 bits)", key="metadata_param_not_integer",
                             name=name)
    elif not isinstance(value, str):
        raise BadRequest(f"Parameter '{name}' must be a text", key="metadata_param_not_text", name=name)
    elif len(value) > MAX_TEXT_CHARS:
        raise BadRequest(f"Parameter '{name}' must have at most {MAX_TEXT_CHARS} characters",
                         key="metadata_param_too_long", name=name, max=MAX_TEXT_CHARS)
