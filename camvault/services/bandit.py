"""Bandit sessions dialect's use cases over the recorded data: video sessions and files (slices),
image sessions and files (snapshots and alarm pictures), one item, its file, a picture of a video,
deleting, and the camera status.

Rights: videos and images need the `records` right on their camera (an admin sees every slice,
also those of removed cameras); a per-camera scope (`camera_id`) is NotFound for an unknown camera
and Forbidden without rights. Deleting also needs the Admin or Protection profile.

Each listed file is checked for integrity (`video.integrity`, verdicts cached by
`services.bandit_checks`); the status comes from `services.bandit_status`. Thread-safe (stateless
but for that cache, which has its own lock). Times are epoch ms UTC.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from camvault.core import bandit as rules
from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Forbidden, NotFound
from camvault.core.model import CameraRight, Profile, Slice, User
from camvault.core.rights import can_play_records, require_profile
from camvault.services.bandit_checks import FileChecks
from camvault.services.bandit_status import MediaStatus, StatusReader
from camvault.services.cameras import CameraService
from camvault.services.ingest import IngestService
from camvault.services.recordings import RecordingService
from camvault.store.bandit import BanditQueries, ImageRow, SessionRow
from camvault.store.object_store import ObjectStoreError
from camvault.store.slice_files import SliceSource
from camvault.store.store import Store
from camvault.video.stills import picture_at, to_jpeg

log = logging.getLogger(__name__)

THUMB_SIDE_PX = 320


@dataclass(frozen=True)
class VideoItem:
    """A video file (or the first file of a session: then `number_of_files` and the session's
    totals are set)."""

    id: str
    path: str
    created: str
    size_bytes: int
    length_secs: float
    nr_highlights: int
    mode: str
    resolution: str
    framerate_fps: int
    aspect_ratio: str
    is_valid: bool
    number_of_files: int | None = None
    session_length_secs: float | None = None
    session_size_bytes: int | None = None


@dataclass(frozen=True)
class ImageItem:
    id: str
    path: str
    created: str
    size_bytes: int
    mode: str
    resolution: str
    aspect_ratio: str
    is_valid: bool
    lat_deg: float | None = None
    lon_deg: float | None = None
    order: int | None = None
    total: int | None = None
    number_of_files: int | None = None


@dataclass(frozen=True)
class Listing:
    """`items` is None when the request asked for the total only (count 0)."""

    total: int
    items: list | None


class BanditService:
    def __init__(self, store: Store, queries: BanditQueries, cameras: CameraService, recordings: RecordingService,
                 ingest: IngestService, clock: Clock, *, slice_max_s: int, min_free_bytes: int,
                 open_camera_id: int | None = None) -> None:
        self._store = store
        self._queries = queries
        self._cameras = cameras
        self._recordings = recordings
        self._checks = FileChecks(store.media, store.slice_files)
        self._status = StatusReader(store.media, queries, ingest, clock, slice_max_s=slice_max_s,
                                    min_free_bytes=min_free_bytes)
        self._open_camera_id = open_camera_id

    def open_reader(self, camera_id: int | None) -> User | None:
        """The read-only reader of the camera `bandit.open_camera_id` opens to clients without
        credentials (records right on that camera only, no profile that may delete); else None."""
        if camera_id is None or camera_id != self._open_camera_id:
            return None
        return User(0, f"bandit-open-{camera_id}", Profile.CONSULT,
                    rights={camera_id: CameraRight(camera_id, live=False, records=True)})

    def check_scope(self, user: User, camera_id: int | None) -> None:
        """NotFound/Forbidden unless the user may see the records of the scoped camera."""
        self._scope(user, camera_id)

    # --- listings -------------------------------------------------------------------------------
    def video_sessions(self, user: User, camera_id: int | None, paging: rules.Paging) -> Listing:
        total, rows = self._queries.video_sessions(self._scope(user, camera_id),
                                                   tolerance_ms=rules.SESSION_GAP_TOLERANCE_MS,
                                                   descending=paging.descending, offset=paging.offset,
                                                   limit=paging.count)
        rules.check_offset(paging, total)
        return Listing(total, [self._session_item(r) for r in rows] if paging.count else None)

    def video_files(self, user: User, camera_id: int | None, paging: rules.Paging) -> Listing:
        total, found = self._queries.video_files(self._scope(user, camera_id), descending=paging.descending,
                                                 offset=paging.offset, limit=paging.count)
        rules.check_offset(paging, total)
        return Listing(total, [self._video_item(s) for s in found] if paging.count else None)

    def image_sessions(self, user: User, camera_id: int | None, paging: rules.Paging) -> Listing:
        total, rows = self._queries.image_sessions(self._scope(user, camera_id), open_ms=rules.OPEN_ALARM_BURST_MS,
                                                   descending=paging.descending, offset=paging.offset,
                                                   limit=paging.count)
        rules.check_offset(paging, total)
        return Listing(total, [self._image_item(r, session=True) for r in rows] if paging.count else None)

    def image_files(self, user: User, camera_id: int | None, paging: rules.Paging) -> Listing:
        total, rows = self._queries.image_files(self._scope(user, camera_id), open_ms=rules.OPEN_ALARM_BURST_MS,
                                                descending=paging.descending, offset=paging.offset,
                                                limit=paging.count)
        rules.check_offset(paging, total)
        return Listing(total, [self._image_item(r, session=False) for r in rows] if paging.count else None)

    # --- one video ------------------------------------------------------------------------------
    def video(self, user: User, camera_id: int | None, video_id: str) -> VideoItem:
        return self._video_item(self._slice(user, camera_id, video_id))

    def video_file(self, user: User, camera_id: int | None, video_id: str) -> tuple[SliceSource, str]:
        """The slice file (on disk or in S3) and the name to download it as."""
        found = self._slice(user, camera_id, video_id)
        return self._slice_source(found), rules.video_file_name(found)

    def video_picture(self, user: User, camera_id: int | None, video_id: str, offset_s: float, *,
                      thumbnail: bool) -> bytes:
        """JPEG of the picture shown `offset_s` into the video (a thumbnail fits THUMB_SIDE_PX)."""
        found = self._slice(user, camera_id, video_id)
        offset_ms = round(offset_s * 1000)
        if not 0 <= offset_ms <= found.duration_ms:
            raise BadRequest(f"'offset_secs' must be between 0 and {rules.length_secs(found.duration_ms)}",
                             key="offset_secs_out_of_range")
        try:
            picture = picture_at(self._slice_source(found).media_input, offset_ms)
        except (ValueError, OSError, ObjectStoreError) as exc:
            log.error("video %s: no picture at %d ms: %s", video_id, offset_ms, exc)
            raise NotFound(f"Video {video_id} has no readable picture there", key="picture_not_found") from None
        side = THUMB_SIDE_PX if thumbnail else None
        return to_jpeg(picture, width=side, height=side)

    def delete_video(self, user: User, camera_id: int | None, video_id: str) -> None:
        found = self._slice(user, camera_id, video_id)
        require_profile(user, Profile.PROTECTION)
        self._recordings.remove(found)
        log.info("video %s deleted by %s", video_id, user.name)

    # --- one image ------------------------------------------------------------------------------
    def image(self, user: User, camera_id: int | None, image_id: str) -> ImageItem:
        return self._image_item(self._image_row(user, camera_id, image_id), session=False)

    def image_file(self, user: User, camera_id: int | None, image_id: str) -> tuple[Path, str]:
        row = self._image_row(user, camera_id, image_id)
        return self._existing(row.path), rules.image_file_name(row.kind, row.camera_id, row.time_ms, row.id)

    def image_thumbnail(self, user: User, camera_id: int | None, image_id: str) -> bytes:
        path, _name = self.image_file(user, camera_id, image_id)
        try:
            with Image.open(path) as picture:
                return to_jpeg(picture, width=THUMB_SIDE_PX, height=THUMB_SIDE_PX)
        except OSError as exc:
            raise NotFound(f"Image {image_id} does not decode: {exc}", key="picture_not_found") from None

    def delete_image(self, user: User, camera_id: int | None, image_id: str) -> None:
        """A snapshot is deleted; an alarm picture is removed from its alarm (the alarm stays)."""
        row = self._image_row(user, camera_id, image_id)
        require_profile(user, Profile.PROTECTION)
        if row.kind == "snapshot":
            self._queries.forget_snapshot(row.id)
        else:
            self._queries.forget_alarm_picture(row.id)
        self._store.media.unlink(row.path)
        log.info("image %s deleted by %s", image_id, user.name)

    # --- status ---------------------------------------------------------------------------------
    def status(self, user: User, camera_id: int | None) -> MediaStatus:
        scope = self._scope(user, camera_id)
        cameras = [c for c in self._store.cameras.list() if scope is None or c.id in scope]
        return self._status.status(cameras, scope)

    # --- items ----------------------------------------------------------------------------------
    def _session_item(self, row: SessionRow) -> VideoItem:
        item = self._video_item(row.first, until_ms=row.stop_ms)
        return replace(item, number_of_files=row.files,
                       session_length_secs=rules.length_secs(row.stop_ms - row.first.start_ms),
                       session_size_bytes=row.size_bytes)

    def _video_item(self, s: Slice, *, until_ms: int | None = None) -> VideoItem:
        check = self._checks.video(s)
        highlights = self._queries.count_alarms(s.camera_id, s.start_ms, s.stop_ms if until_ms is None else until_ms)
        return VideoItem(id=rules.video_id(s), path=rules.file_path(s.camera_id, rules.video_file_name(s)),
                         created=rules.iso_created(s.start_ms), size_bytes=s.size_bytes,
                         length_secs=rules.length_secs(s.duration_ms), nr_highlights=highlights,
                         mode="highlight" if s.type == "a" else "normal",
                         resolution=rules.resolution_name(check.height_px), framerate_fps=round(check.fps),
                         aspect_ratio=rules.aspect_ratio_name(check.width_px, check.height_px),
                         is_valid=check.is_valid)

    def _image_item(self, row: ImageRow, *, session: bool) -> ImageItem:
        size, check = self._checks.still(row.path)
        camera = self._store.cameras.get(row.camera_id)
        order = total = None
        if row.alarm_id is not None:
            order, total = self._burst_place(row)
        files = (total or 1) if session else None
        return ImageItem(id=rules.image_id(row.kind, row.id),
                         path=rules.file_path(row.camera_id, rules.image_file_name(row.kind, row.camera_id,
                                                                                   row.time_ms, row.id)),
                         created=rules.iso_created(row.time_ms), size_bytes=size,
                         mode="burst" if row.alarm_id is not None else "single",
                         resolution=rules.megapixels_name(check.width_px, check.height_px),
                         aspect_ratio=rules.aspect_ratio_name(check.width_px, check.height_px),
                         is_valid=check.is_valid, lat_deg=camera.lat_deg if camera else None,
                         lon_deg=camera.lon_deg if camera else None, order=order, total=total,
                         number_of_files=files)

    def _burst_place(self, row: ImageRow) -> tuple[int, int]:
        """(order, total) of an image in its alarm's burst; the alarm picture is first."""
        alarm = row if row.kind == "alarm" else self._queries.image_by_id("alarm", row.alarm_id,
                                                                          open_ms=rules.OPEN_ALARM_BURST_MS)
        if alarm is None:
            return 1, 1
        end_ms = rules.burst_end_ms(alarm.time_ms, self._queries.alarm_end_ms(alarm.id))
        members = self._queries.burst_members(alarm, end_ms, open_ms=rules.OPEN_ALARM_BURST_MS)
        order = 1 if row.kind == "alarm" else rules.burst_position([(m.time_ms, m.id) for m in members],
                                                                   (row.time_ms, row.id))
        return order, 1 + len(members)

    # --- lookups --------------------------------------------------------------------------------
    def _scope(self, user: User, camera_id: int | None) -> list[int] | None:
        """Camera ids whose records the user may see; None: every slice (an admin, no camera)."""
        if camera_id is not None:
            self._cameras.camera_for(user, camera_id)
            if not can_play_records(user, camera_id):
                raise Forbidden(f"You may not play the records of camera {camera_id}", key="records_forbidden")
            return [camera_id]
        if user.is_admin:
            return None
        return [c.id for c in self._store.cameras.list() if can_play_records(user, c.id)]

    def _slice(self, user: User, camera_id: int | None, video_id: str) -> Slice:
        key = rules.parse_video_id(video_id)
        if key is None or (camera_id is not None and key.camera_id != camera_id):
            raise NotFound(f"Video {video_id} not found", key="video_not_found")
        self._allow(user, camera_id, key.camera_id)
        found = self._queries.slice_by_key(key)
        if found is None:
            raise NotFound(f"Video {video_id} not found", key="video_not_found")
        return found

    def _image_row(self, user: User, camera_id: int | None, image_id: str) -> ImageRow:
        key = rules.parse_image_id(image_id)
        row = self._queries.image_by_id(key.kind, key.id, open_ms=rules.OPEN_ALARM_BURST_MS) if key else None
        if row is None or (camera_id is not None and row.camera_id != camera_id):
            raise NotFound(f"Image {image_id} not found", key="image_not_found")
        self._allow(user, camera_id, row.camera_id)
        return row

    def _allow(self, user: User, scope_camera_id: int | None, camera_id: int) -> None:
        if scope_camera_id is not None:
            self._scope(user, scope_camera_id)
        elif not can_play_records(user, camera_id):
            raise Forbidden(f"You may not play the records of camera {camera_id}", key="records_forbidden")

    def _slice_source(self, s: Slice) -> SliceSource:
        found = self._store.slice_files.locate(s)
        if found is None:
            log.error("%s is indexed but its file is missing (on disk and in S3)", s.path)
            raise NotFound("The file is missing", key="file_missing")
        return found

    def _existing(self, relpath: str) -> Path:
        path = self._store.media.absolute(relpath)
        if not path.is_file():
            log.error("%s is indexed but its file is missing", relpath)
            raise NotFound("The file is missing", key="file_missing")
        return path
