"""ONVIF PTZ over SOAP with onvif-zeep-async (the maintained ONVIF client, built on zeep), behind the
`PtzDriver` interface.

Threads: the library is asyncio-only, so every ONVIF driver of a node runs its coroutines on one
`AsyncLoopWorker` (an event loop on its own thread); driver methods are blocking and thread-safe,
each waits at most `timeout_s` for its device (plus `connect_timeout_s` when it must connect first).
Connection state (the library's camera and PTZ service objects) is only touched on the loop thread.

Mapping (positions and velocities are already ONVIF's generic spaces, see `core/ptz.py`):
continuous velocity -> `ContinuousMove`, zero velocity -> `Stop` (pan/tilt and zoom), absolute
position -> `AbsoluteMove`, translation -> `RelativeMove`, device preset -> `GotoPreset`, position
-> `GetStatus`. The first call connects: `GetServices` (the library falls back to
`GetCapabilities`), the media profile (configured token, else the first of `GetProfiles`), the PTZ
service. Any failure drops the connection, so the next call reconnects.

The library is imported on first connection only: it configures logging and reads its WSDL files
when imported, which a node without ONVIF cameras should not pay for.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, TypeVar

from camvault.core.ptz import (
    STOPPED,
    PtzCapabilities,
    PtzGeometry,
    PtzPosition,
    PtzVelocity,
)
from camvault.video.onvif_common import close_camera, reason, settle_connecting
from camvault.video.ptz.base import PtzDeviceError

log = logging.getLogger(__name__)

T = TypeVar("T")

ONVIF_GEOMETRY = PtzGeometry(fov_pan=0.33, fov_tilt=0.75, max_mag=20.0)
"""Typical dome camera: a 60 degree picture over a 360 degree pan range, 34 over a 90 degree tilt
range, 20x zoom. Used only to turn a click or an area into a relative move."""

ONVIF_CAPABILITIES = PtzCapabilities(click=True, areazoom=True, zoomback=True, continuous=True)


@dataclass(frozen=True)
class OnvifSettings:
    host: str | None = None
    """None: the host of the camera's rtsp:// URL (the service fills it in)."""
    port: int = 80
    user: str = ""
    password: str = field(default="", repr=False)
    profile_token: str | None = None
    timeout_s: float = 5.0
    connect_timeout_s: float = 20.0
    """Extra wait for a call that connects first (service discovery, WSDL loading)."""


class AsyncLoopWorker:
    """An asyncio event loop on its own daemon thread. The constructor has no side effects; `call`
    starts the loop on first use; `stop()` ends it (run() returns) and closes the loop."""

    def __init__(self, name: str = "onvif-loop") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    def call(self, make: Callable[[], Awaitable[T]], timeout_s: float) -> T:
        """Run the coroutine `make()` on the loop and wait for its result (TimeoutError after
        `timeout_s`, the coroutine is then cancelled)."""
        loop = self._ensure_started()
        future = asyncio.run_coroutine_threadsafe(make(), loop)
        try:
            return future.result(timeout_s)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"no answer within {timeout_s:g} s") from None

    def run(self) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
            self._stopped.set()

    def stop(self, timeout_s: float = 5.0) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout_s)
        if thread.is_alive():
            log.error("%s did not stop within %.0f s", self._name, timeout_s)

    def _ensure_started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._stopped.clear()
                self._thread = threading.Thread(target=self.run, name=self._name, daemon=True)
                self._thread.start()
            return self._loop


