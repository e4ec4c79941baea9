"""The camera-connections log: one row per connect or disconnect of a camera stream."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select

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
        return [ConnectionEvent(r["camera_id"], r["stream_id"], r["connected"], r["at_ms"], r["detail"]) for r in rows]
