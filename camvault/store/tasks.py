"""Task rows (CamTrace "tasks"): background jobs with status, progress and the user who started them.

Every list is bounded (`limit`) and ordered newest first (id descending); finished tasks older
than a cut-off are forgotten by `forget_finished_before`. Thread-safe (short transactions).
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
    delete,
    func,
    insert,
    select,
    update,
)

from camvault.core.tasks import FINISHED_STATUSES, Task
from camvault.store.tables import metadata, users

tasks = Table(
    "tasks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("type", String(20), nullable=False),
    Column("status", String(10), nullable=False),
    Column("progress_pct", Integer, nullable=False),
    Column("user_id", Integer, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Index("ix_tasks_type_status", "type", "status"),
)


class TaskRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def insert(self, task_type: str, status: str, progress_pct: int, user_id: int | None, now_ms: int) -> int:
        with self._engine.begin() as conn:
            result = conn.execute(insert(tasks).values(type=task_type, status=status, progress_pct=progress_pct,
                                                       user_id=user_id, created_ms=now_ms, updated_ms=now_ms))
            return result.inserted_primary_key[0]

    def update(self, task_id: int, now_ms: int, *, status: str | None = None, progress_pct: int | None = None) -> None:
        values: dict = {"updated_ms": now_ms}
        if status is not None:
            values["status"] = status
        if progress_pct is not None:
            values["progress_pct"] = progress_pct
        with self._engine.begin() as conn:
            conn.execute(update(tasks).where(tasks.c.id == task_id).values(**values))

    def get(self, task_id: int) -> Task | None:
        with self._engine.connect() as conn:
            row = conn.execute(_select().where(tasks.c.id == task_id)).mappings().first()
        return _task(row) if row else None

    def list(self, *, task_type: str | None, status: str | None, limit: int, offset: int) -> list[Task]:
        """Newest first."""
        query = _select()
        if task_type is not None:
            query = query.where(tasks.c.type == task_type)
        if status is not None:
            query = query.where(tasks.c.status == status)
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(tasks.c.id.desc()).limit(limit).offset(offset)).mappings().all()
        return [_task(r) for r in rows]

    def finish_unfinished(self, status: str, now_ms: int) -> int:
        """Give every task still new or running `status` (startup: their process is gone)."""
        with self._engine.begin() as conn:
            return conn.execute(update(tasks).where(tasks.c.status.not_in(FINISHED_STATUSES))
                                .values(status=status, updated_ms=now_ms)).rowcount

    def forget_finished_before(self, cutoff_ms: int) -> int:
        with self._engine.begin() as conn:
            return conn.execute(delete(tasks).where(tasks.c.status.in_(FINISHED_STATUSES),
                                                    tasks.c.updated_ms < cutoff_ms)).rowcount

    def count(self) -> int:
        with self._engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(tasks)).scalar()


def _select():
    return select(tasks, users.c.name.label("user_name")).select_from(
        tasks.outerjoin(users, users.c.id == tasks.c.user_id))


def _task(row) -> Task:
    return Task(id=row["id"], type=row["type"], status=row["status"], progress_pct=row["progress_pct"],
                user_id=row["user_id"], user_name=row["user_name"], created_ms=row["created_ms"],
                updated_ms=row["updated_ms"])
