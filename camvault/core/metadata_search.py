"""Searching metadata events, pure: the search criteria a connector offers (the event `type` as an
enum, the event time, its id, and one criterion per parameter of its event types, named
`<family>.<param>` as the document's `analytics.source`), the comparators of each criterion
format, and checking a search's criteria into `Condition`s that the store turns into SQL.

LIKE patterns (`like`, `ilike`): `%` any run of characters, `_` one character, `\\` escapes the
next `%`, `_` or `\\` (any other use of `\\` is refused, so both databases read it alike).
"""

from __future__ import annotations

from dataclasses import dataclass

from camvault.core.errors import BadRequest
from camvault.core.metadata import (
    BOOLEAN,
    EVENT_TYPES,
    FAMILY_LABELS,
    INT_MAX,
    INT_MIN,
    INTEGER,
    PARAM_LABELS,
    PARAM_TYPES,
    Connector,
)
from camvault.core.metadata_events import parse_time_us

STRING, DATETIME, ENUM = "string", "datetime", "enum"
COMPARATORS: dict[str, tuple[str, ...]] = {
    STRING: ("=", "!=", "like", "ilike"),
    INTEGER: ("<", ">", "<=", ">=", "=", "!="),
    DATETIME: ("<", ">", "<=", ">="),
    BOOLEAN: ("=", "!="),
    ENUM: ("=", "!="),
}
"""The document's "possible values for comparator" by criterion type."""

CRITERION_KEYS = ("name", "value", "comparator")
_FORMATS = {"text": STRING, INTEGER: INTEGER, BOOLEAN: BOOLEAN}

TYPE, TIMESTAMP, EVENT_ID = "type", "timestamp", "eventId"
"""The criteria on the event itself; the others are parameters."""


@dataclass(frozen=True)
class Criterion:
    """One search criterion of a connector. A parameter criterion has `param` (its parameter name)
    and `types` (the connector's event types that carry it)."""

    name: str
    description: str
    format: str
    values: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    param: str | None = None
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """One checked criterion of a search: datetime values are epoch µs; `ilike` values are lower case."""

    criterion: Criterion
    comparator: str
    value: str | int | bool


def criteria_for(connector: Connector) -> list[Criterion]:
    types = [EVENT_TYPES[name] for name in connector.accepted_types]
    by_text = sorted(types, key=lambda t: (t.text.lower(), t.name))
    found: dict[str, Criterion] = {}
    for t in types:
        for param in t.params:
            name = f"{t.family}.{param}"
            known = found.get(name)
            found[name] = Criterion(name, "", _FORMATS[PARAM_TYPES[param]], param=param,
                                    types=(known.types if known else ()) + (t.name,))
    families = {}
    for c in found.values():
        families.setdefault(c.param, []).append(c.name.split(".", 1)[0])
    params = [Criterion(**{**c.__dict__, "description": _param_description(c, families)}) for c in found.values()]
    return [Criterion(TYPE, "Event type", ENUM, tuple(t.name for t in by_text), tuple(t.text for t in by_text)),
            Criterion(TIMESTAMP, "Event date", DATETIME), Criterion(EVENT_ID, "Event ID", STRING), *params]


def _param_description(c: Criterion, families: dict[str, list[str]]) -> str:
    """The parameter's name, with its family when several families of the connector carry it."""
    label = PARAM_LABELS[c.param]
    if len(families[c.param]) == 1:
        return label
    return f"{label} ({FAMILY_LABELS[c.name.split('.', 1)[0]]})"


def criterion_json(c: Criterion) -> dict:
    """A criterion as the document shows it (`values` and `texts` for an enum only)."""
    shown: dict = {"name": c.name, "description": c.description, "format": c.format}
    if c.format == ENUM:
        shown.update(values=list(c.values), texts=list(c.texts))
    return shown


def parse_criteria(raw: object, offered: list[Criterion]) -> list[Condition]:
    """The body's `criteria` (a list of `{"name", "value", "comparator"}`; absent: no criteria)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise BadRequest("criteria must be a list of search criteria", key="metadata_criteria_not_list")
    by_name = {c.name: c for c in offered}
    return [_condition(item, by_name) for item in raw]


def _condition(item: object, by_name: dict[str, Criterion]) -> Condition:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or "value" not in item \
            or set(item) - set(CRITERION_KEYS):
        raise BadRequest('Each criterion must be an object {"name", "value", "comparator"} (comparator optional)',
                         key="metadata_invalid_criterion")
    criterion = by_name.get(item["name"])
    if criterion is None:
        raise BadRequest(f"Unknown search criterion {item['name']!r} for this connector (see "
                         "proxy/events/search/criteria)", key="metadata_unknown_criterion", name=item["name"])
    comparator = item.get("comparator", "=")
    allowed = COMPARATORS[criterion.format]
    if comparator not in allowed:
        raise BadRequest(f"Comparator {comparator!r} is not allowed for the {criterion.format} criterion "
                         f"{criterion.name} (use {', '.join(allowed)})", key="metadata_invalid_comparator",
                         comparator=str(comparator), name=criterion.name, allowed=", ".join(allowed))
    return Condition(criterion, comparator, _value(criterion, comparator, item["value"]))


def _value(c: Criterion, comparator: str, value: object) -> str | int | bool:
    if c.format == DATETIME:
        return parse_time_us(value, field=c.name)
    if c.format == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
            raise BadRequest(f"The value of {c.name} must be an integer", key="metadata_value_not_integer",
                             name=c.name)
        return value
    if c.format == BOOLEAN:
        if not isinstance(value, bool):
            raise BadRequest(f"The value of {c.name} must be true or false", key="metadata_value_not_boolean",
                             name=c.name)
        return value
    if not isinstance(value, str):
        raise BadRequest(f"The value of {c.name} must be a text", key="metadata_value_not_text", name=c.name)
    if c.name == EVENT_ID:
        value = value.lower()          # event ids are stored in lower case; UUIDs ignore case
    if c.format == ENUM and value not in c.values:
        raise BadRequest(f"The value of {c.name} must be one of: {', '.join(c.values)}",
                         key="metadata_value_not_listed", name=c.name)
    if comparator in ("like", "ilike"):
        _check_pattern(c.name, value)
        return value.lower() if comparator == "ilike" else value
    return value


def _check_pattern(name: str, pattern: str) -> None:
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            if i + 1 >= len(pattern) or pattern[i + 1] not in "%_\\":
                raise BadRequest(f"In the pattern of {name}, '\\' must be followed by %, _ or \\",
                                 key="metadata_invalid_pattern", name=name)
            i += 1
        i += 1
