"""Protected records: a camera's time range whose slices retention never prunes (DESIGN rule 3).

`protect` stores the range and marks the slices already recorded in it; `mark` is the recording
hook that protects a slice indexed later (e.g. the one being written) when it overlaps a stored
range. Rights: Admin or Protection profile, and the view right on the camera; `list_for` (the list
extension) needs only the view right, as the timeline shows protected ranges to every viewer.
Thread-safe.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest
from camvault.core.exports import ProtectedRange, check_range, check_slice_type
from camvault.core.model import Profile, Slice, User
from camvault.core.rights import can_view, require_profile
from camvault.core.timefmt import format_iso_s
from camvault.services.cameras import CameraService
from camvault.store.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProtectRequest:
    camera_id: int
    from_ms: int
    to_ms: int
    type: str = "r"
    comment: str = ""


class ProtectionService:
    def __init__(self, store: Store, cameras: CameraService, clock: Clock) -> None:
        self._store = store
        self._cameras = cameras
        self._clock = clock

    def protect(self, user: User, req: ProtectRequest) -> ProtectedRange:
        require_profile(user, Profile.PROTECTION)
        self._cameras.camera_for(user, req.camera_id)
        check_range(req.from_ms, req.to_ms)
        check_slice_type(req.type)
        stored, marked = self._store.precords.add(ProtectedRange(
            id=0, camera_id=req.camera_id, from_ms=req.from_ms, to_ms=req.to_ms, type=req.type,
            comment=req.comment, user_id=user.id, created_ms=self._clock.now_ms()))
        log.info("protected record %d: camera %d %s to %s (type %s) by %s; %d slices protected", stored.id,
                 req.camera_id, format_iso_s(req.from_ms), format_iso_s(req.to_ms), req.type, user.name, marked)
        return stored

    def list_for(self, user: User, camera_ids: list[int] | None, from_ms: int | None, to_ms: int | None, *,
                 limit: int, offset: int) -> tuple[list[ProtectedRange], bool]:
        """One page (newest first) of the protected records of cameras the user may view, and whether
        more follow. Naming a camera the user may not view is Forbidden, an unknown one NotFound."""
        if from_ms is not None and to_ms is not None and from_ms > to_ms:
            raise BadRequest("'from' must not be after 'to'", key="invalid_range")
        if camera_ids is not None:
            visible = [self._cameras.camera_for(user, c).id for c in dict.fromkeys(camera_ids)]
        else:
            visible = None if user.is_admin else [c.id for c in self._store.cameras.list() if can_view(user, c.id)]
        found = self._store.precords.page(visible, from_ms, to_ms, limit=limit + 1, offset=offset)
        return found[:limit], len(found) > limit

    def mark(self, s: Slice) -> Slice:
        """Recording hook (recorder threads): the slice, protected if a stored range overlaps it."""
        if s.protected or not self._store.precords.covering(s.camera_id, s.type, s.start_ms, s.stop_ms):
            return s
        log.info("slice %s falls in a protected record; protected", s.path)
        return dataclasses.replace(s, protected=True)
