"""The camera-connections log: one row per connect or disconnect of a camera stream."""

from __future__ import annotations

from sqlalchemy import Engine, func, insert, select

from camvault.core.model import ConnectionEvent
from camvault.store.tables import camera_connections


class ConnectionRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, event: ConnectionEvent) -> None:
        with self._engine.begin() as conn:
            conn.execute(insert(camera_connections).values(
                camera_id=event.camera_id, stream_id=event.stream_id, connected=event.connected,
                at_ms=event.at_ms, detail=event.detail[:2000]))

    def list(self, *, camera_ids: list[int] | None, limit: int = 100, offset: int = 0) -> list[ConnectionEvent]:
        """Newest first."""
        query = select(camera_connections)
        if camera_ids is not None:
            query = query.where(camera_connections.c.camera_id.in_(camera_ids))
        query = query.order_by(camera_connections.c.at_ms.desc(), camera_connections.c.id.desc())
        with self._engine.connect() as conn:
            rows = conn.execute(query.limit(limit).offset(offset)).mappings().all()
        return [_event(r) for r in rows]

    def page(self, *, camera_ids: list[int] | None, connected: bool | None, from_ms: int | None,
             to_ms: int | None, limit: int, offset: int) -> tuple[int, list[ConnectionEvent]]:
        """(total matching, one page newest first)."""
        t = camera_connections
        conds = []
        if camera_ids is not None:
            conds.append(t.c.camera_id.in_(camera_ids))
        if connected is not None:
            conds.append(t.c.connected.is_(connected))
        if from_ms is not None:
            conds.append(t.c.at_ms >= from_ms)
        if to_ms is not None:
            conds.append(t.c.at_ms <= to_ms)
        with self._engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(t).where(*conds)).scalar()
            rows = conn.execute(select(t).where(*conds).order_by(t.c.at_ms.desc(), t.c.id.desc())
                                .limit(limit).offset(offset)).mappings().all()
        return total, [_event(r) for r in rows]


def _event(row) -> ConnectionEvent:
    return ConnectionEvent(row["camera_id"], row["stream_id"], row["connected"], row["at_ms"], row["detail"], row["id"])
