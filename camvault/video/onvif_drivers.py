"""One ONVIF driver per camera (PTZ, imaging), all on one asyncio loop thread, made on first use and
remade when the camera's settings change (e.g. its source moved to another host: the ONVIF host
defaults to the host of the camera's rtsp:// URL).

Thread-safe: the table is guarded by a lock; a replaced driver is closed outside it.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Callable, Generic, Protocol, TypeVar
from urllib.parse import urlsplit

from camvault.core.model import Camera
from camvault.video.ptz.onvif import AsyncLoopWorker, OnvifSettings


class OnvifDriver(Protocol):
    settings: OnvifSettings

    def close(self) -> None: ...


D = TypeVar("D", bound=OnvifDriver)


def settings_for(camera: Camera, settings: OnvifSettings) -> OnvifSettings:
    """The settings with the host defaulted to the camera source's host."""
    return replace(settings, host=settings.host or urlsplit(camera.source).hostname or "")


class OnvifDrivers(Generic[D]):
    """`make(settings, loop)` builds a driver; `close()` closes every driver, then stops the loop."""

    def __init__(self, make: Callable[[OnvifSettings, AsyncLoopWorker], D], loop_name: str) -> None:
        self._make = make
        self._loop = AsyncLoopWorker(loop_name)
        self._lock = threading.Lock()
        self._drivers: dict[int, D] = {}

    def get(self, camera: Camera, settings: OnvifSettings) -> D:
        settings = settings_for(camera, settings)
        with self._lock:
            driver = self._drivers.get(camera.id)
            stale = None
            if driver is None or driver.settings != settings:
                stale, driver = driver, self._make(settings, self._loop)
                self._drivers[camera.id] = driver
        if stale is not None:
            stale.close()
        return driver

    def close(self) -> None:
        with self._lock:
            drivers, self._drivers = list(self._drivers.values()), {}
        for driver in drivers:
            driver.close()
        self._loop.stop()
