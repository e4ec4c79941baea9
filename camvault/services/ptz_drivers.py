"""Which camera has which PTZ driver, made on first use and kept per camera id for the life of the
node (a synthetic camera keeps its position across a stream restart; an ONVIF driver keeps its
connection).

- synthetic:// cameras: a `SyntheticPtz` controller, also handed to the ingest of each of the
  camera's streams (`controller_for`), which frames the scene with it.
- rtsp(s):// cameras with ONVIF settings (from the config file): an `OnvifPtz`, all of them on one
  asyncio loop thread (`video/onvif_drivers.py`); the host defaults to the source URL's host.
- any other camera: none.

Thread-safe: the driver tables are guarded by a lock; drivers are thread-safe themselves.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from camvault.config import CameraConfig
from camvault.core.clock import Clock
from camvault.core.model import Camera
from camvault.core.ptz import PtzCapabilities
from camvault.video.onvif_drivers import OnvifDrivers
from camvault.video.ptz.base import PtzDriver
from camvault.video.ptz.onvif import ONVIF_CAPABILITIES, OnvifPtz, OnvifSettings
from camvault.video.ptz.synthetic import SYNTHETIC_CAPABILITIES, SyntheticPtz


def onvif_settings(cameras: list[CameraConfig]) -> dict[int, OnvifSettings]:
    """The ONVIF settings of the config file's cameras that have them, by camera id."""
    return {c.id: OnvifSettings(host=c.onvif.host, port=c.onvif.port, user=c.onvif.user, password=c.onvif.password,
                                profile_token=c.onvif.profile_token, timeout_s=c.onvif.timeout_s,
                                connect_timeout_s=c.onvif.connect_timeout_s)
            for c in cameras if c.onvif is not None}


class PtzDrivers:
    """The constructor has no side effects; `close()` releases connections and the loop thread."""

    def __init__(self, clock: Clock, onvif: dict[int, OnvifSettings] | None = None) -> None:
        self._clock = clock
        self._onvif_settings = dict(onvif or {})
        self._lock = threading.Lock()
        self._synthetic: dict[int, SyntheticPtz] = {}
        self._onvif: OnvifDrivers[OnvifPtz] = OnvifDrivers(OnvifPtz, "onvif-loop")

    def controller_for(self, camera: Camera) -> SyntheticPtz | None:
        """The controller a synthetic camera's streams frame their scene with (None otherwise)."""
        return self._synthetic_driver(camera.id) if _scheme(camera) == "synthetic" else None

    def capabilities(self, camera: Camera) -> PtzCapabilities | None:
        """What the camera's PTZ supports, without connecting to it; None without PTZ."""
        kind = self._kind(camera)
        return {"synthetic": SYNTHETIC_CAPABILITIES, "onvif": ONVIF_CAPABILITIES}.get(kind or "")

    def driver(self, camera: Camera) -> PtzDriver | None:
        kind = self._kind(camera)
        if kind == "synthetic":
            return self._synthetic_driver(camera.id)
        if kind == "onvif":
            return self._onvif.get(camera, self._onvif_settings[camera.id])
        return None

    def close(self) -> None:
        self._onvif.close()

    def _kind(self, camera: Camera) -> str | None:
        scheme = _scheme(camera)
        if scheme == "synthetic":
            return "synthetic"
        if scheme in ("rtsp", "rtsps") and camera.id in self._onvif_settings:
            return "onvif"
        return None

    def _synthetic_driver(self, camera_id: int) -> SyntheticPtz:
        with self._lock:
            driver = self._synthetic.get(camera_id)
            if driver is None:
                driver = self._synthetic[camera_id] = SyntheticPtz(self._clock.monotonic_s)
            return driver


def _scheme(camera: Camera) -> str:
    return urlsplit(camera.source).scheme.lower()
