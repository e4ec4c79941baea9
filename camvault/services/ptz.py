"""PTZ use cases: commands, presets and guard tours of a camera, and what the camera object shows of
its PTZ (capabilities, preset and tour names). Dialect-neutral: commands are `core.ptz` commands.

Which cameras have PTZ and with which driver is `PtzDrivers`' business (services/ptz_drivers.py):
synthetic cameras (the controller the ingest frames their video with, `controller_for`) and rtsp
cameras with ONVIF settings. Tours run on `TourWorker` threads (services/ptz_tours.py).

Rules: a command needs the camera (404), a right on it (403), its PTZ right (403) and a PTZ driver
(409). Positioning commands (centre, area, zoom, nudge) read the current position and move by the
difference; continuous pan/tilt and zoom are independent axes (one stopping leaves the other
moving). A tour runs on its own thread (`TourWorker`) and any other command on the camera stops it
first. Presets and tours are changed by admins only.

Threads: called from API threads and tour threads at once; the running tours and the name cache are
guarded by one lock; drivers are thread-safe themselves. The preset/tour names shown in camera
objects are cached in memory (two queries load every camera's) and dropped on every change made
through this service (one node: another node's changes are not seen until then).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, replace

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Conflict, DomainError, Forbidden, NotFound
from camvault.core.model import Camera, User
from camvault.core.ptz import (
    HOME,
    GotoPreset,
    PanTiltSpeed,
    Preset,
    PtzCapabilities,
    PtzCommand,
    PtzPosition,
    PtzVelocity,
    RunTour,
    Tour,
    TourStep,
    ZoomSpeed,
    target_of,
)
from camvault.core.rights import can_ptz, can_view, require_admin
from camvault.services.ptz_drivers import PtzDrivers, onvif_settings
from camvault.services.ptz_tours import TourWorker
from camvault.store.store import Store
from camvault.video.ptz.base import PtzDeviceError, PtzDriver
from camvault.video.ptz.onvif import OnvifSettings
from camvault.video.ptz.synthetic import SyntheticPtz

log = logging.getLogger(__name__)

ID_PATTERN = re.compile(r"^(?=\S)[^/\\\x00-\x1f\x7f]{1,64}(?<=\S)$")
"""Preset and tour ids: 1 to 64 characters, no '/', '\\' or control character, no space at either end."""

DWELL_RANGE_S = (0.1, 86400.0)


class DeviceUnavailable(DomainError):
    """The camera's PTZ device refused a command or did not answer (502)."""

    status = 502


@dataclass(frozen=True)
class PtzInfo:
    """What a camera object shows of its PTZ; `capabilities` is None for a camera without PTZ."""

    capabilities: PtzCapabilities | None
    presets: tuple[tuple[str, str], ...] = ()
    tours: tuple[tuple[str, str], ...] = ()

    @property
    def capable(self) -> bool:
        return self.capabilities is not None


NO_PTZ = PtzInfo(None)


@dataclass(frozen=True)
class PtzStatus:
    position: PtzPosition
    velocity: PtzVelocity
    tour_id: str | None


