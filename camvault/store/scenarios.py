"""Scenario rows (table `scenarios`) <-> `core.scenarios.Scenario`.

The rule is kept as JSON: `when_json` the trigger's fields, `then_json` the list of actions' fields
(dataclass field names). Ids are chosen by the caller (config scenarios keep the id of the file,
API ones take `next_id()`). Every method is one short transaction; lists are ordered by id.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields

from sqlalchemy import Engine, delete, func, insert, select, update

from camvault.core.scenarios import Action, Scenario, Trigger
from camvault.store.tables import scenarios


class ScenarioRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list(self) -> list[Scenario]:
        with self._engine.connect() as conn:
            return [_scenario(r) for r in conn.execute(select(scenarios).order_by(scenarios.c.id)).mappings()]

    def get(self, scenario_id: int) -> Scenario | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(scenarios).where(scenarios.c.id == scenario_id)).mappings().first()
        return _scenario(row) if row else None

    def next_id(self) -> int:
        with self._engine.connect() as conn:
            return (conn.execute(select(func.max(scenarios.c.id))).scalar() or 0) + 1

    def upsert(self, s: Scenario, created_ms: int) -> None:
        """Insert the scenario or replace every field of the one with its id."""
        values = {"name": s.name, "ignored": s.ignored, "origin": s.origin,
                  "when_json": json.dumps(asdict(s.trigger)), "then_json": json.dumps([asdict(a) for a in s.actions])}
        with self._engine.begin() as conn:
            found = conn.execute(update(scenarios).where(scenarios.c.id == s.id).values(**values)).rowcount
            if not found:
                conn.execute(insert(scenarios).values(id=s.id, created_ms=created_ms, **values))

    def set_ignored(self, scenario_id: int, ignored: bool) -> bool:
        with self._engine.begin() as conn:
            return conn.execute(update(scenarios).where(scenarios.c.id == scenario_id)
                                .values(ignored=ignored)).rowcount > 0

    def delete(self, scenario_id: int) -> bool:
        with self._engine.begin() as conn:
            return conn.execute(delete(scenarios).where(scenarios.c.id == scenario_id)).rowcount > 0


def _scenario(row) -> Scenario:
    actions = tuple(_from_json(Action, a) for a in json.loads(row["then_json"]))
    return Scenario(row["id"], row["name"], bool(row["ignored"]), _from_json(Trigger, json.loads(row["when_json"])),
                    actions, origin=row["origin"])


def _from_json(cls, data: dict):
    """A Trigger or Action from its stored fields (lists back to tuples; unknown fields dropped)."""
    known = {f.name for f in fields(cls)}
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known})
