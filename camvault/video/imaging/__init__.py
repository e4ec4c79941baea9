"""Image controls on the camera itself: the `ControlDriver` interface a sensor's controls are sent
through, and `NoImagingControl` for cameras that take none.

Contract: `apply(control, changed)` applies the fields of `control` (a full `SensorControl`) named in
`changed` (`SensorControl` field names; `focus` is one field) and returns those of them the device
cannot apply; it raises `ImagingError` when the device is unreachable, does not answer in time or
refuses. Implementations are blocking and thread-safe. `OnvifImaging` (`imaging/onvif.py`) is the
ONVIF implementation; the pure mapping it uses is in `imaging/mapping.py`.
"""

from __future__ import annotations

from typing import Protocol

from camvault.core.sensors import SensorControl


class ImagingError(Exception):
    """The device could not be reached, did not answer in time, or refused the settings."""


class ControlDriver(Protocol):
    def apply(self, control: SensorControl, changed: frozenset[str]) -> frozenset[str]: ...

    def close(self) -> None: ...


class NoImagingControl:
    """A camera without image controls: applies nothing, every changed field is not applicable."""

    def apply(self, control: SensorControl, changed: frozenset[str]) -> frozenset[str]:
        return frozenset(changed)

    def close(self) -> None:
        pass
