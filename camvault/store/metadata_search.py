"""Metadata event search conditions -> SQL (SQLAlchemy Core) that reads the same on SQLite and
PostgreSQL.

- `=`, `!=`, `<`, ... are plain comparisons (text `=` is exact and case-sensitive on both).
- `like` is `LIKE ... ESCAPE '\\'`: case-sensitive on PostgreSQL, and on SQLite too because every
  connection sets `PRAGMA case_sensitive_like=ON` (store/db.py). The explicit ESCAPE gives both the
  same escape character (PostgreSQL's default is `\\`, SQLite has none).
- `ilike` is the same LIKE on the lower-cased copy of the value (`folded_value`, lower-cased by
  Python at insertion) against the lower-cased pattern: no dependence on either database's idea of
  case (SQLite's lower() only knows ASCII; PostgreSQL's ILIKE follows the locale).
- A parameter criterion (`analytics.window`) keeps the events of the types that carry it and whose
  parameter row matches (EXISTS); an event without that parameter never matches, even for `!=`.
"""

from __future__ import annotations

import operator

from sqlalchemy import ColumnElement, exists, select

from camvault.core.metadata import BOOLEAN, INTEGER
from camvault.core.metadata_search import EVENT_ID, TIMESTAMP, TYPE, Condition
from camvault.store.tables import metadata_event_params as params_t
from camvault.store.tables import metadata_events as events

ESCAPE = "\\"
_OPERATORS = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le,
              ">=": operator.ge}


def condition_sql(c: Condition) -> ColumnElement[bool]:
    """A WHERE clause on `metadata_events` for one condition."""
    name = c.criterion.name
    if name == TYPE:
        return _compare(events.c.type, events.c.type, c)
    if name == TIMESTAMP:
        return _compare(events.c.time_us, events.c.time_us, c)
    if name == EVENT_ID:
        return _compare(events.c.event_id, events.c.event_id, c)
    return _param_sql(c)


def _param_sql(c: Condition) -> ColumnElement[bool]:
    kind = c.criterion.format
    if kind == INTEGER:
        match = _compare(params_t.c.int_value, params_t.c.int_value, c)
    elif kind == BOOLEAN:
        match = _compare(params_t.c.bool_value, params_t.c.bool_value, c)
    else:
        match = _compare(params_t.c.text_value, params_t.c.folded_value, c)
    row = exists(select(params_t.c.event_row_id).where(params_t.c.event_row_id == events.c.id,
                                                       params_t.c.name == c.criterion.param, match))
    return events.c.type.in_(c.criterion.types) & row


def _compare(column, folded, c: Condition) -> ColumnElement[bool]:
    if c.comparator == "like":
        return column.like(c.value, escape=ESCAPE)
    if c.comparator == "ilike":
        return folded.like(c.value, escape=ESCAPE)
    return _OPERATORS[c.comparator](column, c.value)
