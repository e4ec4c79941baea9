"""Command rows (table `commands`, CamTrace exturls) <-> `core.commands.Command`.

`urls` is a JSON list of strings kept in run order. Every method is one short transaction; the
list is ordered by id. Times are epoch ms UTC.
"""

from __future__ import annotations

import json

from sqlalchemy import Engine, delete, insert, select, update

from camvault.core.commands import Command
from camvault.store.tables import commands


class CommandRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list(self) -> list[Command]:
        with self._engine.connect() as conn:
            return [_command(r) for r in conn.execute(select(commands).order_by(commands.c.id)).mappings()]

    def get(self, command_id: int) -> Command | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(commands).where(commands.c.id == command_id)).mappings().first()
        return _command(row) if row else None

    def insert(self, name: str, urls: tuple[str, ...], created_ms: int) -> Command:
        with self._engine.begin() as conn:
            result = conn.execute(insert(commands).values(name=name, urls=json.dumps(list(urls)),
                                                          created_ms=created_ms))
            new_id = result.inserted_primary_key[0]
        return Command(new_id, name, urls)

    def update(self, command: Command) -> bool:
        """Replace name and urls; False if there is no such command."""
        with self._engine.begin() as conn:
            result = conn.execute(update(commands).where(commands.c.id == command.id)
                                  .values(name=command.name, urls=json.dumps(list(command.urls))))
        return result.rowcount > 0

    def delete(self, command_id: int) -> bool:
        with self._engine.begin() as conn:
            return conn.execute(delete(commands).where(commands.c.id == command_id)).rowcount > 0


def _command(row) -> Command:
    return Command(row["id"], row["name"], tuple(json.loads(row["urls"])))
