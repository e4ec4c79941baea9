"""Indexed queries behind the Bandit sessions dialect: video sessions (runs of slices) and image
files/sessions (snapshots and alarm pictures), each counted and paged in SQL, plus the few writes
the dialect makes (forgetting a snapshot, an alarm's picture).

Sessions are found with window functions (SQLite >= 3.28 and PostgreSQL): a slice starts a session
when it starts more than `tolerance_ms` after the latest stop of the earlier slices of its run
(camera, stream, type), the rule of `core.bandit.group_sessions`. Listings are ordered like the
dialect's file names: time, camera, then stream and type (videos) or kind and id (images).
Every method is one short read or transaction; times are epoch ms UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Engine,
    String,
    and_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)

from camvault.core.bandit import VideoKey
from camvault.core.model import Slice
from camvault.store.alarms import alarms
from camvault.store.slices import _slice
from camvault.store.snapshots import snapshots
from camvault.store.tables import slices

MAX_BURST_SPAN_MS = 86_400_000
"""An alarm gathers snapshots for at most a day (the longest alarm `recording.alarm_max_s`
allows): it bounds the index range the burst lookup reads."""


@dataclass(frozen=True)
class SessionRow:
    """One video session: its first slice, how many slices, its last stop and total size."""

    first: Slice
    files: int
    stop_ms: int
    size_bytes: int


@dataclass(frozen=True)
class ImageRow:
    """A snapshot (`kind` "snapshot") or an alarm picture ("alarm"). `alarm_id` is the alarm whose
    burst the image belongs to (an alarm picture: its own alarm), None for a single snapshot."""

    kind: str
    id: int
    camera_id: int
    time_ms: int
    path: str
    alarm_id: int | None


class BanditQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- videos ---------------------------------------------------------------------------------
    def video_sessions(self, camera_ids: list[int] | None, *, tolerance_ms: int, descending: bool, offset: int,
                       limit: int) -> tuple[int, list[SessionRow]]:
        """Total number of sessions and one page of them."""
        sessions = _sessions(camera_ids, tolerance_ms)
        keys = (sessions.c.start_ms, sessions.c.camera_id, sessions.c.stream_id, sessions.c.type)
        first = slices.alias("first")
        page = (select(first, sessions.c.files, sessions.c.stop_ms.label("session_stop_ms"),
                       sessions.c.size_bytes.label("session_size_bytes"))
                .join(first, and_(first.c.camera_id == sessions.c.camera_id, first.c.stream_id == sessions.c.stream_id,
                                  first.c.type == sessions.c.type, first.c.start_ms == sessions.c.start_ms))
                .order_by(*(k.desc() if descending else k for k in keys)).limit(limit).offset(offset))
        with self._engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(sessions)).scalar_one()
            rows = conn.execute(page).mappings().all() if limit else []
        return total, [SessionRow(_slice(r), r["files"], r["session_stop_ms"], r["session_size_bytes"])
                       for r in rows]

    def video_files(self, camera_ids: list[int] | None, *, descending: bool, offset: int,
                    limit: int) -> tuple[int, list[Slice]]:
        where = slices.c.camera_id.in_(camera_ids) if camera_ids is not None else True
        keys = (slices.c.start_ms, slices.c.camera_id, slices.c.stream_id, slices.c.type)
        page = (select(slices).where(where).order_by(*(k.desc() if descending else k for k in keys))
                .limit(limit).offset(offset))
        with self._engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(slices).where(where)).scalar_one()
            rows = conn.execute(page).mappings().all() if limit else []
        return total, [_slice(r) for r in rows]

    def slice_by_key(self, key: VideoKey) -> Slice | None:
        query = select(slices).where(slices.c.camera_id == key.camera_id, slices.c.stream_id == key.stream_id,
                                     slices.c.start_ms == key.start_ms, slices.c.type == key.type)
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _slice(row) if row else None

    def session_files(self, first: Slice, *, tolerance_ms: int) -> int:
        """How many slices the session starting with `first` has."""
        sessions = _sessions([first.camera_id], tolerance_ms)
        query = select(sessions.c.files).where(sessions.c.stream_id == first.stream_id,
                                               sessions.c.type == first.type, sessions.c.start_ms == first.start_ms)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar() or 0

    def count_alarms(self, camera_id: int, from_ms: int, to_ms: int) -> int:
        """Alarms of the camera raised within [from_ms, to_ms]."""
        query = select(func.count()).select_from(alarms).where(
            alarms.c.camera_id == camera_id, alarms.c.time_ms >= from_ms, alarms.c.time_ms <= to_ms)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def recorded_bytes_since(self, since_ms: int) -> int:
        """Bytes of every camera's slices started since `since_ms` (all cameras share the disk)."""
        query = select(func.coalesce(func.sum(slices.c.size_bytes), 0)).where(slices.c.start_ms >= since_ms)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # --- images ---------------------------------------------------------------------------------
    def image_files(self, camera_ids: list[int] | None, *, open_ms: int, descending: bool, offset: int,
                    limit: int) -> tuple[int, list[ImageRow]]:
        return self._image_page(_image_union(camera_ids, open_ms, singles_only=False), descending, offset, limit)

    def image_sessions(self, camera_ids: list[int] | None, *, open_ms: int, descending: bool, offset: int,
                       limit: int) -> tuple[int, list[ImageRow]]:
        """Bursts (alarms with a picture, listed as their picture) and single snapshots."""
        return self._image_page(_image_union(camera_ids, open_ms, singles_only=True), descending, offset, limit)

    def image_by_id(self, kind: str, row_id: int, *, open_ms: int) -> ImageRow | None:
        if kind == "snapshot":
            query = _snapshot_rows(open_ms).where(snapshots.c.id == row_id)
        else:
            query = _alarm_picture_rows().where(alarms.c.id == row_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _image(row) if row else None

    def burst_members(self, alarm: ImageRow, end_ms: int, *, open_ms: int) -> list[ImageRow]:
        """The snapshots in the burst of an alarm picture (not the picture itself), by time then id;
        `end_ms`: the end of the alarm's burst window."""
        shots = _snapshot_rows(open_ms).where(snapshots.c.camera_id == alarm.camera_id,
                                              snapshots.c.time_ms >= alarm.time_ms, snapshots.c.time_ms <= end_ms)
        shots = shots.subquery("shots")
        query = select(shots).where(shots.c.alarm_id == alarm.alarm_id).order_by(shots.c.time_ms, shots.c.id)
        with self._engine.connect() as conn:
            return [_image(r) for r in conn.execute(query).mappings()]

    def alarm_end_ms(self, alarm_id: int) -> int | None:
        with self._engine.connect() as conn:
            return conn.execute(select(alarms.c.end_ms).where(alarms.c.id == alarm_id)).scalar()

    def forget_snapshot(self, snapshot_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(snapshots).where(snapshots.c.id == snapshot_id))

    def forget_alarm_picture(self, alarm_id: int) -> None:
        """The alarm stays (its event, its log line); only its picture is dropped."""
        with self._engine.begin() as conn:
            conn.execute(update(alarms).where(alarms.c.id == alarm_id).values(snapshot=None))

    def _image_page(self, union, descending: bool, offset: int, limit: int) -> tuple[int, list[ImageRow]]:
        keys = (union.c.time_ms, union.c.camera_id, union.c.kind, union.c.id)
        page = select(union).order_by(*(k.desc() if descending else k for k in keys)).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(union)).scalar_one()
            rows = conn.execute(page).mappings().all() if limit else []
        return total, [_image(r) for r in rows]


