"""ONVIF imaging (ver20) over SOAP with onvif-zeep-async, behind the `ControlDriver` interface.

Threads: like `OnvifPtz` (`video/ptz/onvif.py`), every coroutine runs on the node's shared
`AsyncLoopWorker`; `apply` is blocking and thread-safe and waits at most `timeout_s` (plus
`connect_timeout_s` when it must connect first). Connection state is only touched on the loop
thread. Applies are serialised (an asyncio lock on the loop) because each is a read-modify-write.

The first apply connects: `GetServices`, the media profile (the configured token, else the first of
`GetProfiles`) and its video source (`VideoSourceConfiguration.SourceToken`, else the first of
`GetVideoSources`), the imaging service, `GetOptions` (what the device supports, and its ranges) and,
when the device offers manual focus, `GetMoveOptions`. Each apply then reads `GetImagingSettings`,
sends `SetImagingSettings` when something changes (the mapping is `imaging/mapping.py`) and `Move`
(absolute) for a manual lens position. Any failure is logged, drops the connection (the next apply
reconnects) and raises `ImagingError`. A change made only of controls ONVIF has no setting for does
not contact the device at all.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from camvault.core.sensors import SensorControl
from camvault.video.imaging import ImagingError
from camvault.video.imaging.mapping import NO_IMAGING_SETTING, plan_imaging
from camvault.video.onvif_common import close_camera, reason, settle_connecting
from camvault.video.ptz.onvif import AsyncLoopWorker, OnvifSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Device:
    """A connected device: its imaging service, video source and what it supports."""

    imaging: Any
    source_token: str
    options: dict[str, Any]
    move_options: dict[str, Any] | None


class OnvifImaging:
    def __init__(self, settings: OnvifSettings, loop: AsyncLoopWorker) -> None:
        self.settings = settings
        self._loop = loop
        self._camera: Any = None                     # onvif.ONVIFCamera, loop thread only
        self._device: _Device | None = None          # loop thread only
        self._connecting: asyncio.Future | None = None
        self._serial: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    # --- ControlDriver ----------------------------------------------------------------------------
    def apply(self, control: SensorControl, changed: frozenset[str]) -> frozenset[str]:
        changed = frozenset(changed)
        if not changed - NO_IMAGING_SETTING:
            return changed
        budget_s = self.settings.timeout_s + (0 if self._device is not None else self.settings.connect_timeout_s)
        try:
            return self._loop.call(lambda: self._apply(control, changed), budget_s)
        except TimeoutError as exc:
            log.warning("ONVIF imaging on %s: %s", self._where, exc)
            raise ImagingError(f"ONVIF imaging on {self._where}: {exc}") from None
        except ImagingError as exc:
            log.warning("%s", exc)
            raise

    def close(self) -> None:
        """Wait (at most `timeout_s`) for a connection being made, then close the connection."""
        if self._camera is None and self._connecting is None:
            return
        try:
            self._loop.call(self._shutdown, 2 * self.settings.timeout_s + 1)
        except (TimeoutError, RuntimeError) as exc:
            log.warning("ONVIF imaging on %s: closing the connection failed: %s", self._where, exc)

    # --- one apply (loop thread) ------------------------------------------------------------------
    @property
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    async def _apply(self, control: SensorControl, changed: frozenset[str]) -> frozenset[str]:
        async with self._apply_lock():
            try:
                device = await self._session()
                return await self._write(device, control, changed)
            except asyncio.CancelledError:
                await self._disconnect()
                raise
            except Exception as exc:  # the library raises zeep, aiohttp, ONVIF and OS errors alike
                await self._disconnect()
                if isinstance(exc, ImagingError):
                    raise
                raise ImagingError(f"ONVIF imaging on {self._where} failed: {reason(exc)}") from exc

    async def _write(self, device: _Device, control: SensorControl, changed: frozenset[str]) -> frozenset[str]:
        source = {"VideoSourceToken": device.source_token}
        current = _plain(await self._call(device.imaging, "GetImagingSettings", source))
        plan = plan_imaging(current, device.options, device.move_options, control, changed)
        if plan.settings != current:
            await self._call(device.imaging, "SetImagingSettings", {**source, "ImagingSettings": plan.settings})
        if plan.focus_position is not None:
            move = {"Absolute": {"Position": plan.focus_position}}
            await self._call(device.imaging, "Move", {**source, "Focus": move})
        return plan.not_applied

    def _apply_lock(self) -> asyncio.Lock:
        """The lock that serialises applies, one per event loop (the worker may restart its loop)."""
        loop = asyncio.get_running_loop()
        if self._serial is None or self._serial[0] is not loop:
            self._serial = (loop, asyncio.Lock())
        return self._serial[1]

    async def _call(self, service: Any, operation: str, params: dict | None = None) -> Any:
        call = getattr(service, operation)
        try:
            return await (call(params) if params is not None else call())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise ImagingError(f"ONVIF {operation} on {self._where} failed: {reason(exc)}") from exc

    # --- connection (loop thread) -----------------------------------------------------------------
    async def _session(self) -> _Device:
        """The connected device, connecting first if needed. A connection attempt is never
        cancelled half-way (the library would leak its HTTP sessions): a caller that gives up
        leaves it to finish in the background."""
        if self._device is not None:
            return self._device
        if self._connecting is None:
            self._connecting = asyncio.ensure_future(self._connect())
            self._connecting.add_done_callback(self._connect_done)
        return await asyncio.shield(self._connecting)

    def _connect_done(self, task: asyncio.Future) -> None:
        self._connecting = None
        if not task.cancelled() and task.exception() is not None:   # retrieved: the waiting callers report it
            log.debug("ONVIF imaging on %s: connection failed: %s", self._where, reason(task.exception()))

    async def _connect(self) -> _Device:
        from onvif import ONVIFCamera  # imported on first use, as in video/ptz/onvif.py

        s = self.settings
        camera = ONVIFCamera(s.host, s.port, s.user, s.password, no_cache=True)
        try:
            await camera.update_xaddrs()
            source = await self._video_source(await camera.create_media_service())
            imaging = await camera.create_imaging_service()
            options = _plain(await self._call(imaging, "GetOptions", {"VideoSourceToken": source}))
            move_options = await self._move_options(imaging, source, options)
        except BaseException:
            await close_camera(camera, self._where)
            raise
        self._camera, self._device = camera, _Device(imaging, source, options, move_options)
        log.info("ONVIF imaging on %s: connected, video source %s", self._where, source)
        return self._device

    async def _video_source(self, media: Any) -> str:
        profiles = await self._call(media, "GetProfiles") or []
        chosen = next((p for p in profiles if p.token == self.settings.profile_token), None) or \
            (profiles[0] if profiles else None)
        token = getattr(getattr(chosen, "VideoSourceConfiguration", None), "SourceToken", None)
        if token:
            return str(token)
        sources = await self._call(media, "GetVideoSources") or []
        if not sources:
            raise ImagingError(f"ONVIF imaging on {self._where}: the device has no video source")
        return str(sources[0].token)

    async def _move_options(self, imaging: Any, source: str, options: dict) -> dict | None:
        """The focus move options, None when the device has no manual focus or refuses to tell."""
        if "MANUAL" not in ((options.get("Focus") or {}).get("AutoFocusModes") or []):
            return None
        try:
            return _plain(await self._call(imaging, "GetMoveOptions", {"VideoSourceToken": source}))
        except ImagingError as exc:
            if not _is_fault(exc.__cause__):
                raise
            log.info("ONVIF imaging on %s: no focus move options (%s)", self._where, reason(exc.__cause__))
            return None

    async def _disconnect(self) -> None:
        camera, self._camera, self._device = self._camera, None, None
        if camera is not None:
            await close_camera(camera, self._where)

    async def _shutdown(self) -> None:
        await settle_connecting(self._connecting, self.settings.timeout_s, self._where)
        await self._disconnect()


def _plain(value: Any) -> dict[str, Any]:
    """A zeep answer as plain dicts and lists (what `plan_imaging` reads, and zeep takes back)."""
    from zeep.helpers import (
        serialize_object,  # zeep comes with onvif-zeep-async, loaded by then
    )

    return serialize_object(value, dict) or {}


def _is_fault(exc: BaseException | None) -> bool:
    """Whether the device answered with a SOAP fault (rather than not answering)."""
    from zeep.exceptions import Fault

    while exc is not None:
        if isinstance(exc, Fault):
            return True
        exc = exc.__cause__
    return False
