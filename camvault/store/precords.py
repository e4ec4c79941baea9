"""Protected records: time ranges of a camera whose slices retention must never prune.

`add` stores a range and marks the slices it overlaps as protected in one transaction;
`covering` tells whether a slice being indexed falls in a stored range; `page` lists ranges
(newest first). Thread-safe.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from camvault.core.exports import ProtectedRange
from camvault.store.tables import ID_TYPE, metadata, slices

protected_ranges = Table(
    "protected_ranges", metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("camera_id", Integer, nullable=False),
    Column("from_ms", BigInteger, nullable=False),
    Column("to_ms", BigInteger, nullable=False),
    Column("type", String(1), nullable=False),
    Column("comment", Text, nullable=False),
    Column("user_id", Integer, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Index("ix_protected_ranges_camera_from", "camera_id", "from_ms"),
)


class ProtectedRangeRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, r: ProtectedRange) -> tuple[ProtectedRange, int]:
        """Store the range and protect the slices it overlaps; returns it and how many slices it protected."""
        with self._engine.begin() as conn:
            new_id = conn.execute(insert(protected_ranges).values(
                camera_id=r.camera_id, from_ms=r.from_ms, to_ms=r.to_ms, type=r.type, comment=r.comment,
                user_id=r.user_id, created_ms=r.created_ms)).inserted_primary_key[0]
            marked = conn.execute(update(slices).where(
                slices.c.camera_id == r.camera_id, slices.c.type == r.type, slices.c.start_ms < r.to_ms,
                slices.c.stop_ms > r.from_ms).values(protected=True)).rowcount
        return ProtectedRange(**{**r.__dict__, "id": new_id}), marked

    def covering(self, camera_id: int, slice_type: str, start_ms: int, stop_ms: int) -> bool:
        """True when a stored range of this camera and type overlaps [start_ms, stop_ms)."""
        t = protected_ranges
        query = select(t.c.id).where(t.c.camera_id == camera_id, t.c.type == slice_type, t.c.from_ms < stop_ms,
                                     t.c.to_ms > start_ms).limit(1)
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None

    def page(self, camera_ids: list[int] | None, from_ms: int | None, to_ms: int | None, *, limit: int,
             offset: int = 0) -> list[ProtectedRange]:
        """Ranges of these cameras (None: every camera) overlapping [from_ms, to_ms], newest start first."""
        t = protected_ranges
        query = select(t)
        if camera_ids is not None:
            query = query.where(t.c.camera_id.in_(camera_ids))
        if from_ms is not None:
            query = query.where(t.c.to_ms > from_ms)
        if to_ms is not None:
            query = query.where(t.c.from_ms < to_ms)
        query = query.order_by(t.c.from_ms.desc(), t.c.id.desc()).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            return [ProtectedRange(**dict(r)) for r in conn.execute(query).mappings()]

    def list(self, camera_id: int, *, limit: int = 1000) -> list[ProtectedRange]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(protected_ranges).where(protected_ranges.c.camera_id == camera_id)
                                .order_by(protected_ranges.c.from_ms).limit(limit)).mappings().all()
        return [ProtectedRange(**dict(r)) for r in rows]
