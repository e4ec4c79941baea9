"""Still pictures of a camera, for any dialect: the reference image (the latest kept keyframe of
its best-quality stream, as JPEG), the live picture (the latest keyframe of a stream delivering
now) and the picture recorded at a given time (decoded from the slice that covers it).

Decodes only on demand: one keyframe per request, and the reference JPEG is cached until a newer
keyframe arrives. Thread-safe (the cache is guarded by a lock). Times are epoch ms UTC.
"""

from __future__ import annotations

import logging
import threading

from PIL import Image

from camvault.core.errors import NotFound
from camvault.core.model import Camera, Slice, User
from camvault.core.timefmt import format_iso_ms
from camvault.services.cameras import CameraService
from camvault.services.ingest import IngestService
from camvault.store.store import Store
from camvault.video.stills import Keyframe, decode_keyframe, picture_at, to_jpeg

log = logging.getLogger(__name__)

SLICE_CANDIDATES = 20


class StillService:
    def __init__(self, store: Store, cameras: CameraService, ingest: IngestService) -> None:
        self._store = store
        self._cameras = cameras
        self._ingest = ingest
        self._ref_cache: dict[int, tuple[Keyframe, bytes]] = {}
        self._lock = threading.Lock()

    def reference_jpeg(self, user: User, camera_id: int) -> bytes | None:
        """The camera's reference image as JPEG, None when it has none. NotFound/Forbidden for an
        unknown camera or one the user may not view."""
        camera = self._cameras.camera_for(user, camera_id)
        keyframe = self._ingest.best_keyframe(camera)
        if keyframe is None:
            return None
        with self._lock:
            cached = self._ref_cache.get(camera.id)
        if cached is not None and cached[0] is keyframe:
            return cached[1]
        try:
            jpeg = to_jpeg(decode_keyframe(keyframe))
        except ValueError as exc:
            log.error("camera %s: reference keyframe does not decode: %s", camera.id, exc)
            return None
        with self._lock:
            self._ref_cache[camera.id] = (keyframe, jpeg)
        return jpeg

    def live_picture(self, camera: Camera) -> tuple[Image.Image, int]:
        """(picture, its wall time in ms) from a stream delivering now; NotFound when none does."""
        keyframe = self._ingest.best_keyframe(camera, live_only=True)
        if keyframe is None:
            raise NotFound(f"Camera {camera.id} has no live picture (it is not delivering video)",
                           key="no_live_picture", id=camera.id)
        try:
            return decode_keyframe(keyframe), keyframe.wall_ms
        except ValueError as exc:
            log.error("camera %s: live keyframe does not decode: %s", camera.id, exc)
            raise NotFound(f"Camera {camera.id} has no readable live picture", key="no_live_picture",
                           id=camera.id) from None

    def recorded_picture(self, camera: Camera, time_ms: int) -> Image.Image:
        """The picture recorded at `time_ms` (the last frame at or before it in the covering slice of
        the best-quality stream); NotFound when nothing was recorded then."""
        chosen = self._covering_slice(camera, time_ms)
        try:
            return picture_at(self._store.slice_files.media_input(chosen) or self._store.media.absolute(chosen.path),
                              time_ms - chosen.start_ms)
        except (ValueError, OSError) as exc:
            log.error("slice %s: no picture at %d ms: %s", chosen.path, time_ms - chosen.start_ms, exc)
            raise NotFound(f"The recording of camera {camera.id} at {format_iso_ms(time_ms)} is unreadable",
                           key="recording_unreadable", id=camera.id) from None

    def _covering_slice(self, camera: Camera, time_ms: int) -> Slice:
        found = self._store.slices.list(camera_ids=[camera.id], from_ms=time_ms, to_ms=time_ms,
                                        limit=SLICE_CANDIDATES)
        if not found:
            raise NotFound(f"Camera {camera.id} has no recording at {format_iso_ms(time_ms)}",
                           key="no_recording", id=camera.id)
        quality = {s.stream_id: s.quality for s in camera.streams}
        return max(found, key=lambda s: (quality.get(s.stream_id, 0), s.start_ms, s.type == "r"))
