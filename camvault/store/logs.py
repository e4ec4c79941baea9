"""The user-action log and the system log (tables and repositories).

Lists are newest first, filtered in SQL with indexes on time; counts are bounded queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
)

from camvault.store.tables import ID_TYPE, metadata

user_actions = Table(
    "user_actions", metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("user_id", Integer, nullable=False),
    Column("user_name", String(100), nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("ip", String(64), nullable=False),
    Column("action", String(100), nullable=False),
    Column("description", Text, nullable=False),
    Index("ix_user_actions_at", "at_ms"),
    Index("ix_user_actions_user_at", "user_id", "at_ms"),
)

system_logs = Table(
    "system_logs", metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("at_ms", BigInteger, nullable=False),
    Column("level", String(10), nullable=False),
    Column("name", String(200), nullable=False),
    Column("event", Text, nullable=False),
    Index("ix_system_logs_at", "at_ms"),
)


@dataclass(frozen=True)
class UserAction:
    id: int
    user_id: int
    user_name: str
    at_ms: int
    ip: str
    action: str
    description: str


@dataclass(frozen=True)
class SystemLogEntry:
    id: int
    at_ms: int
    level: str
    name: str
    event: str


class UserActionRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, user_id: int, user_name: str, at_ms: int, ip: str, action: str, description: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(insert(user_actions).values(user_id=user_id, user_name=user_name, at_ms=at_ms, ip=ip[:64],
                                                     action=action[:100], description=description[:2000]))

    def page(self, *, user_id: int | None, from_ms: int | None, to_ms: int | None, limit: int,
             offset: int) -> tuple[int, list[UserAction]]:
        conds = []
        if user_id is not None:
            conds.append(user_actions.c.user_id == user_id)
        if from_ms is not None:
            conds.append(user_actions.c.at_ms >= from_ms)
        if to_ms is not None:
            conds.append(user_actions.c.at_ms <= to_ms)
        with self._engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(user_actions).where(*conds)).scalar()
            rows = conn.execute(select(user_actions).where(*conds)
                                .order_by(user_actions.c.at_ms.desc(), user_actions.c.id.desc())
                                .limit(limit).offset(offset)).mappings().all()
        return total, [UserAction(**row) for row in rows]


class SystemLogRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_many(self, entries: list[tuple[int, str, str, str]]) -> None:
        """Insert (at_ms, level, name, event) rows in one transaction."""
        if not entries:
            return
        with self._engine.begin() as conn:
            conn.execute(insert(system_logs), [dict(at_ms=a, level=lv, name=n[:200], event=e) for a, lv, n, e in entries])

    def newest(self, *, levels: list[str] | None, contains: str | None, case_sensitive: bool, negative: bool,
               limit: int, offset: int = 0, before_id: int | None = None) -> list[SystemLogEntry]:
        """Newest first; `contains` is a plain substring filter done in SQL."""
        query = _filtered(select(system_logs), levels, contains, case_sensitive, negative)
        if before_id is not None:
            query = query.where(system_logs.c.id < before_id)
        query = query.order_by(system_logs.c.id.desc()).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            return [SystemLogEntry(**row) for row in conn.execute(query).mappings()]

    def count(self, *, levels: list[str] | None, contains: str | None, case_sensitive: bool,
              negative: bool) -> int:
        query = _filtered(select(func.count()).select_from(system_logs), levels, contains, case_sensitive, negative)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar()

    def prune_before(self, at_ms: int) -> int:
        with self._engine.begin() as conn:
            return conn.execute(delete(system_logs).where(system_logs.c.at_ms < at_ms)).rowcount


def _filtered(query, levels: list[str] | None, contains: str | None, case_sensitive: bool, negative: bool):
    if levels is not None:
        query = query.where(system_logs.c.level.in_(levels))
    if contains:
        pattern = "%" + contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        column = system_logs.c.event
        test = column.like(pattern, escape="\\") if case_sensitive else column.ilike(pattern, escape="\\")
        query = query.where(~test if negative else test)
    return query
