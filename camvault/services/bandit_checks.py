"""Integrity verdicts of the files the Bandit dialect lists, cached: a verdict is kept by (path,
size, mtime, and for a slice its indexed size and duration), so a listing reads each file once and
a file changed on disk is checked again. Thread-safe (a bounded LRU under a lock)."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from camvault.core.bandit import DURATION_TOLERANCE_MS
from camvault.core.model import Slice
from camvault.store.media import MediaStore
from camvault.store.object_store import ObjectStoreError
from camvault.store.slice_files import SliceFiles
from camvault.video.integrity import StillCheck, VideoCheck, check_still, check_video

log = logging.getLogger(__name__)

CACHE_ENTRIES = 50_000


class VerdictCache:
    """Bounded LRU of verdicts."""

    def __init__(self, entries: int = CACHE_ENTRIES) -> None:
        self._entries = entries
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._entries:
                self._items.popitem(last=False)


class FileChecks:
    def __init__(self, media: MediaStore, slice_files: SliceFiles) -> None:
        self._media = media
        self._slice_files = slice_files
        self._verdicts = VerdictCache()

    def video(self, s: Slice) -> VideoCheck:
        """The verdict on a slice's file, on disk or only in S3 (a missing file is not sound)."""
        source = self._slice_files.locate(s)
        try:
            key = ("video", s.path, *source.identity, s.size_bytes, s.duration_ms) if source else None
        except OSError:
            key = None
        if key is None:
            return VideoCheck(problems=("file missing",))
        found = self._verdicts.get(key)
        if found is None:
            try:
                with source.local_copy() as path:
                    found = check_video(path, size_bytes=s.size_bytes, duration_ms=s.duration_ms,
                                        tolerance_ms=DURATION_TOLERANCE_MS)
            except (ObjectStoreError, OSError) as exc:
                return VideoCheck(problems=(f"unreadable: {exc}",))
            if not found.is_valid:
                log.warning("video file %s is not sound: %s", s.path, "; ".join(found.problems))
            self._verdicts.put(key, found)
        return found

    def still(self, relpath: str) -> tuple[int, StillCheck]:
        """(size in bytes, verdict) of a JPEG file (a missing file: 0 bytes, not sound)."""
        path = self._media.absolute(relpath)
        try:
            stat = path.stat()
            key = ("still", relpath, stat.st_size, stat.st_mtime_ns)
            found = self._verdicts.get(key)
            if found is None:
                found = check_still(path.read_bytes())
                self._verdicts.put(key, found)
        except OSError:
            return 0, StillCheck(problems=("file missing",))
        return stat.st_size, found
