"""The PTZ driver interface every camera PTZ implementation follows.

Positions, velocities and geometry are in the normalised space of `camvault.core.ptz`. Every method
is thread-safe (the API threads and a tour thread may call one driver at the same time) and may
block for a device round trip; a device that refuses or does not answer raises `PtzDeviceError`.
"""

from __future__ import annotations

from typing import Protocol

from camvault.core.ptz import PtzCapabilities, PtzGeometry, PtzPosition, PtzVelocity


class PtzDeviceError(Exception):
    """The camera's PTZ did not accept a command or could not be reached."""


class PtzDriver(Protocol):
    capabilities: PtzCapabilities
    geometry: PtzGeometry
    device_presets: bool
    """True when the device stores presets itself (`goto_device_preset` works)."""

    def position(self) -> PtzPosition:
        """The current position (a device round trip for ONVIF)."""
        ...

    def velocity(self) -> PtzVelocity:
        """The velocity last commanded (zero after a positioning move or a stop)."""
        ...

    def move_to(self, position: PtzPosition) -> None:
        """Go to an absolute position; stops any continuous move."""
        ...

    def move_by(self, translation: PtzPosition) -> None:
        """Move by a translation from the current position; stops any continuous move."""
        ...

    def continuous(self, velocity: PtzVelocity) -> None:
        """Move at `velocity` until told otherwise; a zero velocity stops."""
        ...

    def goto_device_preset(self, token: str) -> None:
        """Go to a preset stored in the device under `token`."""
        ...

    def close(self) -> None:
        """Release connections; the driver may be used again afterwards (it reconnects)."""
        ...
