"""Mosaic rows <-> `core.mosaics.Mosaic`: the mosaic (layout as JSON), its levels in cycle order
and each level's elements by position.

A mosaic is written whole in one transaction (its levels and elements replaced); deleting a
camera deletes the elements that show it (foreign key). `display_code` is unique: a write that
would repeat one raises `DisplayCodeTaken`. Lists are by id; there are few mosaics, so a list
reads the three tables once each.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from camvault.core.mosaics import Mosaic, MosaicElement, MosaicLevel
from camvault.store.tables import mosaic_elements, mosaic_levels, mosaics


class DisplayCodeTaken(Exception):
    """Another mosaic has this display code."""


class MosaicRepo:
    """Every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def insert(self, m: Mosaic, now_ms: int) -> Mosaic:
        """Store a new mosaic (its `id` is ignored); returns it with its id."""
        try:
            with self._engine.begin() as conn:
                result = conn.execute(insert(mosaics).values(created_ms=now_ms, updated_ms=now_ms, **_columns(m)))
                mosaic_id = result.inserted_primary_key[0]
                _write_levels(conn, mosaic_id, m.levels)
        except IntegrityError:
            self._raise_if_code_taken(m)
            raise
        return Mosaic(**{**m.__dict__, "id": mosaic_id})

    def replace(self, m: Mosaic, now_ms: int) -> bool:
        """Replace mosaic `m.id` whole; False when it does not exist."""
        try:
            with self._engine.begin() as conn:
                done = conn.execute(update(mosaics).where(mosaics.c.id == m.id)
                                    .values(updated_ms=now_ms, **_columns(m))).rowcount == 1
                if done:
                    conn.execute(delete(mosaic_elements).where(mosaic_elements.c.mosaic_id == m.id))
                    conn.execute(delete(mosaic_levels).where(mosaic_levels.c.mosaic_id == m.id))
                    _write_levels(conn, m.id, m.levels)
        except IntegrityError:
            self._raise_if_code_taken(m)
            raise
        return done

    def delete(self, mosaic_id: int) -> bool:
        with self._engine.begin() as conn:
            return conn.execute(delete(mosaics).where(mosaics.c.id == mosaic_id)).rowcount == 1

    def get(self, mosaic_id: int) -> Mosaic | None:
        found = self._load(mosaics.c.id == mosaic_id)
        return found[0] if found else None

    def list(self) -> list[Mosaic]:
        return self._load(None)

    def ids(self) -> list[int]:
        with self._engine.connect() as conn:
            return list(conn.execute(select(mosaics.c.id).order_by(mosaics.c.id)).scalars())

    def _raise_if_code_taken(self, m: Mosaic) -> None:
        if m.display_code is None:
            return
        with self._engine.connect() as conn:
            other = conn.execute(select(mosaics.c.id).where(mosaics.c.display_code == m.display_code,
                                                            mosaics.c.id != m.id)).first()
        if other is not None:
            raise DisplayCodeTaken(m.display_code) from None

    def _load(self, where) -> list[Mosaic]:
        query_m, query_l, query_e = select(mosaics), select(mosaic_levels), select(mosaic_elements)
        if where is not None:
            query_m = query_m.where(where)
            query_l = query_l.join(mosaics).where(where)
            query_e = query_e.join(mosaics).where(where)
        with self._engine.connect() as conn:
            rows = conn.execute(query_m.order_by(mosaics.c.id)).mappings().all()
            levels = conn.execute(query_l.order_by(mosaic_levels.c.mosaic_id, mosaic_levels.c.level_index)).all()
            elements = conn.execute(query_e.order_by(mosaic_elements.c.mosaic_id, mosaic_elements.c.level_index,
                                                     mosaic_elements.c.position)).all()
        by_level: dict[tuple[int, int], list[MosaicElement]] = {}
        for e in elements:
            by_level.setdefault((e.mosaic_id, e.level_index), []).append(_element(e))
        by_mosaic: dict[int, list[MosaicLevel]] = {}
        for lv in levels:
            by_mosaic.setdefault(lv.mosaic_id, []).append(MosaicLevel(
                lv.name, lv.duration_s, tuple(by_level.get((lv.mosaic_id, lv.level_index), ()))))
        return [_mosaic(r, by_mosaic.get(r["id"], [])) for r in rows]


def _columns(m: Mosaic) -> dict:
    return {"name": m.name, "rows": m.rows, "cols": m.cols, "layout": json.dumps([list(row) for row in m.layout]),
            "push_mode": m.push_mode, "full_screen": m.full_screen, "stay_on_top": m.stay_on_top,
            "display_code": m.display_code, "default_level_duration_s": m.default_level_duration_s,
            "comments": m.comments}


def _write_levels(conn: Connection, mosaic_id: int, levels: tuple[MosaicLevel, ...]) -> None:
    if levels:
        conn.execute(insert(mosaic_levels), [{"mosaic_id": mosaic_id, "level_index": i, "name": lv.name,
                                              "duration_s": lv.duration_s} for i, lv in enumerate(levels)])
    elements = [{"mosaic_id": mosaic_id, "level_index": i, "position": e.position, "camera_id": e.camera_id,
                 "stream_id": e.stream_id, "quality": e.quality, "type": e.type, "mode": e.mode, "url": e.url,
                 "server_id": e.server_id, "show_margin": e.show_margin, "show_menu": e.show_menu,
                 "keep_ratio": e.keep_ratio, "alignment": e.alignment}
                for i, lv in enumerate(levels) for e in lv.elements]
    if elements:
        conn.execute(insert(mosaic_elements), elements)


def _element(e) -> MosaicElement:
    return MosaicElement(position=e.position, camera_id=e.camera_id, stream_id=e.stream_id, quality=e.quality,
                         type=e.type, mode=e.mode, url=e.url, server_id=e.server_id, show_margin=e.show_margin,
                         show_menu=e.show_menu, keep_ratio=e.keep_ratio, alignment=e.alignment)


def _mosaic(r, levels: list[MosaicLevel]) -> Mosaic:
    return Mosaic(id=r["id"], name=r["name"], rows=r["rows"], cols=r["cols"],
                  layout=tuple(tuple(row) for row in json.loads(r["layout"])), levels=tuple(levels),
                  push_mode=r["push_mode"], full_screen=r["full_screen"], stay_on_top=r["stay_on_top"],
                  display_code=r["display_code"], default_level_duration_s=r["default_level_duration_s"],
                  comments=r["comments"])