def _sessions(camera_ids: list[int] | None, tolerance_ms: int):
    """One row per session: run key, first start, slice count, last stop, total size."""
    run = (slices.c.camera_id, slices.c.stream_id, slices.c.type)
    latest_before = func.max(slices.c.stop_ms).over(partition_by=run, order_by=(slices.c.start_ms, slices.c.id),
                                                    rows=(None, -1))
    marked = select(*run, slices.c.id, slices.c.start_ms, slices.c.stop_ms, slices.c.size_bytes,
                    latest_before.label("latest_stop_ms"))
    if camera_ids is not None:
        marked = marked.where(slices.c.camera_id.in_(camera_ids))
    marked = marked.subquery("marked")
    starts = case((or_(marked.c.latest_stop_ms.is_(None), marked.c.start_ms > marked.c.latest_stop_ms + tolerance_ms),
                   1), else_=0)
    mrun = (marked.c.camera_id, marked.c.stream_id, marked.c.type)
    numbered = select(marked, func.sum(starts).over(partition_by=mrun, order_by=(marked.c.start_ms, marked.c.id))
                      .label("session_no")).subquery("numbered")
    nrun = (numbered.c.camera_id, numbered.c.stream_id, numbered.c.type)
    return (select(*nrun, func.min(numbered.c.start_ms).label("start_ms"), func.count().label("files"),
                   func.max(numbered.c.stop_ms).label("stop_ms"), func.sum(numbered.c.size_bytes).label("size_bytes"))
            .group_by(*nrun, numbered.c.session_no).subquery("sessions"))


def _burst_alarm(open_ms: int):
    """The alarm whose burst a snapshot belongs to: the latest alarm with a picture of its camera
    that started at or before it and had not ended (correlated with `snapshots`)."""
    a = alarms.alias("burst")
    return (select(a.c.id)
            .where(a.c.camera_id == snapshots.c.camera_id, a.c.snapshot.is_not(None),
                   a.c.time_ms <= snapshots.c.time_ms, a.c.time_ms >= snapshots.c.time_ms - MAX_BURST_SPAN_MS,
                   snapshots.c.time_ms <= func.coalesce(a.c.end_ms, a.c.time_ms + open_ms))
            .order_by(a.c.time_ms.desc(), a.c.id.desc()).limit(1).scalar_subquery())


def _snapshot_rows(open_ms: int):
    return select(literal("snapshot", String(8)).label("kind"), snapshots.c.id, snapshots.c.camera_id,
                  snapshots.c.time_ms, snapshots.c.path, _burst_alarm(open_ms).label("alarm_id"))


def _alarm_picture_rows():
    return select(literal("alarm", String(8)).label("kind"), alarms.c.id, alarms.c.camera_id, alarms.c.time_ms,
                  alarms.c.snapshot.label("path"), alarms.c.id.label("alarm_id")).where(alarms.c.snapshot.is_not(None))


def _image_union(camera_ids: list[int] | None, open_ms: int, *, singles_only: bool):
    shots, pictures = _snapshot_rows(open_ms), _alarm_picture_rows()
    if camera_ids is not None:
        shots = shots.where(snapshots.c.camera_id.in_(camera_ids))
        pictures = pictures.where(alarms.c.camera_id.in_(camera_ids))
    if singles_only:
        shots = shots.where(_burst_alarm(open_ms).is_(None))
    return union_all(shots, pictures).subquery("images")


def _image(row) -> ImageRow:
    return ImageRow(row["kind"], row["id"], row["camera_id"], row["time_ms"], row["path"], row["alarm_id"])
