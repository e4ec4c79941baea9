"""Passive screen rows <-> `core.screens.Screen`. Ids are given by the caller (config screens keep
theirs; `next_id` for API screens), as for cameras. A deleted camera blanks its screens (the
foreign key sets `camera_id` to NULL)."""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, insert, select, update

from camvault.core.screens import Screen
from camvault.store.tables import screens


class ScreenRepo:
    """Every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list(self) -> list[Screen]:
        """Every screen, by id."""
        with self._engine.connect() as conn:
            return [_screen(r) for r in conn.execute(select(screens).order_by(screens.c.id)).mappings()]

    def get(self, screen_id: int) -> Screen | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(screens).where(screens.c.id == screen_id)).mappings().first()
        return _screen(row) if row else None

    def next_id(self) -> int:
        with self._engine.connect() as conn:
            return (conn.execute(select(func.max(screens.c.id))).scalar() or 0) + 1

    def insert(self, s: Screen) -> None:
        with self._engine.begin() as conn:
            conn.execute(insert(screens).values(id=s.id, **_values(s), **_assignment(s)))

    def update_definition(self, s: Screen) -> None:
        """Name, number, host, display code and origin; what the screen shows is kept."""
        with self._engine.begin() as conn:
            conn.execute(update(screens).where(screens.c.id == s.id).values(**_values(s)))

    def set_assignment(self, s: Screen) -> bool:
        """Store what `s` shows; False when the screen no longer exists."""
        with self._engine.begin() as conn:
            result = conn.execute(update(screens).where(screens.c.id == s.id).values(**_assignment(s)))
        return result.rowcount == 1

    def delete(self, screen_id: int) -> bool:
        with self._engine.begin() as conn:
            return conn.execute(delete(screens).where(screens.c.id == screen_id)).rowcount == 1


def _values(s: Screen) -> dict:
    return dict(num=s.num, name=s.name, host=s.host, display_code=s.display_code, origin=s.origin)


def _assignment(s: Screen) -> dict:
    return dict(server_id=s.server_id, camera_id=s.camera_id, mosaic_id=s.mosaic_id)


def _screen(row) -> Screen:
    return Screen(id=row["id"], num=row["num"], name=row["name"], host=row["host"],
                  display_code=row["display_code"], server_id=row["server_id"], camera_id=row["camera_id"],
                  mosaic_id=row["mosaic_id"], origin=row["origin"])
