"""Alarm rows <-> `core.alarms.Alarm`, and each camera's alarm settings (motion detection,
pre-alarm override).

An alarm's picture is a JPEG file under the media root (`snapshot`, relative), written and closed
before the row is inserted (DESIGN rule 1). Times are epoch ms UTC. Lists are newest first
(`time_ms` desc, then id desc), filtered in SQL over the `(time_ms, id)` and
`(camera_id, time_ms, id)` indexes, and bounded by `limit`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
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

from camvault.core.alarms import Alarm, AlarmFilter, CameraAlarmSettings
from camvault.core.motion import MotionSettings, MotionZone
from camvault.store.tables import ID_TYPE, metadata

MAX_DESCRIPTION_CHARS = 500

alarms = Table(
    "alarms", metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("camera_id", Integer, nullable=False),
    Column("time_ms", BigInteger, nullable=False),
    Column("record_ms", BigInteger, nullable=True),
    Column("end_ms", BigInteger, nullable=True),
    Column("kind", String(20), nullable=False),
    Column("description", String(MAX_DESCRIPTION_CHARS), nullable=False),
    Column("snapshot", Text, nullable=True),
    Index("ix_alarms_time", "time_ms", "id"),
    Index("ix_alarms_camera_time", "camera_id", "time_ms", "id"),
)

camera_alarm_settings = Table(
    "camera_alarm_settings", metadata,
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("motion_enabled", Boolean, nullable=False),
    Column("sensitivity", Integer, nullable=False),
    Column("min_area", Float, nullable=False),
    Column("release_s", Float, nullable=False),
    Column("zones", Text, nullable=False),
    Column("pre_alarm_s", Float, nullable=True),
)




class AlarmRepo:
    """Every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def insert(self, a: Alarm) -> Alarm:
        with self._engine.begin() as conn:
            result = conn.execute(insert(alarms).values(
                camera_id=a.camera_id, time_ms=a.time_ms, record_ms=a.record_ms, end_ms=a.end_ms, kind=a.kind,
                description=a.description[:MAX_DESCRIPTION_CHARS], snapshot=a.snapshot))
            new_id = result.inserted_primary_key[0]
        return Alarm(**{**a.__dict__, "id": new_id})

    def get(self, alarm_id: int) -> Alarm | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(alarms).where(alarms.c.id == alarm_id)).mappings().first()
        return _alarm(row) if row else None

    def list(self, where: AlarmFilter, *, limit: int, offset: int = 0) -> list[Alarm]:
        """One page, newest first."""
        query = select(alarms)
        if where.camera_ids is not None:
            query = query.where(alarms.c.camera_id.in_(where.camera_ids))
        if where.from_ms is not None:
            query = query.where(alarms.c.time_ms >= where.from_ms)
        if where.to_ms is not None:
            query = query.where(alarms.c.time_ms <= where.to_ms)
        if where.text:
            query = query.where(alarms.c.description.icontains(where.text, autoescape=True))
        if where.kind is not None:
            query = query.where(alarms.c.kind == where.kind)
        if where.active is not None:
            query = query.where(alarms.c.end_ms.is_(None) if where.active else alarms.c.end_ms.is_not(None))
        query = query.order_by(alarms.c.time_ms.desc(), alarms.c.id.desc()).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            return [_alarm(r) for r in conn.execute(query).mappings()]

    def set_record(self, alarm_id: int, record_ms: int, description: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(alarms).where(alarms.c.id == alarm_id).values(
                record_ms=record_ms, description=description[:MAX_DESCRIPTION_CHARS]))

    def set_end(self, alarm_ids: Iterable[int], end_ms: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(alarms).where(alarms.c.id.in_(list(alarm_ids))).values(end_ms=end_ms))


class AlarmSettingsRepo:
    """One row per camera that has its own alarm settings (cascade-deleted with the camera)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def put(self, camera_id: int, settings: CameraAlarmSettings) -> None:
        motion = settings.motion
        zones = json.dumps([[z.x, z.y, z.width, z.height] for z in motion.zones])
        with self._engine.begin() as conn:
            conn.execute(delete(camera_alarm_settings).where(camera_alarm_settings.c.camera_id == camera_id))
            conn.execute(insert(camera_alarm_settings).values(
                camera_id=camera_id, motion_enabled=motion.enabled, sensitivity=motion.sensitivity,
                min_area=motion.min_area, release_s=motion.release_s, zones=zones, pre_alarm_s=settings.pre_alarm_s))

    def get(self, camera_id: int) -> CameraAlarmSettings:
        """The camera's settings; the defaults when it has none."""
        with self._engine.connect() as conn:
            row = conn.execute(select(camera_alarm_settings)
                               .where(camera_alarm_settings.c.camera_id == camera_id)).mappings().first()
        if row is None:
            return CameraAlarmSettings()
        zones = tuple(MotionZone(*z) for z in json.loads(row["zones"]))
        motion = MotionSettings(enabled=row["motion_enabled"], sensitivity=row["sensitivity"],
                                min_area=row["min_area"], zones=zones, release_s=row["release_s"])
        return CameraAlarmSettings(motion=motion, pre_alarm_s=row["pre_alarm_s"])


def _alarm(row) -> Alarm:
    return Alarm(id=row["id"], camera_id=row["camera_id"], time_ms=row["time_ms"], kind=row["kind"],
                 description=row["description"], record_ms=row["record_ms"], end_ms=row["end_ms"],
                 snapshot=row["snapshot"])
