"""Mosaics (CamTrace groups): their definitions (layout, cycle of levels), who may see and change
them, and what each shows now: the level on in its cycle and the real-time overrides of its cells.

Rights: consulting needs `user.may("mosaic", id, "view")`; creating and deleting need the Admin
profile; modifying and overriding need Admin or the mosaic's `edit` right. An unknown id is
NotFound before any rights check, then Forbidden. A user without the edit right gets a mosaic
without the elements that show cameras he may not view (those cells are empty for him).

Live state (in memory, per node): a mosaic's cycle starts when it is first shown, overridden or
asked for its cameras after the node started, or when it is modified; overrides end after their
`duration_s` on the injected clock's monotonic time, or when cancelled, or when the mosaic is
modified or deleted. Thread-safe; `shown` never touches the database once the mosaic is loaded.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Conflict, Forbidden, NotFound
from camvault.core.model import User
from camvault.core.mosaics import (
    Layout,
    Mosaic,
    MosaicLevel,
    Override,
    Shown,
    check_layout,
    check_levels,
    check_position,
    check_size,
    shown_cells,
    with_previous_display,
)
from camvault.core.rights import can_view, require_admin
from camvault.core.tiles import Size
from camvault.services.cameras import CameraService
from camvault.services.live_view import LiveViewService, ProgramView
from camvault.services.mosaic_view import composition
from camvault.services.users import UserService
from camvault.store.mosaics import DisplayCodeTaken
from camvault.store.store import Store

log = logging.getLogger(__name__)

Plan = tuple[Layout, tuple[Shown, ...]]
"""What a mosaic shows now: its layout and the cells showing a camera."""


@dataclass
class _Live:
    mosaic: Mosaic
    started_s: float
    overrides: dict[int, Override] = field(default_factory=dict)


class MosaicService:
    def __init__(self, store: Store, users: UserService, cameras: CameraService, live_view: LiveViewService,
                 clock: Clock) -> None:
        self._store = store
        self._users = users
        self._cameras = cameras
        self._live_view = live_view
        self._clock = clock
        self._lock = threading.Lock()
        self._live: dict[int, _Live] = {}

    # --- queries --------------------------------------------------------------------------------
    def list_for(self, user: User) -> list[Mosaic]:
        """The mosaics the user may view, by id."""
        return [_as_seen(user, m) for m in self._store.mosaics.list() if user.may("mosaic", m.id, "view")]

    def get_for(self, user: User, mosaic_id: int) -> Mosaic:
        mosaic = self._get(mosaic_id)
        if not user.may("mosaic", mosaic_id, "view"):
            raise Forbidden(f"You have no rights on mosaic {mosaic_id}", key="mosaic_forbidden", id=mosaic_id)
        return _as_seen(user, mosaic)

    def exists(self, mosaic_id: int) -> bool:
        return mosaic_id in self._store.mosaics.ids()

    def visible_ids(self, user: User) -> set[int]:
        """The ids of the mosaics the user may view."""
        return {i for i in self._store.mosaics.ids() if user.may("mosaic", i, "view")}

    def current_cameras(self, mosaic_id: int) -> list[int]:
        """The cameras the mosaic shows now (current level and overrides), by cell; [] if unknown."""
        plan = self.shown(mosaic_id) if self._live_state(mosaic_id) is not None else None
        return [s.camera_id for s in plan[1]] if plan else []

    # --- changes --------------------------------------------------------------------------------
    def create(self, user: User, mosaic: Mosaic) -> Mosaic:
        require_admin(user)
        self._check(mosaic)
        try:
            created = self._store.mosaics.insert(mosaic, self._clock.now_ms())
        except DisplayCodeTaken:
            raise _code_taken(mosaic.display_code) from None
        log.info("mosaic %s (%s) created by %s", created.id, created.name, user.name)
        return created

    def modify(self, user: User, mosaic_id: int, changes: dict) -> Mosaic:
        """In-depth modification: the fields in `changes` (Mosaic field names) replace the mosaic's;
        `levels`, when given, replace every level. A new layout without rows/cols gives them."""
        mosaic = self._editable(user, mosaic_id)
        if changes.get("layout"):
            changes = {"rows": len(changes["layout"]), "cols": len(changes["layout"][0]), **changes}
        return self._replace(user, replace(mosaic, **changes))

    def modify_cycle(self, user: User, mosaic_id: int, levels: tuple[MosaicLevel, ...]) -> Mosaic:
        """Cycle modification: new levels of camera elements, each keeping the mode and display
        flags of the element that held its position before."""
        mosaic = self._editable(user, mosaic_id)
        return self._replace(user, replace(mosaic, levels=with_previous_display(levels, mosaic.levels)))

    def delete(self, user: User, mosaic_id: int) -> None:
        require_admin(user)
        if not self._store.mosaics.delete(mosaic_id):
            raise _not_found(mosaic_id)
        with self._lock:
            self._live.pop(mosaic_id, None)
        self._users.forget_object("mosaic", mosaic_id)
        log.info("mosaic %s deleted by %s", mosaic_id, user.name)

    def override(self, user: User, mosaic_id: int, position: int, camera_id: int | None = None,
                 stream_id: int | None = None, duration_s: int | None = None) -> None:
        """Show `camera_id.stream_id` in cell `position` for `duration_s` (None: until cancelled or
        the mosaic is modified); without a camera, cancel the cell's override."""
        mosaic = self._editable(user, mosaic_id)
        check_position(position, mosaic.cell_count)
        if camera_id is None and stream_id is not None:
            raise BadRequest(f"Position {position}: a camera element needs a cameraId", key="mosaic_camera_required",
                             position=position)
        if camera_id is not None and stream_id is None:
            raise BadRequest("streamId is required with cameraId", key="mosaic_override_stream_required")
        if camera_id is not None:
            self._check_camera(camera_id, stream_id)
        if duration_s is not None and duration_s < 1:
            raise BadRequest("'duration' must be a positive integer", key="invalid_integer", field="duration")
        live = self._live_state(mosaic_id)
        now_s = self._clock.monotonic_s()
        with self._lock:
            if camera_id is None:
                live.overrides.pop(position, None)
            else:
                until_s = now_s + duration_s if duration_s is not None else None
                live.overrides[position] = Override(camera_id, stream_id, until_s)

    # --- what shows now --------------------------------------------------------------------------
    def shown(self, mosaic_id: int) -> Plan | None:
        """The layout and the cells showing a camera now, from memory (None: not loaded, or
        deleted). Cheap: called by every viewer of the mosaic a few times a second."""
        now_s = self._clock.monotonic_s()
        with self._lock:
            live = self._live.get(mosaic_id)
            if live is None:
                return None
            for cell in [c for c, o in live.overrides.items() if not o.active(now_s)]:
                del live.overrides[cell]
            return live.mosaic.layout, shown_cells(live.mosaic, now_s - live.started_s, live.overrides, now_s)

    def view(self, user: User, mosaic_id: int, quality: int, size: Size | None = None) -> ProgramView:
        """The mosaic as MJPEG, following its cycle and overrides (blocking: call it off the event
        loop). Cells whose camera the user may not view live stay empty."""
        self.get_for(user, mosaic_id)
        self._live_state(mosaic_id)
        return self._live_view.program_view(
            f"group {mosaic_id}", quality, size, lambda: self.shown(mosaic_id),
            lambda plan, canvas: composition(user, plan, canvas, self._cameras, self._live_view))

    # --- helpers ---------------------------------------------------------------------------------
    def _get(self, mosaic_id: int) -> Mosaic:
        mosaic = self._store.mosaics.get(mosaic_id)
        if mosaic is None:
            raise _not_found(mosaic_id)
        return mosaic

    def _editable(self, user: User, mosaic_id: int) -> Mosaic:
        mosaic = self._get(mosaic_id)
        if not user.may("mosaic", mosaic_id, "edit"):
            raise Forbidden(f"You may not modify mosaic {mosaic_id}", key="mosaic_edit_forbidden", id=mosaic_id)
        return mosaic

    def _replace(self, user: User, mosaic: Mosaic) -> Mosaic:
        self._check(mosaic)
        try:
            if not self._store.mosaics.replace(mosaic, self._clock.now_ms()):
                raise _not_found(mosaic.id)
        except DisplayCodeTaken:
            raise _code_taken(mosaic.display_code) from None
        with self._lock:        # the configuration is reloaded: a new cycle, no overrides
            self._live[mosaic.id] = _Live(mosaic, self._clock.monotonic_s())
        log.info("mosaic %s modified by %s", mosaic.id, user.name)
        return mosaic

    def _live_state(self, mosaic_id: int) -> _Live | None:
        with self._lock:
            live = self._live.get(mosaic_id)
        if live is not None:
            return live
        mosaic = self._store.mosaics.get(mosaic_id)
        if mosaic is None:
            return None
        with self._lock:
            return self._live.setdefault(mosaic_id, _Live(mosaic, self._clock.monotonic_s()))

    def _check(self, mosaic: Mosaic) -> None:
        check_size(mosaic.rows, mosaic.cols)
        check_layout(mosaic.rows, mosaic.cols, mosaic.layout)
        check_levels(mosaic.levels, mosaic.cell_count)
        for level in mosaic.levels:
            for element in level.elements:
                if element.type == "c":
                    self._check_camera(element.camera_id, element.stream_id)

    def _check_camera(self, camera_id: int, stream_id: int | None) -> None:
        camera = self._store.cameras.get(camera_id)
        if camera is None:
            raise BadRequest(f"Camera {camera_id} does not exist", key="mosaic_unknown_camera", id=camera_id)
        if stream_id is not None and camera.stream(stream_id) is None:
            raise BadRequest(f"Camera {camera_id} has no stream {stream_id}", key="mosaic_unknown_stream",
                             camera=camera_id, stream=stream_id)


def _as_seen(user: User, mosaic: Mosaic) -> Mosaic:
    """Without the elements showing cameras the user may not view, unless he may edit the mosaic."""
    if user.may("mosaic", mosaic.id, "edit"):
        return mosaic
    levels = tuple(replace(lv, elements=tuple(e for e in lv.elements
                                              if e.type != "c" or e.camera_id is None or can_view(user, e.camera_id)))
                   for lv in mosaic.levels)
    return replace(mosaic, levels=levels)


def _not_found(mosaic_id: int) -> NotFound:
    return NotFound(f"Mosaic {mosaic_id} not found", key="mosaic_not_found", id=mosaic_id)


def _code_taken(code: int | None) -> Conflict:
    return Conflict(f"Display code {code} is already used by another mosaic", key="mosaic_display_code_taken",
                    code=code)
