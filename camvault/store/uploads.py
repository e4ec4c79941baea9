"""The persistent slice upload queue and where each slice lives in S3 (table `slice_uploads`).

States: `queued` -> `uploaded` (object confirmed), or `deleting` once the slice itself was deleted
(the object is removed next, then the row). Every update that moves a state names the state it
expects, so a slice deleted while its upload runs is never marked uploaded. Times epoch ms UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from camvault.core.model import Slice
from camvault.store.tables import slice_uploads, slices

BATCH = 500
QUEUED, UPLOADED, DELETING = "queued", "uploaded", "deleting"


@dataclass(frozen=True)
class UploadRow:
    id: int
    slice_id: int
    camera_id: int
    path: str
    stop_ms: int
    size_bytes: int
    state: str
    enqueued_ms: int
    attempts: int
    next_try_ms: int
    object_key: str | None
    uploaded_at_ms: int | None
    upload_ms: int | None
    local_removed: bool


class UploadRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- the queue ------------------------------------------------------------------------------
    def enqueue(self, s: Slice, now_ms: int) -> bool:
        """Queue a slice for upload; False when it already has a row (queued or uploaded)."""
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(slice_uploads).values(_queued(s, now_ms)))
        except IntegrityError:
            return False
        return True

    def enqueue_missing(self, now_ms: int) -> int:
        """Queue every indexed slice that has no row (indexed while S3 was off, or a crash right
        after indexing); returns how many."""
        known = select(slice_uploads.c.path)
        query = select(slices).where(slices.c.path.not_in(known)).order_by(slices.c.id).limit(BATCH)
        count = 0
        while True:
            with self._engine.begin() as conn:
                rows = list(conn.execute(query).mappings())
                for row in rows:
                    conn.execute(insert(slice_uploads).values(_queued(_as_slice(row), now_ms)))
            count += len(rows)
            if len(rows) < BATCH:
                return count

    def next_due(self, now_ms: int, skip_slice_ids: Iterable[int] = ()) -> UploadRow | None:
        """The oldest queued slice whose next attempt is due."""
        query = (select(slice_uploads).where(slice_uploads.c.state == QUEUED, slice_uploads.c.next_try_ms <= now_ms)
                 .order_by(slice_uploads.c.stop_ms, slice_uploads.c.id).limit(1))
        skip = list(skip_slice_ids)
        if skip:
            query = query.where(slice_uploads.c.slice_id.not_in(skip))
        return self._first(query)

    def next_try_ms(self) -> int | None:
        """When the earliest queued attempt is due (None: queue empty)."""
        with self._engine.connect() as conn:
            return conn.execute(select(func.min(slice_uploads.c.next_try_ms))
                                .where(slice_uploads.c.state == QUEUED)).scalar()

    def mark_failed(self, row_id: int, next_try_ms: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(slice_uploads).where(slice_uploads.c.id == row_id, slice_uploads.c.state == QUEUED)
                         .values(attempts=slice_uploads.c.attempts + 1, next_try_ms=next_try_ms))

    def mark_uploaded(self, row_id: int, object_key: str, uploaded_at_ms: int, upload_ms: int) -> bool:
        """Record the confirmed object; False when the row is no longer queued (slice deleted meanwhile)."""
        with self._engine.begin() as conn:
            done = conn.execute(update(slice_uploads).where(slice_uploads.c.id == row_id,
                                                            slice_uploads.c.state == QUEUED)
                                .values(state=UPLOADED, object_key=object_key, uploaded_at_ms=uploaded_at_ms,
                                        upload_ms=upload_ms))
        return done.rowcount == 1

    # --- local copies ---------------------------------------------------------------------------
    def local_removable(self, uploaded_before_ms: int, limit: int) -> list[UploadRow]:
        """Uploaded slices whose local file may go (uploaded before the given time)."""
        return self._all(select(slice_uploads).where(
            slice_uploads.c.state == UPLOADED, slice_uploads.c.local_removed.is_(False),
            slice_uploads.c.uploaded_at_ms <= uploaded_before_ms).order_by(slice_uploads.c.uploaded_at_ms).limit(limit))

    def mark_local_removed(self, row_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(slice_uploads).where(slice_uploads.c.id == row_id).values(local_removed=True))

    # --- reading and deleting -------------------------------------------------------------------
    def object_key(self, slice_id: int) -> str | None:
        """The confirmed object of a slice, None when it is not (yet) in S3."""
        with self._engine.connect() as conn:
            return conn.execute(select(slice_uploads.c.object_key).where(
                slice_uploads.c.slice_id == slice_id, slice_uploads.c.state == UPLOADED).limit(1)).scalar()

    def uploaded_paths(self) -> set[str]:
        """Paths of every slice confirmed in S3 (startup reconciliation: their file may be gone)."""
        with self._engine.connect() as conn:
            return {p for (p,) in conn.execute(select(slice_uploads.c.path).where(slice_uploads.c.state == UPLOADED))}

    def mark_deleting(self, slice_ids: Iterable[int]) -> None:
        """The slices were deleted: their objects go next."""
        ids = list(slice_ids)
        with self._engine.begin() as conn:
            for start in range(0, len(ids), BATCH):
                conn.execute(update(slice_uploads).where(slice_uploads.c.slice_id.in_(ids[start:start + BATCH]))
                             .values(state=DELETING))

    def mark_orphans_deleting(self) -> int:
        """Rows whose slice row is gone (deleted before the hook ran, or dropped by reconciliation)."""
        with self._engine.begin() as conn:
            done = conn.execute(update(slice_uploads).where(slice_uploads.c.state != DELETING,
                                                            slice_uploads.c.path.not_in(select(slices.c.path)))
                                .values(state=DELETING))
        return done.rowcount

    def deleting(self, limit: int) -> list[UploadRow]:
        return self._all(select(slice_uploads).where(slice_uploads.c.state == DELETING)
                         .order_by(slice_uploads.c.id).limit(limit))

    def forget(self, row_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(slice_uploads).where(slice_uploads.c.id == row_id))

    # --- metrics --------------------------------------------------------------------------------
    def backlog(self, camera_id: int) -> int:
        with self._engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(slice_uploads).where(
                slice_uploads.c.camera_id == camera_id, slice_uploads.c.state == QUEUED)).scalar_one()

    def latest_uploads(self, camera_id: int, since_ms: int, limit: int) -> list[UploadRow]:
        """The camera's uploads done since a time, newest first (and at least its latest one)."""
        query = (select(slice_uploads).where(slice_uploads.c.camera_id == camera_id,
                                             slice_uploads.c.state == UPLOADED)
                 .order_by(slice_uploads.c.uploaded_at_ms.desc()))
        recent = self._all(query.where(slice_uploads.c.uploaded_at_ms >= since_ms).limit(limit))
        return recent or self._all(query.limit(1))

    def rows(self) -> list[UploadRow]:
        """Every row (tests and tools; small tables only)."""
        return self._all(select(slice_uploads).order_by(slice_uploads.c.id))

    def _first(self, query) -> UploadRow | None:
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return UploadRow(**row) if row else None

    def _all(self, query) -> list[UploadRow]:
        with self._engine.connect() as conn:
            return [UploadRow(**r) for r in conn.execute(query).mappings()]


def _queued(s: Slice, now_ms: int) -> dict:
    return {"slice_id": s.id, "camera_id": s.camera_id, "path": s.path, "stop_ms": s.stop_ms,
            "size_bytes": s.size_bytes, "state": QUEUED, "enqueued_ms": now_ms, "attempts": 0,
            "next_try_ms": now_ms, "local_removed": False}


def _as_slice(row) -> Slice:
    return Slice(id=row["id"], camera_id=row["camera_id"], stream_id=row["stream_id"], start_ms=row["start_ms"],
                 stop_ms=row["stop_ms"], type=row["type"], size_bytes=row["size_bytes"], path=row["path"],
                 protected=row["protected"])
