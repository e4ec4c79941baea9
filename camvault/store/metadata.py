"""Metadata connector rows <-> `core.metadata.Connector` (with the cameras they are linked to), and
metadata event rows <-> `core.metadata.MetadataEvent`.

An event is one `metadata_events` row plus one typed `metadata_event_params` row per parameter
(text also lower-cased in `folded_value`, so `ilike` reads the same on SQLite and PostgreSQL).
Deleting a connector deletes its events (foreign keys, ON DELETE CASCADE). Every method is one
short transaction. Times: event `time_us` epoch µs UTC, `received_ms`/`created_ms` epoch ms.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from camvault.core.metadata import EVENT_TYPES, Connector, MetadataEvent, ParamValue
from camvault.core.metadata_search import Condition
from camvault.store.metadata_search import condition_sql
from camvault.store.tables import cameras, metadata_connector_cameras, metadata_connectors, metadata_event_params
from camvault.store.tables import metadata_events as events

links = metadata_connector_cameras
params_t = metadata_event_params


class ConnectorRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def insert(self, c: Connector, now_ms: int) -> bool:
        """False when the uuid is taken; LookupError names cameras that do not exist."""
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(metadata_connectors).values(uuid=c.uuid, created_ms=now_ms, **_columns(c)))
                _link(conn, c)
        except IntegrityError:
            if self.get(c.uuid) is None:
                raise
            return False
        return True

    def update(self, c: Connector) -> bool:
        """Replace a connector's fields and cameras; False when it does not exist."""
        with self._engine.begin() as conn:
            done = conn.execute(update(metadata_connectors).where(metadata_connectors.c.uuid == c.uuid)
                                .values(**_columns(c)))
            if done.rowcount != 1:
                return False
            conn.execute(delete(links).where(links.c.connector_uuid == c.uuid))
            _link(conn, c)
        return True

    def delete(self, uuid: str) -> bool:
        with self._engine.begin() as conn:
            return conn.execute(delete(metadata_connectors).where(metadata_connectors.c.uuid == uuid)).rowcount == 1

    def get(self, uuid: str) -> Connector | None:
        found = self._select(uuid)
        return found[0] if found else None

    def list(self) -> list[Connector]:
        """Every connector, by name."""
        return self._select(None)

    def count(self) -> int:
        with self._engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(metadata_connectors)).scalar_one()

    def _select(self, uuid: str | None) -> list[Connector]:
        query = select(metadata_connectors).order_by(metadata_connectors.c.name, metadata_connectors.c.uuid)
        link_query = select(links).order_by(links.c.camera_id)
        if uuid is not None:
            query = query.where(metadata_connectors.c.uuid == uuid)
            link_query = link_query.where(links.c.connector_uuid == uuid)
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            linked = conn.execute(link_query).mappings().all()
        cams: dict[str, list[int]] = {}
        for link in linked:
            cams.setdefault(link["connector_uuid"], []).append(link["camera_id"])
        return [Connector(r["uuid"], r["name"], tuple(cams.get(r["uuid"], ())), _split(r["event_types"]),
                          _split(r["alarm_types"])) for r in rows]


class MetadataEventRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def insert(self, e: MetadataEvent, received_ms: int) -> bool:
        """Store an event and its parameters; False when its event id is already stored."""
        try:
            with self._engine.begin() as conn:
                row_id = conn.execute(insert(events).values(
                    event_id=e.event_id, connector_uuid=e.connector_uuid, type=e.type, time_us=e.time_us,
                    received_ms=received_ms)).inserted_primary_key[0]
                if e.params:
                    conn.execute(insert(params_t), [_param_row(row_id, n, v) for n, v in e.params.items()])
        except IntegrityError:
            if not self.exists(e.event_id):
                raise
            return False
        return True

    def exists(self, event_id: str) -> bool:
        with self._engine.connect() as conn:
            return conn.execute(select(events.c.id).where(events.c.event_id == event_id)).first() is not None

    def search(self, connector_uuid: str, conditions: list[Condition], *, limit: int,
               offset: int = 0) -> list[MetadataEvent]:
        """The connector's events matching every condition, oldest first."""
        query = select(events).where(events.c.connector_uuid == connector_uuid,
                                     *(condition_sql(c) for c in conditions))
        query = query.order_by(events.c.time_us, events.c.id).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            ids = [r["id"] for r in rows]
            values: dict[int, dict[str, ParamValue]] = {}
            if ids:
                for p in conn.execute(select(params_t).where(params_t.c.event_row_id.in_(ids))).mappings():
                    values.setdefault(p["event_row_id"], {})[p["name"]] = _param_value(p)
        return [MetadataEvent(r["event_id"], r["connector_uuid"], r["type"], r["time_us"],
                              _in_order(r["type"], values.get(r["id"], {}))) for r in rows]


def _columns(c: Connector) -> dict:
    return {"name": c.name, "event_types": _join(c.event_types), "alarm_types": _join(c.alarm_types)}


def _link(conn, c: Connector) -> None:
    wanted = set(c.camera_ids)
    if not wanted:
        return
    known = set(conn.execute(select(cameras.c.id).where(cameras.c.id.in_(wanted))).scalars())
    if wanted - known:
        raise LookupError(sorted(wanted - known))
    conn.execute(insert(links), [{"connector_uuid": c.uuid, "camera_id": cid} for cid in sorted(wanted)])


def _join(types: tuple[str, ...] | None) -> str | None:
    return None if types is None else ",".join(types)


def _split(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(t for t in text.split(",") if t)


def _in_order(event_type: str, values: dict[str, ParamValue]) -> dict[str, ParamValue]:
    """Parameters in the order the document lists them for the type."""
    known = EVENT_TYPES[event_type].params if event_type in EVENT_TYPES else ()
    return {**{n: values[n] for n in known if n in values}, **values}


def _param_row(row_id: int, name: str, value: ParamValue) -> dict:
    row = {"event_row_id": row_id, "name": name, "text_value": None, "folded_value": None, "int_value": None,
           "bool_value": None}
    if isinstance(value, bool):
        row["bool_value"] = value
    elif isinstance(value, int):
        row["int_value"] = value
    else:
        row.update(text_value=value, folded_value=value.lower())
    return row


def _param_value(p) -> ParamValue:
    for column in ("bool_value", "int_value", "text_value"):
        if p[column] is not None:
            return bool(p[column]) if column == "bool_value" else p[column]
    return ""
