"""Slice rows and the garbage list (DESIGN rules 1-2).

Rows are inserted only for closed files; deletion moves the row to `garbage` in one transaction,
then the caller unlinks the file and calls `forget_garbage`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Engine, and_, delete, insert, select, update

from camvault.core.model import Slice
from camvault.store.tables import garbage, slices

BATCH = 500
MAX_SPAN_MS = 2 * 86_400_000
"""No slice is longer than this (slice_max_s is at most a day; a long GOP adds less than a day): it
gives overlap queries a lower bound on `start_ms`, so they read the index range they need only."""


class SliceRepo:
    """Indexed queries over slices; every list is bounded by `limit`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def insert(self, s: Slice) -> Slice:
        with self._engine.begin() as conn:
            result = conn.execute(insert(slices).values(
                camera_id=s.camera_id, stream_id=s.stream_id, start_ms=s.start_ms, stop_ms=s.stop_ms,
                type=s.type, size_bytes=s.size_bytes, path=s.path, protected=s.protected))
            new_id = result.inserted_primary_key[0]
        return Slice(**{**s.__dict__, "id": new_id})

    def list(self, *, camera_ids: Iterable[int] | None, from_ms: int | None = None, to_ms: int | None = None,
             slice_type: str | None = None, limit: int = 1000, offset: int = 0,
             stream_id: int | None = None) -> list[Slice]:
        """Slices overlapping [from_ms, to_ms], ordered by camera then start."""
        query = select(slices)
        if camera_ids is not None:
            query = query.where(slices.c.camera_id.in_(list(camera_ids)))
        if stream_id is not None:
            query = query.where(slices.c.stream_id == stream_id)
        if from_ms is not None:
            query = query.where(slices.c.stop_ms >= from_ms, slices.c.start_ms >= from_ms - MAX_SPAN_MS)
        if to_ms is not None:
            query = query.where(slices.c.start_ms <= to_ms)
        if slice_type is not None:
            query = query.where(slices.c.type == slice_type)
        query = query.order_by(slices.c.camera_id, slices.c.start_ms, slices.c.stream_id).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            return [_slice(r) for r in conn.execute(query).mappings()]

    def find(self, camera_id: int, start_ms: int, slice_type: str) -> Slice | None:
        """The slice a CamTrace download URL names (camera, start, type); lowest stream id first."""
        query = (select(slices).where(slices.c.camera_id == camera_id, slices.c.start_ms == start_ms,
                                      slices.c.type == slice_type).order_by(slices.c.stream_id).limit(1))
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _slice(row) if row else None

    def latest(self, camera_id: int) -> Slice | None:
        """The camera's slice that starts last (indexed)."""
        query = select(slices).where(slices.c.camera_id == camera_id).order_by(slices.c.start_ms.desc()).limit(1)
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _slice(row) if row else None

    def oldest(self, *, limit: int, camera_id: int | None = None, start_before_ms: int | None = None) -> list[Slice]:
        """Oldest unprotected slices (optionally of one camera, started before a time)."""
        conds = [slices.c.protected.is_(False)]
        if camera_id is not None:
            conds.append(slices.c.camera_id == camera_id)
        if start_before_ms is not None:
            conds.append(slices.c.start_ms < start_before_ms)
        order = (slices.c.camera_id, slices.c.start_ms) if camera_id is not None else (slices.c.start_ms,)
        query = select(slices).where(and_(*conds)).order_by(*order).limit(limit)
        with self._engine.connect() as conn:
            return [_slice(r) for r in conn.execute(query).mappings()]

    def set_protected(self, ids: Iterable[int], protected: bool) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(slices).where(slices.c.id.in_(list(ids))).values(protected=protected))

    def iter_paths(self) -> Iterator[str]:
        """Every indexed path (startup reconciliation)."""
        with self._engine.connect() as conn:
            for (path,) in conn.execute(select(slices.c.path)):
                yield path

    def move_to_garbage(self, doomed: Iterable[Slice], now_ms: int) -> list[str]:
        """Delete the rows and list their files as garbage, atomically; returns the paths."""
        doomed = list(doomed)
        with self._engine.begin() as conn:
            for s in doomed:
                conn.execute(insert(garbage).values(path=s.path, created_ms=now_ms))
            conn.execute(delete(slices).where(slices.c.id.in_([s.id for s in doomed])))
        return [s.path for s in doomed]

    def drop_rows(self, paths: Iterable[str]) -> None:
        """Remove rows whose file vanished (in batches: SQLite bounds the parameters of a query)."""
        paths = list(paths)
        with self._engine.begin() as conn:
            for start in range(0, len(paths), BATCH):
                conn.execute(delete(slices).where(slices.c.path.in_(paths[start:start + BATCH])))

    def garbage_paths(self) -> list[str]:
        with self._engine.connect() as conn:
            return [p for (p,) in conn.execute(select(garbage.c.path))]

    def forget_garbage(self, paths: Iterable[str]) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(garbage).where(garbage.c.path.in_(list(paths))))


def _slice(row) -> Slice:
    return Slice(id=row["id"], camera_id=row["camera_id"], stream_id=row["stream_id"], start_ms=row["start_ms"],
                 stop_ms=row["stop_ms"], type=row["type"], size_bytes=row["size_bytes"], path=row["path"],
                 protected=row["protected"])
