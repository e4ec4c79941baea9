"""Snapshots: a user captures a still of a camera, from the live stream now or from the recording
at a given time, with an optional comment that may be added later only once; the picture is
served resized and as a PDF report.

Rights: every operation needs the view right on the snapshot's camera (Forbidden), unknown ids are
NotFound. The JPEG file is written and closed before the row is inserted (DESIGN rule 1).
Thread-safe (stateless over the store). Times are epoch ms UTC.
"""

from __future__ import annotations

import io
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from PIL import Image

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Conflict, Forbidden, NotFound
from camvault.core.model import Snapshot, SnapshotFilter, User
from camvault.core.rights import can_view
from camvault.services.cameras import CameraService
from camvault.services.snapshot_report import render_report
from camvault.services.stills import StillService
from camvault.store.store import Store
from camvault.video.stills import to_jpeg

log = logging.getLogger(__name__)

MAX_COMMENT_CHARS = 2000
MAX_SIDE_PX = 8192
JPEG_QUALITY = 90


@dataclass(frozen=True)
class SnapshotPage:
    items: list[Snapshot]
    total: int


class SnapshotService:
    def __init__(self, store: Store, cameras: CameraService, stills: StillService, clock: Clock) -> None:
        self._store = store
        self._cameras = cameras
        self._stills = stills
        self._clock = clock

    # --- queries --------------------------------------------------------------------------------
    def list_for(self, user: User, where: SnapshotFilter, *, limit: int, offset: int) -> SnapshotPage:
        """One page (newest first) of the snapshots of cameras the user may view. Naming a camera
        the user may not view is Forbidden; without a camera filter the list is restricted."""
        if where.from_ms is not None and where.to_ms is not None and where.from_ms > where.to_ms:
            raise BadRequest("'from' must not be after 'to'", key="invalid_range")
        where = SnapshotFilter(self._visible(user, where.camera_ids), where.from_ms, where.to_ms, where.user_id,
                               where.comment)
        repo = self._store.snapshots
        return SnapshotPage(repo.list(where, limit=limit, offset=offset), repo.count(where))

    def get_for(self, user: User, snapshot_id: int) -> Snapshot:
        found = self._store.snapshots.get(snapshot_id)
        if found is None:
            raise NotFound(f"Snapshot {snapshot_id} not found", key="snapshot_not_found", id=snapshot_id)
        if not can_view(user, found.camera_id):
            raise Forbidden(f"You have no rights on camera {found.camera_id}", key="camera_forbidden",
                            id=found.camera_id)
        return found

    def image_jpeg(self, user: User, snapshot_id: int, *, width: int | None = None,
                   height: int | None = None) -> bytes:
        """The picture, fitted inside width x height when given (aspect kept, never enlarged)."""
        for name, value in (("width", width), ("height", height)):
            if value is not None and not 1 <= value <= MAX_SIDE_PX:
                raise BadRequest(f"'{name}' must be an integer between 1 and {MAX_SIDE_PX}", key="invalid_size",
                                 field=name)
        jpeg = self._stored_jpeg(self.get_for(user, snapshot_id))
        if width is None and height is None:
            return jpeg
        with Image.open(io.BytesIO(jpeg)) as picture:
            return to_jpeg(picture, width=width, height=height, quality=JPEG_QUALITY)

    def report_pdf(self, user: User, snapshot_id: int) -> bytes:
        snapshot = self.get_for(user, snapshot_id)
        return render_report(snapshot, self._stored_jpeg(snapshot), generated_ms=self._clock.now_ms())

    # --- changes --------------------------------------------------------------------------------
    def create(self, user: User, camera_id: int, *, time_ms: int | None, comment: str | None, ip: str) -> Snapshot:
        """Capture from the live stream (no `time_ms`; the time is the picture's) or from the
        recording at `time_ms`. NotFound when there is no such picture."""
        camera = self._cameras.camera_for(user, camera_id)
        comment = _clean_comment(comment, required=False)
        if time_ms is None:
            picture, time_ms = self._stills.live_picture(camera)
        else:
            picture = self._stills.recorded_picture(camera, time_ms)
        path = _image_path(camera.id, time_ms)
        self._store.media.write_file(path, to_jpeg(picture, quality=JPEG_QUALITY))
        snapshot = Snapshot(0, camera.id, camera.name, user.id, user.name, ip[:64], time_ms, self._clock.now_ms(),
                            comment, path)
        try:
            snapshot = self._store.snapshots.insert(snapshot)
        except Exception:
            log.exception("snapshot of camera %s not indexed; removing %s", camera.id, path)
            self._store.media.unlink(path)
            raise
        log.info("snapshot %s of camera %s taken by %s from %s", snapshot.id, camera.id, user.name, ip)
        return snapshot

    def add_comment(self, user: User, snapshot_id: int, comment: str | None) -> Snapshot:
        """Set the comment of a snapshot that has none; Conflict once it has one."""
        self.get_for(user, snapshot_id)
        text = _clean_comment(comment, required=True)
        if not self._store.snapshots.set_comment_if_none(snapshot_id, text):
            raise Conflict(f"Snapshot {snapshot_id} already has a comment; it can no longer be changed",
                           key="snapshot_not_updatable", id=snapshot_id)
        return self.get_for(user, snapshot_id)

    # --- helpers --------------------------------------------------------------------------------
    def _visible(self, user: User, camera_ids: list[int] | None) -> list[int] | None:
        if camera_ids is None:
            return None if user.is_admin else sorted(user.rights)
        forbidden = [c for c in camera_ids if not can_view(user, c)]
        if forbidden:
            raise Forbidden(f"You have no rights on camera {forbidden[0]}", key="camera_forbidden", id=forbidden[0])
        return camera_ids

    def _stored_jpeg(self, snapshot: Snapshot) -> bytes:
        try:
            return self._store.media.read_file(snapshot.path)
        except FileNotFoundError:
            log.error("snapshot %s is indexed but its image %s is missing", snapshot.id, snapshot.path)
            raise NotFound(f"The image of snapshot {snapshot.id} is missing", key="snapshot_image_missing",
                           id=snapshot.id) from None


def _clean_comment(comment: str | None, *, required: bool) -> str | None:
    text = comment.strip() if isinstance(comment, str) else None
    if not text:
        if required:
            raise BadRequest("'comment' must be a non-empty text", key="comment_required", field="comment")
        return None
    if len(text) > MAX_COMMENT_CHARS:
        raise BadRequest(f"'comment' must have at most {MAX_COMMENT_CHARS} characters", key="comment_too_long",
                         field="comment")
    return text


def _image_path(camera_id: int, time_ms: int) -> str:
    """`snapshots/<camera>/<YYYY-MM-DD>/<camera>-<time_ms>-<random>.jpg` (unique even for two
    snapshots of the same picture)."""
    day = datetime.fromtimestamp(time_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d")
    return f"snapshots/{camera_id}/{day}/{camera_id}-{time_ms}-{secrets.token_hex(4)}.jpg"