class OnvifPtz:
    capabilities = ONVIF_CAPABILITIES
    geometry = ONVIF_GEOMETRY
    device_presets = True

    def __init__(self, settings: OnvifSettings, loop: AsyncLoopWorker) -> None:
        self.settings = settings
        self._loop = loop
        self._lock = threading.Lock()
        self._velocity = STOPPED
        self._camera: Any = None          # onvif.ONVIFCamera, loop thread only
        self._ptz: Any = None             # its PTZ service, loop thread only
        self._token: str | None = None
        self._connecting: asyncio.Future | None = None     # the connection being made, loop thread only

    # --- PtzDriver --------------------------------------------------------------------------------
    def position(self) -> PtzPosition:
        status = self._request("GetStatus", lambda token: {"ProfileToken": token})
        where = getattr(status, "Position", None)
        pan_tilt, zoom = getattr(where, "PanTilt", None), getattr(where, "Zoom", None)
        return PtzPosition(float(getattr(pan_tilt, "x", 0) or 0), float(getattr(pan_tilt, "y", 0) or 0),
                           float(getattr(zoom, "x", 0) or 0)).clamped()

    def velocity(self) -> PtzVelocity:
        with self._lock:
            return self._velocity

    def move_to(self, position: PtzPosition) -> None:
        self._request("AbsoluteMove", lambda token: {"ProfileToken": token, "Position": _vector(position)})
        self._set_velocity(STOPPED)

    def move_by(self, translation: PtzPosition) -> None:
        self._request("RelativeMove", lambda token: {"ProfileToken": token, "Translation": _vector(translation)})
        self._set_velocity(STOPPED)

    def continuous(self, velocity: PtzVelocity) -> None:
        if velocity.is_zero:
            self._request("Stop", lambda token: {"ProfileToken": token, "PanTilt": True, "Zoom": True})
        else:
            self._request("ContinuousMove", lambda token: {"ProfileToken": token, "Velocity": _vector(velocity)})
        self._set_velocity(velocity)

    def goto_device_preset(self, token: str) -> None:
        self._request("GotoPreset", lambda profile: {"ProfileToken": profile, "PresetToken": token})
        self._set_velocity(STOPPED)

    def close(self) -> None:
        """Wait (at most `timeout_s`) for a connection being made, then close the connection."""
        if self._camera is None and self._connecting is None:
            return
        try:
            self._loop.call(self._shutdown, 2 * self.settings.timeout_s + 1)
        except (TimeoutError, RuntimeError) as exc:
            log.warning("ONVIF %s: closing the connection failed: %s", self._where, exc)

    # --- plumbing (coroutines run on the loop thread) ---------------------------------------------
    @property
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _set_velocity(self, velocity: PtzVelocity) -> None:
        with self._lock:
            self._velocity = velocity

    def _request(self, operation: str, params: Callable[[str], dict]) -> Any:
        """Run one PTZ operation. The wait is `timeout_s`, plus `connect_timeout_s` when the call
        must connect first. A connection attempt is never cancelled half-way (the library would
        leak its HTTP sessions): a caller that gives up leaves it to finish in the background."""
        async def run() -> Any:
            try:
                ptz, token = await self._session()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the library raises zeep, aiohttp, ONVIF and OS errors alike
                raise PtzDeviceError(f"ONVIF {operation} on {self._where} failed: {reason(exc)}") from exc
            try:
                return await getattr(ptz, operation)(params(token))
            except asyncio.CancelledError:
                await self._disconnect()
                raise
            except Exception as exc:
                await self._disconnect()
                raise PtzDeviceError(f"ONVIF {operation} on {self._where} failed: {reason(exc)}") from exc

        budget_s = self.settings.timeout_s + (0 if self._ptz is not None else self.settings.connect_timeout_s)
        try:
            return self._loop.call(run, budget_s)
        except TimeoutError as exc:
            raise PtzDeviceError(f"ONVIF {operation} on {self._where}: {exc}") from None

    async def _session(self) -> tuple[Any, str]:
        """The PTZ service and profile token, connecting first if needed (one attempt at a time)."""
        if self._ptz is not None and self._token is not None:
            return self._ptz, self._token
        if self._connecting is None:
            self._connecting = asyncio.ensure_future(self._connect())
            self._connecting.add_done_callback(self._connect_done)
        return await asyncio.shield(self._connecting)

    def _connect_done(self, task: asyncio.Future) -> None:
        self._connecting = None
        if not task.cancelled() and task.exception() is not None:   # retrieved: the waiting callers report it
            log.debug("ONVIF %s: connection failed: %s", self._where, reason(task.exception()))

    async def _connect(self) -> tuple[Any, str]:
        from onvif import ONVIFCamera  # imported on first use, see the module docstring

        s = self.settings
        camera = ONVIFCamera(s.host, s.port, s.user, s.password, no_cache=True)
        try:
            await camera.update_xaddrs()
            token = s.profile_token
            if not token:
                profiles = await (await camera.create_media_service()).GetProfiles()
                if not profiles:
                    raise PtzDeviceError("the device has no media profile")
                token = profiles[0].token
            ptz = await camera.create_ptz_service()
        except BaseException:
            await close_camera(camera, self._where)
            raise
        self._camera, self._ptz, self._token = camera, ptz, token
        log.info("ONVIF %s: connected, PTZ on profile %s", self._where, token)
        return ptz, token

    async def _disconnect(self) -> None:
        camera, self._camera, self._ptz, self._token = self._camera, None, None, None
        if camera is not None:
            await close_camera(camera, self._where)

    async def _shutdown(self) -> None:
        await settle_connecting(self._connecting, self.settings.timeout_s, self._where)
        await self._disconnect()


def _vector(value: PtzPosition | PtzVelocity) -> dict:
    return {"PanTilt": {"x": float(value.pan), "y": float(value.tilt)}, "Zoom": {"x": float(value.zoom)}}
