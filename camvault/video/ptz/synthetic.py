"""The synthetic camera's PTZ: a thread-safe controller holding pan, tilt and zoom.

Shared between the API (commands arrive on request threads, tours on their own thread) and the
ingest thread of each synthetic stream of the camera, whose source reads `position()` once per frame
and crops its scene there (`video/sources/scene.py`). A continuous move is kept as (position at t0,
velocity) and evaluated on each read, so it advances with the monotonic clock whatever the frame
rate; positioning moves are instantaneous. Geometry (`scene.SCENE_GEOMETRY`): at zoom 0 the picture
spans half of the scene in each direction, zoom 1 magnifies 4x.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from camvault.core.ptz import (
    STOPPED,
    PtzCapabilities,
    PtzPosition,
    PtzVelocity,
    advance,
)
from camvault.video.ptz.base import PtzDeviceError
from camvault.video.sources.scene import SCENE_GEOMETRY

SYNTHETIC_CAPABILITIES = PtzCapabilities(click=True, areazoom=True, zoomback=True, continuous=True)


class SyntheticPtz:
    capabilities = SYNTHETIC_CAPABILITIES
    geometry = SCENE_GEOMETRY
    device_presets = False

    def __init__(self, monotonic_s: Callable[[], float] = time.monotonic) -> None:
        self._monotonic_s = monotonic_s
        self._lock = threading.Lock()
        self._position = PtzPosition()
        self._velocity = STOPPED
        self._since_s = monotonic_s()

    def position(self) -> PtzPosition:
        with self._lock:
            return self._settle()

    def velocity(self) -> PtzVelocity:
        with self._lock:
            self._settle()
            return self._velocity

    def move_to(self, position: PtzPosition) -> None:
        with self._lock:
            self._settle()
            self._position, self._velocity = position.clamped(), STOPPED

    def move_by(self, translation: PtzPosition) -> None:
        with self._lock:
            here = self._settle()
            self._position = PtzPosition(here.pan + translation.pan, here.tilt + translation.tilt,
                                         here.zoom + translation.zoom).clamped()
            self._velocity = STOPPED

    def continuous(self, velocity: PtzVelocity) -> None:
        with self._lock:
            self._settle()
            self._velocity = velocity

    def goto_device_preset(self, token: str) -> None:
        raise PtzDeviceError("the synthetic camera stores no presets itself")

    def close(self) -> None:
        """Nothing to release."""

    def _settle(self) -> PtzPosition:
        """Fold the continuous move up to now into the position (caller holds the lock)."""
        now_s = self._monotonic_s()
        self._position = advance(self._position, self._velocity, now_s - self._since_s)
        self._since_s = now_s
        return self._position
