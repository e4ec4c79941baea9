"""Sensor controls of camera streams (table `sensor_controls`): one row per (camera, sensor) whose
controls were changed, holding the full control as a JSON object (see
`core.sensor_streams.control_to_json`). Rows are cascade-deleted with their camera. Every method is
one short transaction. Times are epoch ms UTC.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from camvault.store.tables import sensor_controls


class SensorControlRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, camera_id: int, sensor: str) -> dict[str, Any] | None:
        """The stored control of the camera's sensor (a JSON object), None when never changed."""
        with self._engine.connect() as conn:
            text = conn.execute(select(sensor_controls.c.control_json).where(
                sensor_controls.c.camera_id == camera_id, sensor_controls.c.sensor == sensor)).scalar()
        return None if text is None else json.loads(text)

    def put(self, camera_id: int, sensor: str, control: dict[str, Any], updated_ms: int) -> None:
        """Store (replace) the full control of the camera's sensor."""
        with self._engine.begin() as conn:
            conn.execute(delete(sensor_controls).where(
                sensor_controls.c.camera_id == camera_id, sensor_controls.c.sensor == sensor))
            conn.execute(insert(sensor_controls).values(camera_id=camera_id, sensor=sensor,
                                                        control_json=json.dumps(control), updated_ms=updated_ms))
