"""The registry of running MJPEG pipelines: one decode pipeline per (stream, output box), one mosaic
pipeline per (tiles, canvas, quality, cells), each shared by all its viewers.

`acquire_*` returns a `Lease` on the pipeline's board, making and starting the pipeline for its
first viewer; `Lease.release()` gives it back (idempotent). A pipeline whose last lease was
released keeps running for `grace_s` (a viewer reloading the page finds it warm), then its worker
ends and drops its input (the live subscription, or its tile leases). A pipeline whose input ended
is dropped from the registry at once; its remaining viewers see the board end.

Thread-safe (one re-entrant lock: a mosaic acquires its tiles while being made). Statistics
(`decoders_started`, `pipelines()`) are for monitoring and tests.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from camvault.core.tiles import Cell, Size, cells
from camvault.video.live import LiveHub
from camvault.video.mjpeg.frames import FrameBoard
from camvault.video.mjpeg.sources import LiveSubscription
from camvault.video.mjpeg.workers import NO_VIDEO_S, DecodeWorker, MosaicWorker

log = logging.getLogger(__name__)

StreamRef = tuple[int, int]
"""(camera_id, stream_id)."""


@dataclass
class _Entry:
    worker: DecodeWorker | MosaicWorker | None = None       # set right after the entry is made
    refs: int = 0
    idle_since_s: float | None = None


@dataclass(frozen=True)
class PipelineInfo:
    key: tuple
    leases: int
    watchers: int
    frames_decoded: int
    pictures: int
    jpeg_encodes: int
    running: bool


class Lease:
    def __init__(self, hub: MjpegHub, key: tuple, entry: _Entry) -> None:
        self._hub, self.key, self._entry = hub, key, entry
        self.board: FrameBoard = entry.worker.board
        self._released = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._hub._release(self._entry)


class MjpegHub:
    def __init__(self, live: LiveHub, *, max_fps: float, grace_s: float, no_video_s: float = NO_VIDEO_S) -> None:
        self._live = live
        self.max_fps = max_fps
        self.grace_s = grace_s
        self.no_video_s = no_video_s
        self._lock = threading.RLock()
        self._entries: dict[tuple, _Entry] = {}
        self.decoders_started = 0
        self.mosaics_started = 0

    # --- leases ----------------------------------------------------------------------------------
    def acquire_stream(self, camera_id: int, stream_id: int, box: Size | None = None) -> Lease:
        """The decoded pictures of stream `camera_id.stream_id`, fitted into `box` (None: its own size)."""
        key = ("stream", camera_id, stream_id, box)
        return self._acquire(key, lambda keep, on_exit: self._decode_worker(key, keep, on_exit))

    def acquire_mosaic(self, tiles: list[StreamRef | None], canvas: Size, quality: int,
                       layout: list[Cell] | None = None) -> Lease:
        """`tiles` (None: a camera without a stream, drawn "no video") composed on `canvas`, each in
        its cell of `layout` (None: an equal grid, `core.tiles.cells`); the rest of the canvas is black."""
        layout = tuple(layout) if layout is not None else tuple(cells(len(tiles), canvas))
        key = ("mosaic", tuple(tiles), canvas, quality, layout)
        return self._acquire(key, lambda keep, on_exit: self._mosaic_worker(key, keep, on_exit))

    def _acquire(self, key: tuple, make: Callable) -> Lease:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = _Entry()
                entry.worker = make(lambda: self._keep(key, entry), lambda: self._exited(key, entry))
                self._entries[key] = entry
                entry.worker.start()
                log.info("mjpeg: pipeline %s started", _label(key))
            entry.refs += 1
            entry.idle_since_s = None
            return Lease(self, key, entry)

    def _release(self, entry: _Entry) -> None:
        with self._lock:
            entry.refs -= 1
            if entry.refs == 0:
                entry.idle_since_s = time.monotonic()

    def _keep(self, key: tuple, entry: _Entry) -> bool:
        """Called by the worker: False (and the pipeline leaves the registry) once it has been
        without viewers for the grace period."""
        with self._lock:
            if entry.refs > 0 or entry.idle_since_s is None or time.monotonic() - entry.idle_since_s < self.grace_s:
                return True
            if self._entries.get(key) is entry:
                del self._entries[key]
            return False

    def _exited(self, key: tuple, entry: _Entry) -> None:
        with self._lock:
            if self._entries.get(key) is entry:
                del self._entries[key]
        log.info("mjpeg: pipeline %s stopped", _label(key))

    # --- workers ---------------------------------------------------------------------------------
    def _decode_worker(self, key: tuple, keep, on_exit) -> DecodeWorker:
        _, camera_id, stream_id, box = key
        self.decoders_started += 1
        source = LiveSubscription(lambda: self._live.get(camera_id, stream_id))
        return DecodeWorker(source, FrameBoard(_label(key)), box=box, max_fps=self.max_fps, label=_label(key),
                            keep_running=keep, on_exit=on_exit, no_video_s=self.no_video_s)

    def _mosaic_worker(self, key: tuple, keep, on_exit) -> MosaicWorker:
        _, tiles, canvas, quality, layout = key
        self.mosaics_started += 1
        wanted = {(ref, cell.size) for ref, cell in zip(tiles, layout) if ref is not None}
        leases = {(ref, size): self.acquire_stream(ref[0], ref[1], size) for ref, size in wanted}

        def exited() -> None:
            for lease in leases.values():
                lease.release()
            on_exit()
        boards = [leases[(ref, cell.size)].board if ref is not None else None for ref, cell in zip(tiles, layout)]
        return MosaicWorker(boards, list(layout), canvas, quality, FrameBoard(_label(key)), max_fps=self.max_fps,
                            label=_label(key), keep_running=keep, on_exit=exited)

    # --- monitoring and shutdown -----------------------------------------------------------------
    def pipelines(self) -> list[PipelineInfo]:
        with self._lock:
            entries = list(self._entries.items())
        return [PipelineInfo(key, e.refs, e.worker.board.watchers, getattr(e.worker, "frames_decoded", 0),
                             e.worker.pictures, e.worker.jpeg_encodes.value, e.worker.running) for key, e in entries]

    def close_all(self) -> None:
        """Stop every pipeline (node shutdown); their viewers see their boards end."""
        with self._lock:
            workers = [e.worker for e in self._entries.values()]
            self._entries.clear()
        for worker in workers:
            worker.stop()
            worker.board.end()


def _label(key: tuple) -> str:
    if key[0] == "stream":
        box = key[3]
        return f"{key[1]}.{key[2]}" + (f"@{box.width_px}x{box.height_px}" if box else "")
    tiles = ",".join(f"{t[0]}.{t[1]}" if t else "-" for t in key[1])
    return f"mosaic[{tiles}]@{key[2].width_px}x{key[2].height_px}q{key[3]}"
