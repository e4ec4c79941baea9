"""The image controls of each camera sensor: kept in the store (`sensor_controls`), held in memory
as `ControlsView`s that the streams' sources read once per frame, and sent to the device when the
device applies them itself.

Who applies a control:
- streams of the synthetic stereo camera (`synthetic://stereo?...`): camvault's own image
  pipeline, through the stream's `ControlsView` (every field applies);
- rtsp(s):// cameras with ONVIF settings: the camera, through `OnvifImaging` (ONVIF imaging
  settings; fields without an ONVIF setting are reported as not applied);
- any other camera (classic synthetic, file, rtsp without ONVIF): nothing; every changed field is
  reported as not applied (the control is still stored and shown).

Thread-safe: the tables are guarded by a lock; views are swapped atomically; device calls happen
outside the lock (drivers are thread-safe).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from camvault.core.clock import Clock
from camvault.core.model import Camera
from camvault.core.sensor_streams import SensorStream, control_from_json, control_to_json, is_stereo_source
from camvault.core.sensors import SensorControl, default_control, merge_control
from camvault.store.store import Store
from camvault.video.imaging import ControlDriver, ImagingError, NoImagingControl
from camvault.video.imaging.onvif import OnvifImaging
from camvault.video.onvif_drivers import OnvifDrivers
from camvault.video.ptz.onvif import OnvifSettings

log = logging.getLogger(__name__)


class ControlsHolder:
    """The current controls of one sensor (a `ControlsView`); thread-safe."""

    def __init__(self, control: SensorControl) -> None:
        self._control = control

    def control(self) -> SensorControl:
        return self._control

    def set(self, control: SensorControl) -> None:
        self._control = control           # one reference swap: readers see the old or the new one


@dataclass(frozen=True)
class ControlResult:
    """A control after an update, and the changed fields the device could not apply."""

    control: SensorControl
    not_applied: frozenset[str]


class SensorControls:
    """The constructor has no side effects; `close()` drops device connections and the loop thread."""

    def __init__(self, store: Store, clock: Clock, *, onvif: dict[int, OnvifSettings] | None = None) -> None:
        self._store = store
        self._clock = clock
        self._onvif_settings = dict(onvif or {})
        self._lock = threading.Lock()
        self._holders: dict[tuple[int, str, str], ControlsHolder] = {}
        self._drivers: OnvifDrivers[OnvifImaging] = OnvifDrivers(OnvifImaging, "imaging-loop")
        self._updating: dict[int, threading.Lock] = {}

    def view(self, camera: Camera, sensor: SensorStream) -> ControlsHolder:
        """The sensor's controls (loaded from the store on first use; defaults when never set).
        Keyed by the camera's uuid too, so a new camera reusing an id starts from defaults."""
        key = (camera.id, camera.uuid, sensor.name)
        with self._lock:
            holder = self._holders.get(key)
        if holder is not None:
            return holder
        stored = self._store.sensor_controls.get(camera.id, sensor.name)
        control = default_control(sensor.kind)
        if stored is not None:
            try:
                control = control_from_json(sensor.kind, stored)
            except ValueError as exc:
                log.error("camera %s %s: stored controls unreadable (%s); using defaults", camera.id, sensor.name, exc)
        with self._lock:
            return self._holders.setdefault(key, ControlsHolder(control))

    def update(self, camera: Camera, sensor: SensorStream, changes: dict[str, Any]) -> ControlResult:
        """Merge `changes` (a partial control; ValueError when a value is out of range), apply them
        on the device when it applies its own, store and publish the full control. Updates of one
        camera are serialised (each is a read-modify-write)."""
        holder = self.view(camera, sensor)
        with self._lock:
            updating = self._updating.setdefault(camera.id, threading.Lock())
        with updating:
            control = merge_control(holder.control(), changes)
            not_applied = self._apply_on_device(camera, sensor, control, frozenset(changes))
            self._store.sensor_controls.put(camera.id, sensor.name, control_to_json(control), self._clock.now_ms())
            holder.set(control)
        return ControlResult(control, not_applied)

    def close(self) -> None:
        self._drivers.close()

    def _apply_on_device(self, camera: Camera, sensor: SensorStream, control: SensorControl,
                         changed: frozenset[str]) -> frozenset[str]:
        stream = camera.stream(sensor.stream_id)
        if stream is not None and is_stereo_source(stream.source):
            return frozenset()                   # camvault's own image pipeline applies every field
        driver = self._driver(camera)
        try:
            return frozenset(driver.apply(control, changed))
        except ImagingError as exc:
            log.error("camera %s %s: the device did not take the controls: %s", camera.id, sensor.name, exc)
            return changed

    def _driver(self, camera: Camera) -> ControlDriver:
        scheme = urlsplit(camera.source).scheme.lower()
        settings = self._onvif_settings.get(camera.id)
        if scheme not in ("rtsp", "rtsps") or settings is None:
            return NoImagingControl()
        return self._drivers.get(camera, settings)