class PtzService:
    def __init__(self, store: Store, clock: Clock, *, onvif: dict[int, OnvifSettings] | None = None) -> None:
        self._store = store
        self._clock = clock
        self._drivers = PtzDrivers(clock, onvif)
        self._lock = threading.Lock()
        self._tours: dict[int, TourWorker] = {}
        self._names: dict[int, tuple[list[tuple[str, str]], list[tuple[str, str]]]] | None = None
        self._names_generation = 0

    # --- drivers ----------------------------------------------------------------------------------
    def controller_for(self, camera: Camera) -> SyntheticPtz | None:
        """The PTZ controller a synthetic camera's streams frame their scene with (None otherwise)."""
        return self._drivers.controller_for(camera)

    def info(self, camera: Camera) -> PtzInfo:
        capabilities = self._drivers.capabilities(camera)
        if capabilities is None:
            return NO_PTZ
        presets, tours = self._cached_names().get(camera.id, ([], []))
        return PtzInfo(capabilities, tuple(presets), tuple(tours))

    def stop(self) -> None:
        """Stop every tour and close device connections (the node is stopping)."""
        with self._lock:
            tours, self._tours = list(self._tours.values()), {}
        for worker in tours:
            worker.stop()
        self._drivers.close()

    # --- commands ---------------------------------------------------------------------------------
    def execute(self, user: User, camera_id: int, command: PtzCommand) -> None:
        camera = self._controllable(user, camera_id)
        driver = self._driver_or_conflict(camera)
        self._stop_tour(camera_id)
        try:
            self._run(camera, driver, command)
        except PtzDeviceError as exc:
            log.error("camera %s: PTZ %s failed: %s", camera_id, type(command).__name__, exc)
            raise DeviceUnavailable(f"The camera's PTZ did not accept the command: {exc}",
                                    key="ptz_device_error") from None
        log.debug("camera %s: PTZ %s by %s", camera_id, command, user.name)

    def status(self, user: User, camera_id: int) -> PtzStatus:
        camera = self._controllable(user, camera_id)
        driver = self._driver_or_conflict(camera)
        position = self._position(camera, driver)
        with self._lock:
            worker = self._tours.get(camera_id)
            tour_id = worker.tour.tour_id if worker is not None and worker.running else None
        return PtzStatus(position, driver.velocity(), tour_id)

    def _run(self, camera: Camera, driver: PtzDriver, command: PtzCommand) -> None:
        if isinstance(command, RunTour):
            self._start_tour(camera, driver, self._tour_or_404(camera.id, command.tour_id))
        elif isinstance(command, GotoPreset):
            self._goto(driver, self._preset_or_404(camera.id, command.preset_id))
        elif isinstance(command, PanTiltSpeed):
            driver.continuous(replace(driver.velocity(), pan=command.pan, tilt=command.tilt))
        elif isinstance(command, ZoomSpeed):
            driver.continuous(replace(driver.velocity(), zoom=command.zoom))
        else:
            here = self._here(camera.id, driver)
            driver.move_by(target_of(command, here, driver.geometry).minus(here))

    def _here(self, camera_id: int, driver: PtzDriver) -> PtzPosition:
        """The current position; a device that cannot tell is taken at home (logged)."""
        try:
            return driver.position()
        except PtzDeviceError as exc:
            log.warning("camera %s: PTZ position unknown (%s); moving relative to home", camera_id, exc)
            return HOME

    @staticmethod
    def _goto(driver: PtzDriver, preset: Preset) -> None:
        if preset.device_token:
            driver.goto_device_preset(preset.device_token)
        else:
            driver.move_to(preset.position)

    # --- tours ------------------------------------------------------------------------------------
    def _start_tour(self, camera: Camera, driver: PtzDriver, tour: Tour) -> None:
        """Go to the first preset now (its errors reach the caller), then tour on a worker thread."""
        def goto(preset_id: str) -> None:
            self._goto(driver, self._preset_or_404(camera.id, preset_id))

        goto(tour.steps[0].preset_id)
        worker = TourWorker(tour, goto, at_first_step=True)
        with self._lock:
            self._tours[camera.id] = worker
        worker.start()
        log.info("camera %s: tour %s started", camera.id, tour.tour_id)

    def _stop_tour(self, camera_id: int) -> None:
        with self._lock:
            worker = self._tours.pop(camera_id, None)
        if worker is not None:
            worker.stop()
            log.info("camera %s: tour %s stopped", camera_id, worker.tour.tour_id)

    # --- presets and tours (admin) ------------------------------------------------------------------
    def presets(self, user: User, camera_id: int) -> list[Preset]:
        self._visible(user, camera_id)
        return self._store.ptz.presets(camera_id)

    def tours(self, user: User, camera_id: int) -> list[Tour]:
        self._visible(user, camera_id)
        return self._store.ptz.tours(camera_id)

    def put_preset(self, user: User, camera_id: int, preset_id: str, *, name: str | None = None,
                   pan: float | None = None, tilt: float | None = None, zoom: float | None = None,
                   device_token: str | None = None) -> tuple[Preset, bool]:
        """Create or replace a preset; axes not given are taken from the current position (when a
        device token is given, from home: the device knows where its preset is). True if created."""
        require_admin(user)
        camera = self._existing(camera_id)
        driver = self._driver_or_conflict(camera)
        _check_id(preset_id, "preset")
        if device_token is not None and not 1 <= len(device_token) <= 64:
            raise BadRequest("deviceToken must have 1 to 64 characters", key="ptz_invalid_device_token")
        if device_token is not None and not driver.device_presets:
            raise BadRequest("deviceToken needs a camera that stores presets itself (ONVIF)",
                             key="ptz_device_token_unsupported")
        base = HOME if device_token is not None or None not in (pan, tilt, zoom) else self._position(camera, driver)
        position = PtzPosition(base.pan if pan is None else pan, base.tilt if tilt is None else tilt,
                               base.zoom if zoom is None else zoom)
        _check_position(position)
        preset = Preset(camera_id, preset_id, (name or preset_id).strip() or preset_id, position, device_token,
                        self._clock.now_ms())
        created = self._store.ptz.put_preset(preset)
        self._forget_names()
        log.info("camera %s: preset %s %s by %s", camera_id, preset_id, "created" if created else "updated", user.name)
        return preset, created

    def delete_preset(self, user: User, camera_id: int, preset_id: str) -> None:
        require_admin(user)
        self._existing(camera_id)
        users = self._store.ptz.tours_using(camera_id, preset_id)
        if users:
            raise Conflict(f"Preset {preset_id} is used by tour(s) {', '.join(users)}; change them first",
                           key="ptz_preset_in_use", preset=preset_id)
        if not self._store.ptz.delete_preset(camera_id, preset_id):
            raise _preset_not_found(camera_id, preset_id)
        self._forget_names()
        log.info("camera %s: preset %s deleted by %s", camera_id, preset_id, user.name)

    def put_tour(self, user: User, camera_id: int, tour_id: str, *, name: str | None,
                 steps: list[TourStep]) -> tuple[Tour, bool]:
        require_admin(user)
        camera = self._existing(camera_id)
        self._driver_or_conflict(camera)
        _check_id(tour_id, "tour")
        if not steps:
            raise BadRequest("A tour needs at least one step", key="ptz_tour_empty")
        known = {p.preset_id for p in self._store.ptz.presets(camera_id)}
        for step in steps:
            if step.preset_id not in known:
                raise BadRequest(f"Unknown preset {step.preset_id!r} in tour {tour_id}", key="ptz_unknown_preset",
                                 preset=step.preset_id)
            if not DWELL_RANGE_S[0] <= step.dwell_s <= DWELL_RANGE_S[1]:
                raise BadRequest(f"dwellS must be between {DWELL_RANGE_S[0]:g} and {DWELL_RANGE_S[1]:g} seconds",
                                 key="ptz_invalid_dwell")
        tour = Tour(camera_id, tour_id, (name or tour_id).strip() or tour_id, tuple(steps), self._clock.now_ms())
        self._stop_running(camera_id, tour_id)
        created = self._store.ptz.put_tour(tour)
        self._forget_names()
        log.info("camera %s: tour %s %s by %s", camera_id, tour_id, "created" if created else "updated", user.name)
        return tour, created

    def delete_tour(self, user: User, camera_id: int, tour_id: str) -> None:
        require_admin(user)
        self._existing(camera_id)
        self._stop_running(camera_id, tour_id)
        if not self._store.ptz.delete_tour(camera_id, tour_id):
            raise NotFound(f"Tour {tour_id} not found on camera {camera_id}", key="ptz_tour_not_found",
                           tour=tour_id)
        self._forget_names()
        log.info("camera %s: tour %s deleted by %s", camera_id, tour_id, user.name)

    def _stop_running(self, camera_id: int, tour_id: str) -> None:
        with self._lock:
            worker = self._tours.get(camera_id)
        if worker is not None and worker.tour.tour_id == tour_id:
            self._stop_tour(camera_id)

    def _position(self, camera: Camera, driver: PtzDriver) -> PtzPosition:
        try:
            return driver.position()
        except PtzDeviceError as exc:
            log.error("camera %s: reading the PTZ position failed: %s", camera.id, exc)
            raise DeviceUnavailable(f"The camera's PTZ did not answer: {exc}", key="ptz_device_error") from None

    # --- lookups ----------------------------------------------------------------------------------
    def _existing(self, camera_id: int) -> Camera:
        camera = self._store.cameras.get(camera_id)
        if camera is None:
            raise NotFound(f"Camera {camera_id} not found", key="camera_not_found", id=camera_id)
        return camera

    def _visible(self, user: User, camera_id: int) -> Camera:
        camera = self._existing(camera_id)
        if not can_view(user, camera_id):
            raise Forbidden(f"You have no rights on camera {camera_id}", key="camera_forbidden", id=camera_id)
        return camera

    def _controllable(self, user: User, camera_id: int) -> Camera:
        camera = self._visible(user, camera_id)
        if not can_ptz(user, camera_id):
            raise Forbidden(f"You have no PTZ right on camera {camera_id}", key="ptz_forbidden", id=camera_id)
        return camera

    def _preset_or_404(self, camera_id: int, preset_id: str) -> Preset:
        preset = self._store.ptz.preset(camera_id, preset_id)
        if preset is None:
            raise _preset_not_found(camera_id, preset_id)
        return preset

    def _tour_or_404(self, camera_id: int, tour_id: str) -> Tour:
        tour = self._store.ptz.tour(camera_id, tour_id)
        if tour is None:
            raise NotFound(f"Tour {tour_id} not found on camera {camera_id}", key="ptz_tour_not_found",
                           tour=tour_id)
        return tour

    def _driver_or_conflict(self, camera: Camera) -> PtzDriver:
        driver = self._drivers.driver(camera)
        if driver is None:
            raise Conflict(f"Camera {camera.id} has no PTZ (synthetic cameras and rtsp cameras with ONVIF "
                           "settings have one)", key="ptz_unsupported", id=camera.id)
        return driver

    def _cached_names(self) -> dict[int, tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
        with self._lock:
            names, generation = self._names, self._names_generation
        if names is None:
            names = self._store.ptz.names()
            with self._lock:
                if generation == self._names_generation:     # no change since the load began
                    self._names = names
        return names

    def _forget_names(self) -> None:
        with self._lock:
            self._names = None
            self._names_generation += 1


def _check_id(value: str, kind: str) -> None:
    if not ID_PATTERN.match(value):
        raise BadRequest(f"A {kind} id must have 1 to 64 characters, without '/', '\\', control characters "
                         "or spaces at either end",
                         key=f"ptz_invalid_{kind}_id")


def _check_position(position: PtzPosition) -> None:
    for axis, value, low in (("pan", position.pan, -1), ("tilt", position.tilt, -1), ("zoom", position.zoom, 0)):
        if not low <= value <= 1:
            raise BadRequest(f"{axis} must be between {low} and 1", key="ptz_invalid_position", axis=axis)


def _preset_not_found(camera_id: int, preset_id: str) -> NotFound:
    return NotFound(f"Preset {preset_id} not found on camera {camera_id}", key="ptz_preset_not_found",
                    preset=preset_id)


__all__ = ["PtzService", "PtzInfo", "PtzStatus", "NO_PTZ", "DeviceUnavailable", "onvif_settings"]
