"""Node-wide settings kept in the database (key -> text), e.g. the server secret used to derive
decoy salts and sign session tokens."""

from __future__ import annotations

import secrets

from sqlalchemy import Column, Engine, String, Table, Text, insert, select
from sqlalchemy.exc import IntegrityError

from camvault.store.tables import metadata

settings = Table(
    "settings", metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)


class SettingsRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, key: str) -> str | None:
        with self._engine.connect() as conn:
            return conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()

    def get_or_create(self, key: str, make) -> str:
        """The value, created with `make()` on first use (safe if two processes race)."""
        value = self.get(key)
        if value is not None:
            return value
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(settings).values(key=key, value=make()))
        except IntegrityError:
            pass
        return self.get(key)

    def secret(self) -> bytes:
        """This node's random 32-byte secret."""
        return bytes.fromhex(self.get_or_create("server_secret", lambda: secrets.token_hex(32)))
