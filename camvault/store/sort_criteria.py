"""Sort criterion rows <-> `core.sort_criteria.SortCriterion`.

`is_default` is TRUE on the default criterion and NULL on the others; a unique index on it lets at
most one row be the default, even under concurrent writes (a write that would make a second one
fails and is reported as `DefaultRace`). That there is one whenever any criterion exists is kept by
these methods: the first criterion becomes the default, and the service refuses to delete or
un-default it while others exist. Deleting a criterion sets the folders using it back to the
default (their `regex_id` becomes NULL, also by the foreign key). Every method is one transaction.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from camvault.core.sort_criteria import SortCriterion
from camvault.store.tables import folders, sort_criteria


class DefaultRace(Exception):
    """Another transaction changed the default criterion at the same time."""


class SortCriterionRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list(self) -> list[SortCriterion]:
        with self._engine.connect() as conn:
            return [_criterion(r) for r in conn.execute(select(sort_criteria).order_by(sort_criteria.c.id)).mappings()]

    def get(self, criterion_id: int) -> SortCriterion | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(sort_criteria).where(sort_criteria.c.id == criterion_id)).mappings().first()
        return _criterion(row) if row else None

    def default(self) -> SortCriterion | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(sort_criteria).where(sort_criteria.c.is_default.is_(True))).mappings().first()
        return _criterion(row) if row else None

    def insert(self, name: str, pattern: str, groups: tuple[int, ...], *, make_default: bool) -> SortCriterion:
        """A new criterion; it becomes the default when asked or when there is no default yet."""
        try:
            with self._engine.begin() as conn:
                has_default = conn.execute(select(sort_criteria.c.id)
                                           .where(sort_criteria.c.is_default.is_(True))).first() is not None
                if make_default:
                    _unset_default(conn)
                new_id = conn.execute(insert(sort_criteria).values(
                    name=name, pattern=pattern, groups=_groups_text(groups),
                    is_default=True if make_default or not has_default else None)).inserted_primary_key[0]
                row = conn.execute(select(sort_criteria).where(sort_criteria.c.id == new_id)).mappings().one()
        except IntegrityError:
            raise DefaultRace() from None
        return _criterion(row)

    def update(self, criterion_id: int, *, name: str | None = None, pattern: str | None = None,
               groups: tuple[int, ...] | None = None, make_default: bool = False) -> SortCriterion | None:
        """Change what is given (`make_default` moves the default here); None if there is no such row."""
        values: dict[str, object] = {}
        if name is not None:
            values["name"] = name
        if pattern is not None and groups is not None:
            values.update(pattern=pattern, groups=_groups_text(groups))
        try:
            with self._engine.begin() as conn:
                where = sort_criteria.c.id == criterion_id
                if conn.execute(select(sort_criteria.c.id).where(where).with_for_update()).first() is None:
                    return None
                if make_default:
                    _unset_default(conn, keep=criterion_id)
                    values["is_default"] = True
                if values:
                    conn.execute(update(sort_criteria).where(where).values(**values))
                row = conn.execute(select(sort_criteria).where(where)).mappings().one()
        except IntegrityError:
            raise DefaultRace() from None
        return _criterion(row)

    def delete(self, criterion_id: int) -> bool:
        """Delete the row; folders that used it use the default from now on."""
        with self._engine.begin() as conn:
            conn.execute(update(folders).where(folders.c.regex_id == criterion_id).values(regex_id=None))
            return conn.execute(delete(sort_criteria).where(sort_criteria.c.id == criterion_id)).rowcount > 0


def _unset_default(conn: Connection, keep: int | None = None) -> None:
    query = update(sort_criteria).where(sort_criteria.c.is_default.is_(True))
    if keep is not None:
        query = query.where(sort_criteria.c.id != keep)
    conn.execute(query.values(is_default=None))


def _groups_text(groups: tuple[int, ...]) -> str:
    return ",".join(str(g) for g in groups)


def _criterion(row) -> SortCriterion:
    return SortCriterion(id=row["id"], name=row["name"], pattern=row["pattern"],
                         groups=tuple(int(g) for g in row["groups"].split(",") if g),
                         is_default=bool(row["is_default"]))
