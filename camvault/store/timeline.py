"""Timeline queries: one query per kind (slices, alarms, protected records) over several cameras
and a window, reading only the columns a timeline shows, in the order of the indexes
(`slices(camera_id, start_ms)`, `alarms(camera_id, time_ms, id)`, `protected_ranges(camera_id,
from_ms)`). Slice rows are streamed (`yield_per`) so a long window is merged without loading it.
Times are epoch ms UTC.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine, select

from camvault.core.timeline import AlarmMarker
from camvault.store.alarms import alarms
from camvault.store.precords import protected_ranges
from camvault.store.slices import MAX_SPAN_MS
from camvault.store.tables import slices

YIELD_ROWS = 1000


class TimelineQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def recorded(self, camera_ids: list[int], from_ms: int, to_ms: int) -> Iterator[tuple[int, str, int, int]]:
        """(camera_id, type, start_ms, stop_ms) of every slice overlapping the window, by camera then start."""
        s = slices.c
        query = (select(s.camera_id, s.type, s.start_ms, s.stop_ms)
                 .where(s.camera_id.in_(camera_ids), s.start_ms >= from_ms - MAX_SPAN_MS, s.start_ms <= to_ms,
                        s.stop_ms >= from_ms)
                 .order_by(s.camera_id, s.start_ms)
                 .execution_options(yield_per=YIELD_ROWS))
        with self._engine.connect() as conn:
            for row in conn.execute(query):
                yield row[0], row[1], row[2], row[3]

    def alarms(self, camera_ids: list[int], from_ms: int, to_ms: int, limit: int) -> list[AlarmMarker]:
        """At most `limit` alarms in the window, oldest first."""
        a = alarms.c
        query = (select(a.id, a.camera_id, a.time_ms, a.kind)
                 .where(a.camera_id.in_(camera_ids), a.time_ms >= from_ms, a.time_ms <= to_ms)
                 .order_by(a.time_ms, a.id).limit(limit))
        with self._engine.connect() as conn:
            return [AlarmMarker(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]

    def protected(self, camera_ids: list[int], from_ms: int, to_ms: int) -> list[tuple[int, str, int, int]]:
        """(camera_id, type, from_ms, to_ms) of the protected records overlapping the window, by camera then start."""
        p = protected_ranges.c
        query = (select(p.camera_id, p.type, p.from_ms, p.to_ms)
                 .where(p.camera_id.in_(camera_ids), p.from_ms <= to_ms, p.to_ms >= from_ms)
                 .order_by(p.camera_id, p.from_ms))
        with self._engine.connect() as conn:
            return [(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]
