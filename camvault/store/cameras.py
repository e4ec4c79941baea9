"""Camera and stream rows <-> `core.model.Camera`.

The camera list is read on almost every request (rights, names) and changes rarely: it is cached in
memory and the cache is dropped by every write made through this repository. Cameras are frozen
dataclasses, so sharing them is safe. (Writes by another camvault process sharing the database are
not seen until this one writes; clustering will need a change notification.)
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from sqlalchemy import Engine, delete, func, insert, select, update

from camvault.core.model import Camera, Stream
from camvault.store.tables import cameras, streams


class CameraRepo:
    """Cameras and their streams. Every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._cache: dict[int, Camera] | None = None
        self._generation = 0

    def list(self) -> list[Camera]:
        return list(self._cached().values())

    def get(self, camera_id: int) -> Camera | None:
        return self._cached().get(camera_id)

    def _cached(self) -> dict[int, Camera]:
        with self._lock:
            if self._cache is not None:
                return self._cache
            generation = self._generation
        loaded = {c.id: c for c in self._load()}
        with self._lock:
            if generation == self._generation:      # no write happened while loading
                self._cache = loaded
        return loaded

    @contextmanager
    def _writing(self):
        """A write transaction; the cache is dropped once it is committed (or failed), and a load
        that raced with it is not kept."""
        try:
            with self._engine.begin() as conn:
                yield conn
        finally:
            with self._lock:
                self._cache = None
                self._generation += 1

    def _load(self) -> list[Camera]:
        with self._engine.connect() as conn:
            cams = conn.execute(select(cameras).order_by(cameras.c.id)).mappings().all()
            rows = conn.execute(select(streams).order_by(streams.c.camera_id, streams.c.stream_id)).mappings().all()
        by_camera: dict[int, list[Stream]] = {}
        for row in rows:
            by_camera.setdefault(row["camera_id"], []).append(_stream(row))
        return [_camera(c, by_camera.get(c["id"], [])) for c in cams]

    def next_id(self) -> int:
        with self._engine.connect() as conn:
            return (conn.execute(select(func.max(cameras.c.id))).scalar() or 0) + 1

    def upsert(self, camera: Camera, created_ms: int) -> None:
        """Insert the camera or replace its fields and streams (measured stream media is kept)."""
        with self._writing() as conn:
            exists = conn.execute(select(cameras.c.id).where(cameras.c.id == camera.id)).first()
            values = _camera_values(camera)
            if exists:
                conn.execute(update(cameras).where(cameras.c.id == camera.id).values(**values))
            else:
                conn.execute(insert(cameras).values(id=camera.id, created_ms=created_ms, **values))
            measured = {r.stream_id: r for r in conn.execute(
                select(streams).where(streams.c.camera_id == camera.id))}
            conn.execute(delete(streams).where(streams.c.camera_id == camera.id))
            for s in camera.streams:
                old = measured.get(s.stream_id)
                conn.execute(insert(streams).values(
                    camera_id=camera.id, stream_id=s.stream_id, name=s.name, source=s.source,
                    roles=",".join(s.roles), quality=s.quality, ignored=s.ignored, on_demand=s.on_demand,
                    encoding=s.encoding or (old.encoding if old else None),
                    width=s.width or (old.width if old else None),
                    height=s.height or (old.height if old else None)))

    def delete(self, camera_id: int) -> None:
        with self._writing() as conn:
            conn.execute(delete(streams).where(streams.c.camera_id == camera_id))
            conn.execute(delete(cameras).where(cameras.c.id == camera_id))

    def set_stream_media(self, camera_id: int, stream_id: int, encoding: str, width: int, height: int) -> None:
        """Remember what a stream was last measured to carry (shown while it is offline)."""
        with self._writing() as conn:
            conn.execute(update(streams).where(streams.c.camera_id == camera_id, streams.c.stream_id == stream_id)
                         .values(encoding=encoding, width=width, height=height))

    def set_streams_ignored(self, camera_id: int, ignored: dict[int, bool]) -> None:
        """Activate (False) or ignore (True) streams of the camera, all in one transaction."""
        with self._writing() as conn:
            for stream_id, value in ignored.items():
                conn.execute(update(streams).where(streams.c.camera_id == camera_id,
                                                   streams.c.stream_id == stream_id).values(ignored=value))

    def set_stream_source(self, camera_id: int, stream_id: int, source: str) -> None:
        """Change one stream's source URL (e.g. a synthetic stream's size or frame rate)."""
        with self._writing() as conn:
            conn.execute(update(streams).where(streams.c.camera_id == camera_id, streams.c.stream_id == stream_id)
                         .values(source=source))


def _camera_values(c: Camera) -> dict:
    return dict(name=c.name, source=c.source, uuid=c.uuid, serial_number=c.serial_number, model=c.model,
                enabled=c.enabled, origin=c.origin, transport=c.transport, upside_down=c.upside_down,
                slice_max_s=c.slice_max_s, retention_days=c.retention_days, lat_deg=c.lat_deg, lon_deg=c.lon_deg)


def _camera(row, stream_list: list[Stream]) -> Camera:
    return Camera(id=row["id"], name=row["name"], source=row["source"], uuid=row["uuid"],
                  serial_number=row["serial_number"], model=row["model"], enabled=row["enabled"],
                  origin=row["origin"], transport=row["transport"], upside_down=row["upside_down"],
                  slice_max_s=row["slice_max_s"], retention_days=row["retention_days"],
                  streams=tuple(stream_list), lat_deg=row["lat_deg"], lon_deg=row["lon_deg"])


def _stream(row) -> Stream:
    return Stream(camera_id=row["camera_id"], stream_id=row["stream_id"], source=row["source"], name=row["name"],
                  roles=tuple(r for r in row["roles"].split(",") if r), quality=row["quality"],
                  ignored=row["ignored"], on_demand=row["on_demand"], encoding=row["encoding"],
                  width=row["width"], height=row["height"])
