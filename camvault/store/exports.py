"""Export rows: what was asked (camera, range, type, volume), how far the file is, and its facts
(size, md5, file name on its volume). The files themselves are handled by `ExportVolumes`.

Thread-safe (short transactions); lists are bounded by `limit`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from camvault.core.exports import Export
from camvault.store.tables import metadata

exports = Table(
    "exports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("camera_id", Integer, nullable=False),
    Column("disk_id", Integer, nullable=True),
    Column("from_ms", BigInteger, nullable=False),
    Column("to_ms", BigInteger, nullable=False),
    Column("type", String(1), nullable=False),
    Column("comment", Text, nullable=False),
    Column("user_id", Integer, nullable=True),
    Column("state", String(10), nullable=False),
    Column("p100", Integer, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("md5", String(32), nullable=True),
    Column("archived", Boolean, nullable=False),
    Column("file_name", Text, nullable=True),
    Column("task_id", Integer, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Index("ix_exports_camera_from", "camera_id", "from_ms"),
)

_FIELDS = ("camera_id", "disk_id", "from_ms", "to_ms", "type", "comment", "user_id", "state", "p100", "size_bytes",
           "md5", "archived", "file_name", "task_id", "created_ms")


class ExportRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def insert(self, e: Export) -> Export:
        with self._engine.begin() as conn:
            new_id = conn.execute(insert(exports).values(**{f: getattr(e, f) for f in _FIELDS})).inserted_primary_key[0]
        return Export(**{**e.__dict__, "id": new_id})

    def get(self, export_id: int) -> Export | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(exports).where(exports.c.id == export_id)).mappings().first()
        return _export(row) if row else None

    def update(self, export_id: int, **values) -> bool:
        """Change some fields; False when the row is gone."""
        unknown = set(values) - set(_FIELDS)
        if unknown:
            raise ValueError(f"unknown export fields: {sorted(unknown)}")
        with self._engine.begin() as conn:
            return conn.execute(update(exports).where(exports.c.id == export_id).values(**values)).rowcount == 1

    def delete(self, export_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(exports).where(exports.c.id == export_id))

    def list(self, *, camera_ids: Iterable[int] | None, from_ms: int | None, to_ms: int | None, limit: int,
             offset: int) -> list[Export]:
        """Exports overlapping [from_ms, to_ms] (bounds included), oldest first."""
        query = select(exports)
        if camera_ids is not None:
            query = query.where(exports.c.camera_id.in_(list(camera_ids)))
        if from_ms is not None:
            query = query.where(exports.c.to_ms >= from_ms)
        if to_ms is not None:
            query = query.where(exports.c.from_ms <= to_ms)
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(exports.c.id).limit(limit).offset(offset)).mappings().all()
        return [_export(r) for r in rows]

    def in_states(self, states: Iterable[str]) -> list[Export]:
        """Exports in these states (startup recovery: few rows)."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(exports).where(exports.c.state.in_(list(states)))
                                .order_by(exports.c.id)).mappings().all()
        return [_export(r) for r in rows]


def _export(row) -> Export:
    return Export(id=row["id"], **{f: row[f] for f in _FIELDS})
