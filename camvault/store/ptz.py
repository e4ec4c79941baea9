"""PTZ presets and guard tours of each camera (tables and repository) <-> `core.ptz.Preset`/`Tour`.

Rows belong to their camera: deleting the camera deletes them (foreign keys, ON DELETE CASCADE). A
tour step names a preset of the same camera (foreign key); deleting a preset here deletes the steps
that name it (cascade, so deleting a camera cascades cleanly on PostgreSQL too): the service refuses
to delete a preset a tour still uses. Every method is one short transaction; lists are ordered by
id. Times are epoch ms UTC.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Table,
    delete,
    insert,
    select,
)

from camvault.core.ptz import Preset, PtzPosition, Tour, TourStep
from camvault.store.tables import metadata

ID_LENGTH = 64

ptz_presets = Table(
    "ptz_presets", metadata,
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
    Column("preset_id", String(ID_LENGTH), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("pan", Float, nullable=False),
    Column("tilt", Float, nullable=False),
    Column("zoom", Float, nullable=False),
    Column("device_token", String(ID_LENGTH), nullable=True),
    Column("updated_ms", BigInteger, nullable=False),
)

ptz_tours = Table(
    "ptz_tours", metadata,
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
    Column("tour_id", String(ID_LENGTH), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

ptz_tour_steps = Table(
    "ptz_tour_steps", metadata,
    Column("camera_id", Integer, primary_key=True),
    Column("tour_id", String(ID_LENGTH), primary_key=True),
    Column("step", Integer, primary_key=True, autoincrement=False),
    Column("preset_id", String(ID_LENGTH), nullable=False),
    Column("dwell_s", Float, nullable=False),
    ForeignKeyConstraint(["camera_id", "tour_id"], ["ptz_tours.camera_id", "ptz_tours.tour_id"], ondelete="CASCADE"),
    ForeignKeyConstraint(["camera_id", "preset_id"], ["ptz_presets.camera_id", "ptz_presets.preset_id"],
                         ondelete="CASCADE"),
)


class PtzRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- presets --------------------------------------------------------------------------------
    def presets(self, camera_id: int) -> list[Preset]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(ptz_presets).where(ptz_presets.c.camera_id == camera_id)
                                .order_by(ptz_presets.c.preset_id)).mappings().all()
        return [_preset(r) for r in rows]

    def preset(self, camera_id: int, preset_id: str) -> Preset | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(ptz_presets).where(ptz_presets.c.camera_id == camera_id,
                                                         ptz_presets.c.preset_id == preset_id)).mappings().first()
        return _preset(row) if row else None

    def put_preset(self, preset: Preset) -> bool:
        """Insert or replace the preset; True when it was created."""
        values = dict(name=preset.name, pan=preset.position.pan, tilt=preset.position.tilt,
                      zoom=preset.position.zoom, device_token=preset.device_token, updated_ms=preset.updated_ms)
        key = (ptz_presets.c.camera_id == preset.camera_id, ptz_presets.c.preset_id == preset.preset_id)
        with self._engine.begin() as conn:
            if conn.execute(select(ptz_presets.c.preset_id).where(*key)).first():
                conn.execute(ptz_presets.update().where(*key).values(**values))
                return False
            conn.execute(insert(ptz_presets).values(camera_id=preset.camera_id, preset_id=preset.preset_id,
                                                    **values))
            return True

    def delete_preset(self, camera_id: int, preset_id: str) -> bool:
        with self._engine.begin() as conn:
            return conn.execute(delete(ptz_presets).where(ptz_presets.c.camera_id == camera_id,
                                                          ptz_presets.c.preset_id == preset_id)).rowcount > 0

    def tours_using(self, camera_id: int, preset_id: str) -> list[str]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(ptz_tour_steps.c.tour_id).distinct()
                                .where(ptz_tour_steps.c.camera_id == camera_id,
                                       ptz_tour_steps.c.preset_id == preset_id)
                                .order_by(ptz_tour_steps.c.tour_id)).all()
        return [r.tour_id for r in rows]

    # --- tours ----------------------------------------------------------------------------------
    def tours(self, camera_id: int) -> list[Tour]:
        with self._engine.connect() as conn:
            tours = conn.execute(select(ptz_tours).where(ptz_tours.c.camera_id == camera_id)
                                 .order_by(ptz_tours.c.tour_id)).mappings().all()
            steps = conn.execute(select(ptz_tour_steps).where(ptz_tour_steps.c.camera_id == camera_id)
                                 .order_by(ptz_tour_steps.c.tour_id, ptz_tour_steps.c.step)).mappings().all()
        by_tour: dict[str, list[TourStep]] = {}
        for s in steps:
            by_tour.setdefault(s["tour_id"], []).append(TourStep(s["preset_id"], s["dwell_s"]))
        return [_tour(t, by_tour.get(t["tour_id"], [])) for t in tours]

    def tour(self, camera_id: int, tour_id: str) -> Tour | None:
        return next((t for t in self.tours(camera_id) if t.tour_id == tour_id), None)

    def put_tour(self, tour: Tour) -> bool:
        """Insert or replace the tour and its steps; True when it was created."""
        key = (ptz_tours.c.camera_id == tour.camera_id, ptz_tours.c.tour_id == tour.tour_id)
        with self._engine.begin() as conn:
            created = conn.execute(select(ptz_tours.c.tour_id).where(*key)).first() is None
            if created:
                conn.execute(insert(ptz_tours).values(camera_id=tour.camera_id, tour_id=tour.tour_id,
                                                      name=tour.name, updated_ms=tour.updated_ms))
            else:
                conn.execute(ptz_tours.update().where(*key).values(name=tour.name, updated_ms=tour.updated_ms))
            conn.execute(delete(ptz_tour_steps).where(ptz_tour_steps.c.camera_id == tour.camera_id,
                                                      ptz_tour_steps.c.tour_id == tour.tour_id))
            if tour.steps:
                conn.execute(insert(ptz_tour_steps), [
                    dict(camera_id=tour.camera_id, tour_id=tour.tour_id, step=i, preset_id=s.preset_id,
                         dwell_s=s.dwell_s) for i, s in enumerate(tour.steps)])
            return created

    def delete_tour(self, camera_id: int, tour_id: str) -> bool:
        with self._engine.begin() as conn:
            conn.execute(delete(ptz_tour_steps).where(ptz_tour_steps.c.camera_id == camera_id,
                                                      ptz_tour_steps.c.tour_id == tour_id))
            return conn.execute(delete(ptz_tours).where(ptz_tours.c.camera_id == camera_id,
                                                        ptz_tours.c.tour_id == tour_id)).rowcount > 0

    # --- summaries ------------------------------------------------------------------------------
    def names(self) -> dict[int, tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
        """camera id -> ([(preset id, name)], [(tour id, name)]) for every camera, in two queries."""
        out: dict[int, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {}
        with self._engine.connect() as conn:
            presets = conn.execute(select(ptz_presets.c.camera_id, ptz_presets.c.preset_id, ptz_presets.c.name)
                                   .order_by(ptz_presets.c.camera_id, ptz_presets.c.preset_id)).all()
            tours = conn.execute(select(ptz_tours.c.camera_id, ptz_tours.c.tour_id, ptz_tours.c.name)
                                 .order_by(ptz_tours.c.camera_id, ptz_tours.c.tour_id)).all()
        for row in presets:
            out.setdefault(row.camera_id, ([], []))[0].append((row.preset_id, row.name))
        for row in tours:
            out.setdefault(row.camera_id, ([], []))[1].append((row.tour_id, row.name))
        return out


def _preset(row) -> Preset:
    return Preset(camera_id=row["camera_id"], preset_id=row["preset_id"], name=row["name"],
                  position=PtzPosition(row["pan"], row["tilt"], row["zoom"]), device_token=row["device_token"],
                  updated_ms=row["updated_ms"])


def _tour(row, steps: list[TourStep]) -> Tour:
    return Tour(camera_id=row["camera_id"], tour_id=row["tour_id"], name=row["name"], steps=tuple(steps),
                updated_ms=row["updated_ms"])
