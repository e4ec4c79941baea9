"""Snapshot rows <-> `core.model.Snapshot`: one still picture of a camera taken by a user.

The picture itself is a JPEG file under the media root (`path`, relative); it is written and
closed before its row is inserted (DESIGN rule 1). Times are epoch ms UTC. Lists are newest first
(`time_ms` desc, then id desc) and bounded by `limit`.
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
    func,
    insert,
    select,
    update,
)

from camvault.core.model import Snapshot, SnapshotFilter
from camvault.store.tables import ID_TYPE, metadata

snapshots = Table(
    "snapshots", metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("camera_id", Integer, nullable=False),
    Column("camera_name", String(200), nullable=False),
    Column("user_id", Integer, nullable=False),
    Column("user_name", String(100), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("time_ms", BigInteger, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("comment", Text, nullable=True),
    Column("path", Text, nullable=False, unique=True),
    Index("ix_snapshots_time", "time_ms"),
    Index("ix_snapshots_camera_time", "camera_id", "time_ms"),
)




class SnapshotRepo:
    """Every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def insert(self, s: Snapshot) -> Snapshot:
        with self._engine.begin() as conn:
            result = conn.execute(insert(snapshots).values(
                camera_id=s.camera_id, camera_name=s.camera_name, user_id=s.user_id, user_name=s.user_name,
                ip=s.ip, time_ms=s.time_ms, created_ms=s.created_ms, comment=s.comment, path=s.path))
            new_id = result.inserted_primary_key[0]
        return Snapshot(**{**s.__dict__, "id": new_id})

    def get(self, snapshot_id: int) -> Snapshot | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(snapshots).where(snapshots.c.id == snapshot_id)).mappings().first()
        return _snapshot(row) if row else None

    def list(self, where: SnapshotFilter, *, limit: int, offset: int = 0) -> list[Snapshot]:
        """One page, newest first."""
        query = _filtered(select(snapshots), where)
        query = query.order_by(snapshots.c.time_ms.desc(), snapshots.c.id.desc()).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            return [_snapshot(r) for r in conn.execute(query).mappings()]

    def count(self, where: SnapshotFilter) -> int:
        query = _filtered(select(func.count()).select_from(snapshots), where)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def set_comment_if_none(self, snapshot_id: int, comment: str) -> bool:
        """Set the comment only if the snapshot has none yet (atomic); False if it already had one."""
        with self._engine.begin() as conn:
            result = conn.execute(update(snapshots)
                                  .where(snapshots.c.id == snapshot_id, snapshots.c.comment.is_(None))
                                  .values(comment=comment))
        return result.rowcount == 1


def _filtered(query, where: SnapshotFilter):
    if where.camera_ids is not None:
        query = query.where(snapshots.c.camera_id.in_(where.camera_ids))
    if where.from_ms is not None:
        query = query.where(snapshots.c.time_ms >= where.from_ms)
    if where.to_ms is not None:
        query = query.where(snapshots.c.time_ms <= where.to_ms)
    if where.user_id is not None:
        query = query.where(snapshots.c.user_id == where.user_id)
    if where.comment:
        query = query.where(snapshots.c.comment.icontains(where.comment, autoescape=True))
    return query


def _snapshot(row) -> Snapshot:
    return Snapshot(id=row["id"], camera_id=row["camera_id"], camera_name=row["camera_name"],
                    user_id=row["user_id"], user_name=row["user_name"], ip=row["ip"], time_ms=row["time_ms"],
                    created_ms=row["created_ms"], comment=row["comment"], path=row["path"])
