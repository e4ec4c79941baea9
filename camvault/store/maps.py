"""Map rows (tables `maps`, `map_items`, `map_backgrounds` in store/tables.py) <-> `core.maps`.

A map's items and backgrounds belong to it (ON DELETE CASCADE, and deleted explicitly too). Items
are numbered depth first (`item_no`); a camera's presets point at it with `parent_no`. Background
images are stored in the database (`image`, the file's bytes), so that a map's content, version
included, changes in one transaction. Every method is one short transaction; `update` locks the
map row first, so concurrent updates of one map serialize and each bumps `version` once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import Engine, delete, insert, select, update

from camvault.core.maps import MapBackground, MapDetail, MapItem, MapSummary
from camvault.store.tables import map_backgrounds, map_items, maps

ItemsChange = Callable[[tuple[MapItem, ...]], tuple[MapItem, ...]]
"""Current items -> new items (called inside the update's transaction)."""


class MapRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list(self) -> list[MapSummary]:
        """Every map, in creation order."""
        query = select(maps.c.uuid, maps.c.name, maps.c.version).order_by(maps.c.id)
        with self._engine.connect() as conn:
            return [MapSummary(r.uuid, r.name, r.version) for r in conn.execute(query)]

    def uuids(self) -> set[str]:
        with self._engine.connect() as conn:
            return {r.uuid for r in conn.execute(select(maps.c.uuid))}

    def summary(self, uuid: str) -> MapSummary | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(maps.c.uuid, maps.c.name, maps.c.version).where(maps.c.uuid == uuid)).first()
        return MapSummary(row.uuid, row.name, row.version) if row else None

    def items(self, uuid: str) -> tuple[MapItem, ...] | None:
        """The items alone (no images read); None for an unknown map."""
        with self._engine.connect() as conn:
            map_id = conn.execute(select(maps.c.id).where(maps.c.uuid == uuid)).scalar()
            return None if map_id is None else _read_items(conn, map_id)

    def get(self, uuid: str) -> MapDetail | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(maps).where(maps.c.uuid == uuid)).first()
            if row is None:
                return None
            backgrounds = conn.execute(select(map_backgrounds).where(map_backgrounds.c.map_id == row.id)
                                       .order_by(map_backgrounds.c.background_no))
            return MapDetail(row.uuid, row.name, row.version, row.scale, _read_items(conn, row.id),
                             tuple(MapBackground(b.pos_x, b.pos_y, b.width, b.height, b.z_index, bytes(b.image),
                                                 b.image_prefix) for b in backgrounds))

    def insert(self, uuid: str, name: str, scale: float, items: tuple[MapItem, ...],
               backgrounds: tuple[MapBackground, ...], now_ms: int) -> MapSummary:
        with self._engine.begin() as conn:
            map_id = conn.execute(insert(maps).values(uuid=uuid, name=name, scale=scale, version=1,
                                                      created_ms=now_ms, updated_ms=now_ms)).inserted_primary_key[0]
            _write_items(conn, map_id, items)
            _write_backgrounds(conn, map_id, backgrounds)
        return MapSummary(uuid, name, 1)

    def update(self, uuid: str, name: str, scale: float | None, items: ItemsChange | None,
               backgrounds: tuple[MapBackground, ...] | None, now_ms: int) -> MapSummary | None:
        """Rename, set the scale (None keeps it), replace the items (`items` maps the current ones to
        the new ones; None keeps them) and the backgrounds (None keeps them); version + 1."""
        values = {"name": name, "version": maps.c.version + 1, "updated_ms": now_ms}
        if scale is not None:
            values["scale"] = scale
        with self._engine.begin() as conn:
            if conn.execute(update(maps).where(maps.c.uuid == uuid).values(**values)).rowcount == 0:
                return None
            row = conn.execute(select(maps.c.id, maps.c.version).where(maps.c.uuid == uuid)).one()
            if items is not None:
                new_items = items(_read_items(conn, row.id))
                conn.execute(delete(map_items).where(map_items.c.map_id == row.id))
                _write_items(conn, row.id, new_items)
            if backgrounds is not None:
                conn.execute(delete(map_backgrounds).where(map_backgrounds.c.map_id == row.id))
                _write_backgrounds(conn, row.id, backgrounds)
        return MapSummary(uuid, name, row.version)

    def delete(self, uuid: str) -> bool:
        with self._engine.begin() as conn:
            map_id = conn.execute(select(maps.c.id).where(maps.c.uuid == uuid)).scalar()
            if map_id is None:
                return False
            conn.execute(delete(map_items).where(map_items.c.map_id == map_id))
            conn.execute(delete(map_backgrounds).where(map_backgrounds.c.map_id == map_id))
            conn.execute(delete(maps).where(maps.c.id == map_id))
        return True


def _write_items(conn, map_id: int, items: tuple[MapItem, ...]) -> None:
    rows = []
    for item in items:
        parent_no = len(rows)
        rows.append(_item_row(map_id, parent_no, None, item))
        for child in item.children:
            rows.append(_item_row(map_id, len(rows), parent_no, child))
    if rows:
        conn.execute(insert(map_items), rows)


def _item_row(map_id: int, item_no: int, parent_no: int | None, item: MapItem) -> dict:
    return {"map_id": map_id, "item_no": item_no, "parent_no": parent_no, "item_type": item.type,
            "pos_x": item.pos_x, "pos_y": item.pos_y, "width": item.width, "height": item.height,
            "z_index": item.z_index, "ref_id": item.ref_id, "properties": json.dumps(item.properties)}


def _read_items(conn, map_id: int) -> tuple[MapItem, ...]:
    rows = conn.execute(select(map_items).where(map_items.c.map_id == map_id).order_by(map_items.c.item_no))
    top: list[tuple[int, MapItem]] = []
    children: dict[int, list[MapItem]] = {}
    for r in rows:
        item = MapItem(r.item_type, r.pos_x, r.pos_y, r.width, r.height, r.z_index, r.ref_id,
                       json.loads(r.properties))
        if r.parent_no is None:
            top.append((r.item_no, item))
        else:
            children.setdefault(r.parent_no, []).append(item)
    return tuple(replace(item, children=tuple(children.get(no, ()))) for no, item in top)


def _write_backgrounds(conn, map_id: int, backgrounds: tuple[MapBackground, ...]) -> None:
    if backgrounds:
        conn.execute(insert(map_backgrounds), [
            {"map_id": map_id, "background_no": n, "pos_x": b.pos_x, "pos_y": b.pos_y, "width": b.width,
             "height": b.height, "z_index": b.z_index, "image": b.image, "image_prefix": b.image_prefix}
            for n, b in enumerate(backgrounds)])
