"""Fleet cameras: the claim lifecycle over camvault's own cameras, site visibility, live frames,
opening hours and metrics (docs/ref/fleet.md).

A fleet camera IS a camvault camera: its fleet `id` is the camera's `uuid`, its `serialNumber` the
camera's serial number. A device registers the serial of a camera configured in camvault (config
file or API); the fleet state lives in `fleet_cameras`. `paused` is a persisted runtime flag that
ingest (streams not pulled: no recording, no motion, no live) and alarms (none raised, whatever the
source) obey; it survives restarts and never rewrites the camera's definition.

Visibility: admins see every fleet camera; other users the cameras of the sites granted to them.
Thread-safe: the paused-id cache is guarded by a lock; state changes are serialised by another.
Times are epoch ms UTC.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from camvault.core import fleet
from camvault.core.clock import Clock
from camvault.core.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    Unprocessable,
)
from camvault.core.fleet import FleetCamera, OpeningHours, Site, StateRequest
from camvault.core.model import Camera, User
from camvault.core.rights import require_admin
from camvault.services.fleet_metrics import CameraMetrics, FleetMetrics
from camvault.services.fleet_sites import user_uuid
from camvault.services.ingest import IngestService
from camvault.services.stills import StillService
from camvault.store.store import Store
from camvault.video.stills import to_jpeg

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FleetView:
    """A fleet camera as the dialect shows it."""

    camera: Camera
    fleet: FleetCamera
    organisation_uuid: str | None
    metrics: CameraMetrics | None


class FleetService:
    def __init__(self, store: Store, ingest: IngestService, stills: StillService, metrics: FleetMetrics,
                 clock: Clock, *, default_hours: OpeningHours, default_timezone: str) -> None:
        self._store = store
        self._ingest = ingest
        self._stills = stills
        self._metrics = metrics
        self._clock = clock
        self._default_hours = default_hours
        self._default_timezone = default_timezone
        self._paused: set[int] | None = None
        self._lock = threading.Lock()
        self._changing = threading.Lock()
        self.on_request: list = []
        """Called (no argument) when a state request is queued: wakes the worker."""

    # --- the pause flag (ingest and alarm lookups) -----------------------------------------------
    def is_paused(self, camera_id: int) -> bool:
        with self._lock:
            if self._paused is None:
                self._paused = self._store.fleet.paused_ids()
            return camera_id in self._paused

    def devices(self, user: User) -> list[tuple[Camera, FleetCamera | None]]:
        """Every camvault camera with its fleet row (None: never registered), for an admin to learn the
        uuid and serial number a device registers with."""
        require_admin(user)
        return [(c, self._store.fleet.camera(c.id)) for c in self._store.cameras.list()]

    # --- lifecycle ------------------------------------------------------------------------------
    def register(self, user: User, camera_uuid: str, serial: str) -> tuple[FleetCamera, bool]:
        """A device registers: (its fleet row, whether it was newly registered)."""
        _require(user, fleet.SCOPE_WRITE)
        camera = self._by_serial(serial)
        if camera.uuid != _uuid(camera_uuid, "cameraId"):
            raise BadRequest(f"cameraId is not the id of the camera with serial number {serial}",
                             key="fleet_id_mismatch")
        with self._changing:
            current = self._store.fleet.camera(camera.id)
            state = fleet.after_register(current.state if current else None)
            if current is not None and current.state == state:
                return current, False
            row = FleetCamera(camera.id, state)
            self._store.fleet.put_camera(row, self._clock.now_ms())
        log.info("fleet: camera %s (serial %s) registered by %s", camera.id, serial, user.name)
        return self._store.fleet.camera(camera.id), True

    def claim(self, user: User, serial: str, site_uuid: str, name: str | None) -> FleetView:
        _require(user, fleet.SCOPE_WRITE)
        camera = self._by_serial(serial)
        site = self._site_for(user, site_uuid)
        with self._changing:
            current = self._store.fleet.camera(camera.id)
            fleet.check_claim(current.state if current else None)
            if current is None or not fleet.is_claimable(current.state):
                raise NotFound(f"No registered camera has serial number {serial}", key="fleet_serial_not_found")
            now_ms = self._clock.now_ms()
            row = replace(current, state=fleet.RUNNING, site_uuid=site.uuid, position_uuid=str(uuid.uuid4()),
                          name=(name or "").strip() or None, claimed_ms=now_ms)
            self._store.fleet.put_camera(row, now_ms)
        log.info("fleet: camera %s claimed for site %s by %s", camera.id, site.name, user.name)
        return self._view(camera, include_metrics=True)

    def set_state(self, user: User, camera_uuid: str, new_state: str) -> FleetView:
        _require(user, fleet.SCOPE_WRITE)
        camera, _row = self._visible(user, camera_uuid)
        self._apply_state(camera.id, new_state)
        return self._view(camera, include_metrics=True)

    def request_state(self, user: User, camera_uuid: str, request_state: str) -> StateRequest:
        """Queue a claimed/claimed_paused change, applied by `apply_pending` (the worker)."""
        _require(user, fleet.SCOPE_WRITE)
        new_state = fleet.REQUEST_STATES.get(request_state)
        if new_state is None:
            raise BadRequest(f"newState must be one of {', '.join(fleet.REQUEST_STATES)}", key="fleet_bad_state")
        camera, row = self._visible(user, camera_uuid)
        fleet.check_state_change(row.state, new_state)
        request = StateRequest(str(uuid.uuid4()), camera.id, new_state, "created", "", self._clock.now_ms())
        self._store.fleet.add_request(request)
        for wake in self.on_request:
            wake()
        return request

    def state_request(self, user: User, request_uuid: str) -> tuple[StateRequest, str]:
        """(the request, its camera's uuid)."""
        _require(user, fleet.SCOPE_READ)
        request = self._store.fleet.request(request_uuid)
        if request is None:
            raise NotFound(f"No state request {request_uuid}", key="fleet_request_not_found")
        camera = self._store.cameras.get(request.camera_id)
        self._visible(user, camera.uuid)
        return request, camera.uuid

    def apply_pending(self) -> int:
        """Apply queued state requests, oldest first; returns how many were handled."""
        pending = self._store.fleet.pending_requests()
        for request in pending:
            try:
                self._apply_state(request.camera_id, request.new_state)
                status, message = "applied", ""
            except (Conflict, NotFound, BadRequest, Unprocessable) as exc:
                status, message = "failed", exc.message
            self._store.fleet.finish_request(request.uuid, status, message, self._clock.now_ms())
        return len(pending)

    def decommission(self, user: User, camera_uuid: str) -> None:
        _require(user, fleet.SCOPE_WRITE)
        camera, _row = self._visible(user, camera_uuid)
        with self._changing:
            row = self._store.fleet.camera(camera.id)
            fleet.check_decommission(row.state)
            self._store.fleet.put_camera(replace(row, state=fleet.DECOMMISSIONED), self._clock.now_ms())
            self._set_paused(camera, False)
        log.info("fleet: camera %s decommissioned by %s", camera.id, user.name)

    def move(self, user: User, camera_uuid: str, site_uuid: str) -> FleetView:
        _require(user, fleet.SCOPE_WRITE)
        camera, _row = self._visible(user, camera_uuid)
        site = self._site_for(user, site_uuid)
        with self._changing:
            row = self._store.fleet.camera(camera.id)
            fleet.check_claimed(row.state, "moved")
            self._store.fleet.put_camera(replace(row, site_uuid=site.uuid, position_uuid=str(uuid.uuid4())),
                                         self._clock.now_ms())
        return self._view(camera, include_metrics=True)

    def patch(self, user: User, camera_uuid: str, changes: dict[str, str | None]) -> FleetView:
        """Change `name`, `direction1_alias`, `direction2_alias` (those given)."""
        _require(user, fleet.SCOPE_WRITE)
        camera, _row = self._visible(user, camera_uuid)
        with self._changing:
            row = self._store.fleet.camera(camera.id)
            fleet.check_claimed(row.state, "changed")
            self._store.fleet.put_camera(replace(row, **changes), self._clock.now_ms())
        return self._view(camera, include_metrics=True)

    # --- queries --------------------------------------------------------------------------------
    def list(self, user: User, *, site_uuid: str | None = None, user_id: str | None = None,
             states: list[str] | None = None, include_metrics: bool = True) -> list[FleetView]:
        _require(user, fleet.SCOPE_READ)
        bad = sorted(set(states or ()) - set(fleet.LISTED_STATES))
        if bad:
            raise Unprocessable(f"state must be among {', '.join(fleet.LISTED_STATES)}",
                                      key="fleet_bad_state_filter")
        sites = self._sites_of(user)
        if user_id is not None:
            target = self._user_by_uuid(user, user_id)
            target_sites = self._sites_of(target)
            sites = target_sites if sites is None else (sites & target_sites if target_sites is not None else sites)
        if site_uuid is not None:
            site = self._site_for(user, site_uuid)
            sites = {site.uuid} if sites is None or site.uuid in sites else set()
        rows = self._store.fleet.cameras(states=states or list(fleet.LISTED_STATES), site_uuids=sites)
        cameras = {c.id: c for c in self._store.cameras.list()}
        return [self._view(cameras[r.camera_id], include_metrics, row=r) for r in rows if r.camera_id in cameras]

    def get(self, user: User, camera_uuid: str, *, include_metrics: bool = True) -> FleetView:
        _require(user, fleet.SCOPE_READ)
        camera, row = self._visible(user, camera_uuid)
        return self._view(camera, include_metrics, row=row)

    def frame(self, user: User, camera_uuid: str) -> tuple[bytes, int]:
        """(JPEG of a recent frame, its time); Conflict when paused, NotFound when no image."""
        _require(user, fleet.SCOPE_READ)
        camera, row = self._visible(user, camera_uuid)
        if row.state == fleet.PAUSED:
            raise Conflict("The camera is paused", key="fleet_camera_paused")
        picture, time_ms = self._stills.live_picture(camera)
        return to_jpeg(picture), time_ms

    def opening_hours(self, user: User, camera_uuid: str, day: str | None) -> list[int]:
        """[open, close, ...] of the local date `day` (default: today there) at the camera's site."""
        _require(user, fleet.SCOPE_READ)
        _camera, row = self._visible(user, camera_uuid)
        site = self._store.fleet.site(row.site_uuid) if row.site_uuid else None
        tz_name = site.timezone if site else self._default_timezone
        hours = site.opening_hours if site and site.opening_hours is not None else self._default_hours
        if day is None:
            local_day = datetime.fromtimestamp(self._clock.now_ms() / 1000, fleet.zone(tz_name)).date()
        else:
            try:
                local_day = date.fromisoformat(day)
            except ValueError:
                raise BadRequest("date must be YYYY-MM-DD", key="fleet_bad_date") from None
        return fleet.opening_instants_ms(hours, tz_name, local_day)

    def upload_metrics(self, user: User, camera_uuid: str):
        _require(user, fleet.SCOPE_READ)
        camera, _row = self._visible(user, camera_uuid)
        return self._metrics.upload(camera.id)

    # --- helpers --------------------------------------------------------------------------------
    def _apply_state(self, camera_id: int, new_state: str) -> None:
        with self._changing:
            row = self._store.fleet.camera(camera_id)
            camera = self._store.cameras.get(camera_id)
            if row is None or camera is None:
                raise NotFound("The camera is not in the fleet", key="fleet_camera_not_found")
            fleet.check_state_change(row.state, new_state)
            if row.state != new_state:
                self._store.fleet.put_camera(replace(row, state=new_state), self._clock.now_ms())
                self._set_paused(camera, new_state == fleet.PAUSED)
                log.info("fleet: camera %s is now %s", camera_id, new_state)

    def _set_paused(self, camera: Camera, paused: bool) -> None:
        with self._lock:
            self._paused = self._store.fleet.paused_ids()
        self._ingest.apply(camera)        # stops a paused camera's streams, restarts a resumed one's

    def _by_serial(self, serial: str) -> Camera:
        found = next((c for c in self._store.cameras.list() if c.serial_number == serial), None) if serial else None
        if found is None:
            raise NotFound(f"No camera has serial number {serial!r}", key="fleet_serial_not_found")
        return found

    def _visible(self, user: User, camera_uuid: str) -> tuple[Camera, FleetCamera]:
        wanted = _uuid(camera_uuid, "cameraId")
        camera = next((c for c in self._store.cameras.list() if c.uuid == wanted), None)
        row = self._store.fleet.camera(camera.id) if camera else None
        if camera is None or row is None:
            raise NotFound(f"Camera {camera_uuid} not found", key="fleet_camera_not_found")
        sites = self._sites_of(user)
        if sites is not None and row.site_uuid not in sites:
            raise Forbidden(f"You may not see camera {camera_uuid}", key="fleet_camera_forbidden")
        return camera, row

    def _sites_of(self, user: User) -> set[str] | None:
        """The sites whose cameras the user sees (None: all, an admin)."""
        return None if user.is_admin else self._store.fleet.user_sites(user.id)

    def _site_for(self, user: User, site_uuid: str) -> Site:
        site = self._store.fleet.site(_uuid(site_uuid, "siteId"))
        if site is None:
            raise NotFound(f"Site {site_uuid} not found", key="fleet_site_not_found")
        sites = self._sites_of(user)
        if sites is not None and site.uuid not in sites:
            raise Forbidden(f"You may not see site {site_uuid}", key="fleet_site_forbidden")
        return site

    def _user_by_uuid(self, user: User, wanted: str) -> User:
        wanted = _uuid(wanted, "userId")
        if not user.is_admin and wanted != user_uuid(user.id):
            raise Forbidden("Only an admin may filter on another user", key="fleet_user_forbidden")
        found = next((u for u in self._store.users.list() if user_uuid(u.id) == wanted), None)
        if found is None:
            raise NotFound(f"User {wanted} not found", key="fleet_user_not_found")
        return found

    def _view(self, camera: Camera, include_metrics: bool, *, row: FleetCamera | None = None) -> FleetView:
        row = row or self._store.fleet.camera(camera.id)
        site = self._store.fleet.site(row.site_uuid) if row.site_uuid else None
        return FleetView(camera, row, site.organisation_uuid if site else None,
                         self._metrics.measure(camera) if include_metrics else None)


def _require(user: User, scope: str) -> None:
    """What the user's profile allows (a token's own scopes are checked by the adapter)."""
    fleet.require_scope(fleet.allowed_scopes(user), scope)


def _uuid(text: str | None, field: str) -> str:
    try:
        return str(uuid.UUID(str(text)))
    except ValueError:
        raise BadRequest(f"{field} must be a UUID", key="fleet_bad_uuid", field=field) from None
